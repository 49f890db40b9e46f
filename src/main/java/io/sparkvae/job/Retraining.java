// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.data.ImageData;
import io.sparkvae.io.Json;
import io.sparkvae.ml.VaeEvaluator;
import io.sparkvae.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.SparkSession;

/**
 * {@code train} with {@code output.versioned = true}, the nightly-retraining mode: every run goes
 * to a new directory {@code BASE/runs/<UTC time>/}, and {@code BASE/latest} moves to it only when
 * the new model passes the gate (see {@link VersionedOutput} for the layout).
 *
 * <p>The gate: the new model's test −ELBO may exceed the latest model's by at most {@code
 * gate.tolerance} nats. Both models are evaluated here, on the same test rows, with the same noise
 * seed ({@code train.seed}) and the same number of z draws, so the comparison is between the models
 * and nothing else. A first run has nothing to beat and is promoted. A run that fails the gate
 * stays under {@code runs/} for inspection and the command exits with {@link
 * Main#EXIT_NOT_PROMOTED}. The decision and both figures are written to the run's {@code gate.json}
 * before {@code latest} moves.
 */
final class Retraining {
  /** {@code train.init-model = latest}: warm-start from the latest run under --out, if any. */
  static final String LATEST_WORD = "latest";

  static final String GATE_FILE = "gate.json";

  private Retraining() {}

  /** Configuration checks that need no Spark, so a bad setting fails at once. */
  static void checkConfig(JobConfig cfg) {
    if (cfg.string("data.test") == null) {
      throw new UserError(
          "output.versioned = true needs data.test: the gate compares the new "
              + "model's test -ELBO with the latest model's");
    }
    if (cfg.bool("train.resume") && cfg.string("train.checkpoint-dir") == null) {
      throw new UserError(
          "train.resume = true with output.versioned = true needs "
              + "train.checkpoint-dir: each versioned run writes a new directory, so the default "
              + "checkpoint place (inside the run) is always empty");
    }
    cfg.number("gate.tolerance");
  }

  /**
   * A versioned run's checkpoint is there to finish that run after a crash. Once the run is done it
   * goes: left in the fixed {@code train.checkpoint-dir}, the next night's run with {@code
   * train.resume = true} would resume this finished one, train nothing on the new data and offer
   * yesterday's model to the gate.
   */
  private static void removeFinishedCheckpoint(Configuration conf, JobConfig cfg)
      throws IOException {
    String dir = cfg.string("train.checkpoint-dir");
    if (dir == null) {
      return; // inside the run's own directory, which no later run reads
    }
    Path p = new Path(dir);
    org.apache.hadoop.fs.FileSystem fs = io.sparkvae.io.FileSystems.of(p, conf);
    if (fs.exists(p)) {
      fs.delete(p, true);
      System.out.println("checkpoint " + p + " removed: this run finished");
    }
  }

  static int run(SparkSession spark, JobConfig cfg, String base, String trainPath) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    VersionedOutput v = VersionedOutput.at(conf, base);
    try {
      checkBase(v, base);
      String current = v.latest();
      VariationalAutoencoderModel previous = null;
      if (current != null) {
        previous =
            ModelRef.load(
                spark,
                v.resolve(current).toString(),
                "the latest run of --out "
                    + base
                    + " ("
                    + VersionedOutput.LATEST
                    + " -> "
                    + current
                    + "):");
      }
      VariationalAutoencoderModel init;
      String initKey = cfg.string("train.init-model");
      if (initKey != null && initKey.trim().equals(LATEST_WORD)) {
        init = previous;
        if (previous != null) {
          TrainCommand.checkArchitecture(cfg, previous, "latest (" + current + ")");
        }
        System.out.println(
            previous == null
                ? "no latest run under " + base + " yet: starting from random weights"
                : "warm start from the latest run, " + current);
      } else {
        init = TrainCommand.initialModel(spark, cfg);
      }

      String run = v.newRun(Instant.now());
      Path runDir = v.resolve(run);
      System.out.println(
          "versioned run: "
              + runDir
              + (current == null
                  ? " (the first under this base)"
                  : " (latest is " + current + ")"));
      OutputDir out = OutputDir.prepare(conf, runDir.toString(), false, false);
      VariationalAutoencoderModel model =
          TrainCommand.train(spark, cfg, out, trainPath, cfg.bool("train.resume"), init);

      Decision d = gate(spark, cfg, model, previous, current);
      ObjectNode g = Json.object();
      g.put("run", run);
      g.put("promoted", d.promote);
      g.put("reason", d.reason);
      g.put("tolerance", d.tolerance);
      g.put("new_neg_elbo", d.newScore);
      if (current != null) {
        g.put("latest_run", current);
        if (Double.isNaN(d.oldScore)) {
          g.putNull("latest_neg_elbo");
        } else {
          g.put("latest_neg_elbo", d.oldScore);
        }
      }
      g.put("test_data", cfg.string("data.test"));
      g.put("seed", cfg.longValue("train.seed"));
      g.put("time", Instant.now().toString());
      out.writeText(GATE_FILE, Json.write(g));
      RunReports.writeVersioned(out, v, run);
      removeFinishedCheckpoint(conf, cfg);
      if (!d.promote) {
        System.out.println(
            "gate: "
                + d.reason
                + "; NOT promoted: "
                + base
                + "/"
                + VersionedOutput.LATEST
                + " still points at "
                + current
                + " (this run is kept in "
                + runDir
                + ")");
        return Main.EXIT_NOT_PROMOTED;
      }
      v.promote(run);
      System.out.println(
          "gate: "
              + d.reason
              + "; promoted: "
              + new Path(v.base(), VersionedOutput.LATEST)
              + " -> "
              + run);
      return Main.EXIT_OK;
    } catch (IOException e) {
      throw new UserError(
          "versioned output under " + base + ": " + e.getMessage(), Main.EXIT_FAILURE, e);
    }
  }

  /** A base must not be the output of a plain (unversioned) train. */
  private static void checkBase(VersionedOutput v, String base) throws IOException {
    if (!v.fs().exists(v.base())) {
      return;
    }
    if (!v.fs().getFileStatus(v.base()).isDirectory()) {
      throw new UserError("--out " + base + " is a file, not a directory");
    }
    for (FileStatus s : v.fs().listStatus(v.base())) {
      String n = s.getPath().getName();
      if (n.equals("model") || n.equals("metrics.json")) {
        throw new UserError(
            "--out "
                + base
                + " holds a plain train run ("
                + n
                + "); versioned "
                + "runs (output.versioned = true) need a base directory of their own");
      }
    }
  }

  /** The gate's verdict and the figures behind it. */
  static final class Decision {
    final boolean promote;
    final String reason;
    final double newScore;
    final double oldScore;
    final double tolerance;

    Decision(boolean promote, String reason, double newScore, double oldScore, double tolerance) {
      this.promote = promote;
      this.reason = reason;
      this.newScore = newScore;
      this.oldScore = oldScore;
      this.tolerance = tolerance;
    }
  }

  static Decision gate(
      SparkSession spark,
      JobConfig cfg,
      VariationalAutoencoderModel model,
      VariationalAutoencoderModel previous,
      String current) {
    double tol = cfg.number("gate.tolerance");
    ImageData test = Inputs.images(spark, cfg, "data.test");
    long seed = cfg.longValue("train.seed");
    int draws = (Integer) model.getOrDefault(model.scoreSamples());
    double fresh = testNegElbo(model, test, seed, draws);
    if (previous == null) {
      return new Decision(
          true,
          String.format(Locale.ROOT, "first run (test -ELBO %.2f)", fresh),
          fresh,
          Double.NaN,
          tol);
    }
    double old;
    try {
      old = testNegElbo(previous, test, seed, draws);
    } catch (IllegalArgumentException e) {
      return new Decision(
          false,
          "the latest model ("
              + current
              + ") cannot be evaluated on "
              + "this test set, so the runs cannot be compared: "
              + e.getMessage(),
          fresh,
          Double.NaN,
          tol);
    }
    boolean pass = fresh <= old + tol;
    String reason =
        String.format(
            Locale.ROOT,
            "test -ELBO %.2f (new) vs %.2f (latest, %s): " + "%s by %.2f nats, tolerance %.2f",
            fresh,
            old,
            current,
            fresh <= old ? "better" : "worse",
            Math.abs(fresh - old),
            tol);
    if (Double.isNaN(fresh)) {
      reason = "the new model's test -ELBO is NaN";
    }
    return new Decision(pass, reason, fresh, old, tol);
  }

  /** Mean test −ELBO with a given noise seed and number of z draws, the same for both models. */
  static double testNegElbo(VariationalAutoencoderModel m, ImageData test, long seed, int draws) {
    VariationalAutoencoderModel e =
        m.copy(new ParamMap())
            .setSeed(seed)
            .setScoreSamples(draws)
            .setFeaturesCol(test.featuresColumn());
    return (Double) VaeEvaluator.evaluate(e, test.frame(), 0, 0, test.idColumn()).get("neg_elbo");
  }
}
