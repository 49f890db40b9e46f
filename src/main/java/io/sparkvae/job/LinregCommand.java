// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.engine.DataValidationException;
import io.sparkvae.engine.DivergenceException;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.io.Json;
import io.sparkvae.linreg.GradientFitTolerance;
import io.sparkvae.linreg.RegressionFit;
import io.sparkvae.linreg.spark.LinearRegressionFits;
import io.sparkvae.linreg.spark.LinearRegressionFits.Engine;
import io.sparkvae.linreg.spark.LinearRegressionFits.Exact;
import io.sparkvae.linreg.spark.LinearRegressionFits.Mllib;
import io.sparkvae.linreg.spark.LinearRegressionFits.Scored;
import io.sparkvae.linreg.spark.RegressionTables;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import io.sparkvae.ml.params.LinregSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code linreg}: linear regression by maximum likelihood (src/site/markdown/training.md, "The
 * models" §1) fitted four ways on the same cached DataFrame (the exact normal equations, the VAE's
 * training loop, MLlib's normal and L-BFGS solvers), printed side by side and written to {@code
 * linreg.json}.
 */
@Command(
    name = "linreg",
    mixinStandardHelpOptions = true,
    description =
        "Fit linear regression by maximum likelihood four ways (exact normal "
            + "equations, the training engine, MLlib normal and l-bfgs), compare them, and write "
            + "linreg.json into --out.")
public final class LinregCommand implements Callable<Integer> {
  @Mixin JobOptions options;

  /** The engine's settings, from the linreg.* keys. */
  static LinearRegressionFits.EngineSettings engineSettings(JobConfig cfg) {
    int batch = cfg.nonNegative("linreg.batch-size");
    return new LinearRegressionFits.EngineSettings(
        cfg.positive("linreg.epochs"),
        batch,
        cfg.positiveNumber("linreg.learning-rate"),
        cfg.oneOf(LinregSettings.LINREG_OPTIMIZER),
        cfg.positive("linreg.sync-every"),
        cfg.longValue("linreg.seed"),
        cfg.bool("linreg.standardize"));
  }

  @Override
  public Integer call() {
    JobConfig cfg = options.config();
    String trainPath = cfg.requiredString("data.train");
    LinearRegressionFits.EngineSettings settings = engineSettings(cfg);
    double mllibTol = cfg.positiveNumber("linreg.mllib-tol");
    int mllibMaxIter = cfg.positive("linreg.mllib-max-iter");
    int partitions = cfg.nonNegative("linreg.partitions");
    // A session that exists already (a test, a notebook) is the caller's to stop.
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.create(cfg);
    try {
      OutputDir out =
          OutputDir.prepare(
              spark.sparkContext().hadoopConfiguration(), options.out(), options.overwrite, false);
      ObjectNode json =
          run(spark, cfg, trainPath, settings, partitions, mllibTol, mllibMaxIter, System.out);
      try {
        out.writeText("linreg.json", Json.write(json));
      } catch (IOException e) {
        throw new UserError(
            "could not write " + out.resolve("linreg.json") + ": " + e.getMessage(),
            Main.EXIT_FAILURE,
            e);
      }
      System.out.println(
          "wrote "
              + out.resolve("linreg.json")
              + " (the four fits, their differences from the exact MLE, and its summary)");
      return Main.EXIT_OK;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  /** Loads, fits four ways, prints, and returns the contents of linreg.json. */
  static ObjectNode run(
      SparkSession spark,
      JobConfig cfg,
      String trainPath,
      LinearRegressionFits.EngineSettings settings,
      int partitions,
      double mllibTol,
      int mllibMaxIter,
      PrintStream console) {
    long start = System.nanoTime();
    String id = cfg.string("data.id");
    RegressionTables.Spec spec =
        new RegressionTables.Spec(
            "data.train",
            trainPath,
            Inputs.format(cfg),
            cfg.requiredString("data.label"),
            cfg.strings("data.features"),
            id == null || id.isEmpty() ? null : id,
            cfg.nonNegative("data.num-features"));
    RegressionTable table;
    try {
      table = RegressionTables.load(spark, spec);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new UserError(e.getMessage(), e);
    } catch (Exception e) {
      // Spark's read errors arrive as SparkException, which Scala throws unchecked.
      throw new UserError("data.train: cannot read " + trainPath + ": " + Inputs.rootMessage(e), e);
    }
    int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    long t0 = System.nanoTime();
    try {
      table = LinearRegressionFits.cache(table, parts);
    } catch (Exception e) {
      throw new UserError("data.train: cannot read " + trainPath + ": " + Inputs.rootMessage(e), e);
    }
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    try {
      return fitAll(
          new FitInputs(
              spark,
              table,
              cfg,
              settings,
              mllibTol,
              mllibMaxIter,
              console,
              table.frame().rdd().getNumPartitions(),
              loadSeconds,
              start));
    } finally {
      table.frame().unpersist(false);
    }
  }

  /** What the fits need: the cached table, the settings, where to print, and the clock. */
  record FitInputs(
      SparkSession spark,
      RegressionTable table,
      JobConfig cfg,
      LinearRegressionFits.EngineSettings settings,
      double mllibTol,
      int mllibMaxIter,
      PrintStream console,
      int partitions,
      double loadSeconds,
      long start) {}

  /** The four fits, in the order of the comparison table's columns. */
  record Fits(Exact exact, Engine engine, Mllib normal, Mllib lbfgs) {
    double[] seconds() {
      return new double[] {exact.seconds(), engine.seconds(), normal.seconds(), lbfgs.seconds()};
    }

    String[] iterations() {
      return new String[] {
        "1 pass",
        engine.updates() + " updates",
        normal.iterations() == 0 ? "direct" : String.valueOf(normal.iterations()),
        String.valueOf(lbfgs.iterations())
      };
    }

    // The exact fit is the reference, so it has no tolerance of its own.
    double[] tolerances() {
      return new double[] {
        Double.NaN,
        engine.tolerance().tolerance(),
        LinearRegressionFits.MLLIB_TOLERANCE,
        LinearRegressionFits.MLLIB_TOLERANCE
      };
    }
  }

  /** Fits four ways (printing as each finishes), compares, and builds linreg.json. */
  private static ObjectNode fitAll(FitInputs in) {
    Exact exact = fitExact(in);
    Engine engine = fitEngine(in, exact);
    Mllib normal = fitMllib(in, "normal");
    Mllib lbfgs = fitMllib(in, "l-bfgs");
    Fits fits = new Fits(exact, engine, normal, lbfgs);
    Map<String, Scored> scored = score(fits);
    LinregReport.printComparison(in, fits, scored);
    return LinregReport.json(in, fits, scored);
  }

  private static Exact fitExact(FitInputs in) {
    RegressionTable table = in.table();
    Exact exact;
    try {
      exact = LinearRegressionFits.exact(table);
    } catch (DataValidationException e) {
      throw new UserError(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    int d = table.dimension();
    in.console()
        .printf(
            Locale.ROOT,
            "linreg on %s (%s): %,d rows in %d partitions, read and "
                + "cached in %.2f s; label '%s'; %d %s: %s%n",
            table.source(),
            table.format().name().toLowerCase(Locale.ROOT),
            exact.stats().count(),
            in.partitions(),
            in.loadSeconds(),
            table.label(),
            d,
            d == 1 ? "feature" : "features",
            String.join(", ", table.features()));
    if (!table.leftOut().isEmpty()) {
      in.console()
          .println(
              "left out, not numeric: "
                  + String.join(", ", table.leftOut())
                  + " (list data.features to choose the features; a named column must hold numbers)");
    }
    in.console()
        .printf(
            Locale.ROOT,
            "%-13s normal equations on the driver from one " + "treeAggregate pass: %.2f s%n",
            LinearRegressionFits.EXACT,
            exact.seconds());
    return exact;
  }

  private static Engine fitEngine(FitInputs in, Exact exact) {
    LinearRegressionFits.EngineSettings settings = in.settings();
    in.console()
        .printf(
            Locale.ROOT,
            "%-13s %s on the training engine (SyncTrainer), %d epochs, " + "%s, k=%d%s%n",
            LinearRegressionFits.ENGINE,
            settings.optimizer() + "(lr=" + settings.learningRate() + ")",
            settings.epochs(),
            settings.batchSize() == 0 ? "full batch" : "batch " + settings.batchSize(),
            settings.syncEvery(),
            settings.standardize() ? ", standardized" : "");
    Engine engine;
    try {
      engine =
          LinearRegressionFits.engine(
              JavaSparkContext.fromSparkContext(in.spark().sparkContext()),
              in.table(),
              exact,
              settings,
              new EngineProgress(
                  in.console(),
                  GradientFitTolerance.labelScale(exact.stats(), settings.standardize())));
    } catch (DivergenceException e) {
      throw new UserError(e.getMessage(), Main.EXIT_DIVERGED, e);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
    in.console().printf(Locale.ROOT, "%-13s %.2f s%n", "", engine.seconds());
    return engine;
  }

  /** MLlib's LinearRegression with the solver "normal" or "l-bfgs". */
  private static Mllib fitMllib(FitInputs in, String solver) {
    Mllib fit = LinearRegressionFits.mllib(in.table(), solver, in.mllibTol(), in.mllibMaxIter());
    if (solver.equals("normal")) {
      in.console()
          .printf(
              Locale.ROOT,
              "%-13s MLlib LinearRegression, solver normal: %.2f s%n",
              LinearRegressionFits.MLLIB_NORMAL,
              fit.seconds());
    } else {
      in.console()
          .printf(
              Locale.ROOT,
              "%-13s MLlib LinearRegression, solver l-bfgs (tol %.0e): "
                  + "%d iterations, %.2f s%n",
              LinearRegressionFits.MLLIB_LBFGS,
              in.mllibTol(),
              fit.iterations(),
              fit.seconds());
    }
    return fit;
  }

  /** Each fit's likelihood and distance from the exact MLE, keyed by method, in column order. */
  private static Map<String, Scored> score(Fits fits) {
    Exact exact = fits.exact();
    RegressionFit fit = exact.fit();
    Map<String, Scored> scored = new LinkedHashMap<>();
    scored.put(
        LinearRegressionFits.EXACT,
        LinearRegressionFits.evaluate(
            LinearRegressionFits.EXACT, fit.weights(), fit.intercept(), exact));
    scored.put(
        LinearRegressionFits.ENGINE,
        LinearRegressionFits.evaluate(
            LinearRegressionFits.ENGINE,
            fits.engine().weights(),
            fits.engine().intercept(),
            exact));
    scored.put(
        LinearRegressionFits.MLLIB_NORMAL,
        LinearRegressionFits.evaluate(
            LinearRegressionFits.MLLIB_NORMAL,
            fits.normal().weights(),
            fits.normal().intercept(),
            exact));
    scored.put(
        LinearRegressionFits.MLLIB_LBFGS,
        LinearRegressionFits.evaluate(
            LinearRegressionFits.MLLIB_LBFGS,
            fits.lbfgs().weights(),
            fits.lbfgs().intercept(),
            exact));
    return scored;
  }

  /** About ten progress lines for the engine fit, the MSE on the original scale. */
  static final class EngineProgress implements TrainingListener {
    private final PrintStream out;
    private final double scale;

    EngineProgress(PrintStream out, double labelScale) {
      this.out = out;
      this.scale = labelScale * labelScale;
    }

    @Override
    public void onEpoch(EpochReport r, int total) {
      int every = Math.max(1, total / 10);
      if (r.epoch() == 1 || r.epoch() % every == 0 || r.epoch() == total) {
        out.printf(
            Locale.ROOT,
            "%-13s epoch %4d/%d  train MSE %.8g  %.3f s/epoch%n",
            "",
            r.epoch(),
            total,
            r.train()[0] * scale,
            r.seconds());
      }
    }
  }
}
