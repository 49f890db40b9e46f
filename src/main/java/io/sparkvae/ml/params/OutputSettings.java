// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.List;

/**
 * The {@code output.*}, {@code gate.*} and {@code spark.*} settings. Part of the {@link Settings}
 * registry.
 */
public final class OutputSettings {
  private OutputSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting OUTPUT_VERSIONED =
      D.config(
          "output.versioned",
          Setting.Type.BOOLEAN,
          "false",
          "`true`: `--out BASE` writes `BASE/runs/<UTC time>/` and moves `BASE/latest` (a "
              + "one-line file naming the run) to it when the gate passes; exit code 4 when it does "
              + "not. Needs `data.test`. See [Versioned runs](retraining.md#versioned-runs)");
  public static final Setting GATE_TOLERANCE =
      D.config(
          "gate.tolerance",
          Setting.Type.DOUBLE,
          "1.0",
          "nats of test −ELBO a new model may lose against `latest` and still be promoted "
              + "(both evaluated on `data.test` with the noise seed `train.seed`); negative: it "
              + "must be better by that much. See [The gate](retraining.md#the-gate)");
  public static final Setting SPARK_MASTER =
      D.config(
          "spark.master",
          Setting.Type.STRING,
          "null",
          "Spark master; not set = as given by spark-submit, or `local[*]` under "
              + "`submit/local.sh`. See [Running on a Spark cluster](cluster.md)");
  public static final Setting SPARK_APP_NAME =
      D.config("spark.app-name", Setting.Type.STRING, "\"spark-vae\"", "Spark application name");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
