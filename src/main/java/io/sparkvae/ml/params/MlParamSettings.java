// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.List;

/**
 * The Spark ML params that have no config key (columns, scoring, blocks). Part of the {@link
 * Settings} registry.
 */
public final class MlParamSettings {
  private MlParamSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting FEATURES_COL =
      D.param(
          "featuresCol",
          Setting.Type.STRING,
          "\"features\"",
          Rule.ANY,
          "input column: binary 8-bit pixels, ML Vector, or array of float/double");
  public static final Setting ID_COL =
      D.param(
          "idCol",
          Setting.Type.STRING,
          "\"\"",
          Rule.ANY,
          "column that names rows in error messages (\"\" = none)");
  public static final Setting NUM_PARTITIONS =
      D.param(
          "numPartitions",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "repartition the input into this many partitions (0 = keep its partitioning)");
  public static final Setting LATENT_MEAN_COL =
      D.param(
          "latentMeanCol",
          Setting.Type.STRING,
          "\"latent_mean\"",
          Rule.ANY,
          "output column for the latent mean (\"\" to skip)");
  public static final Setting LATENT_LOG_VAR_COL =
      D.param(
          "latentLogVarCol",
          Setting.Type.STRING,
          "\"latent_log_var\"",
          Rule.ANY,
          "output column for the latent log-variance (\"\" to skip)");
  public static final Setting RECONSTRUCTION_COL =
      D.param(
          "reconstructionCol",
          Setting.Type.STRING,
          "\"reconstruction\"",
          Rule.ANY,
          "output column for the reconstruction at z = mu (\"\" to skip)");
  public static final Setting NEG_ELBO_COL =
      D.param(
          "negElboCol",
          Setting.Type.STRING,
          "\"neg_elbo\"",
          Rule.ANY,
          "output column for -ELBO in nats, an anomaly score (\"\" to skip)");
  public static final Setting IWAE_COL =
      D.param(
          "iwaeCol",
          Setting.Type.STRING,
          "\"iwae_nll\"",
          Rule.ANY,
          "output column for -log p(x) by the importance-weighted bound (needs iwaeSamples > 0)");
  public static final Setting IWAE_SAMPLES =
      D.param(
          "iwaeSamples",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "K draws for the importance-weighted bound (0 = do not compute it)");
  public static final Setting SCORE_SAMPLES =
      D.param(
          "scoreSamples", Setting.Type.INT, "1", Rule.POSITIVE, "L draws of z per row for -ELBO");
  public static final Setting METRIC_NAME =
      D.choice(
          null,
          "metricName",
          TuningMetric.values(),
          TuningMetric::paramName,
          TuningMetric.NEG_ELBO,
          "what the tuning evaluator measures, from the model's output columns: `negElbo` (mean "
              + "-ELBO), `reconstruction` (mean squared reconstruction error at z = mu) or `iwae` "
              + "(mean IWAE -log p(x)); smaller is better for all");
  public static final Setting BLOCK_SIZE =
      D.param("blockSize", Setting.Type.INT, "256", Rule.POSITIVE, "rows per block in transform");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
