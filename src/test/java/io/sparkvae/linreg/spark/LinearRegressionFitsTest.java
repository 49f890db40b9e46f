// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.engine.TrainingListener;
import io.sparkvae.linreg.RegressionFit;
import io.sparkvae.linreg.spark.LinearRegressionFits.Engine;
import io.sparkvae.linreg.spark.LinearRegressionFits.EngineSettings;
import io.sparkvae.linreg.spark.LinearRegressionFits.Exact;
import io.sparkvae.linreg.spark.LinearRegressionFits.Mllib;
import io.sparkvae.linreg.spark.LinearRegressionFits.Scored;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four fits agree on the bundled samples and recover a known model. */
class LinearRegressionFitsTest extends SparkTestBase {
  static final Path ONE = Samples.LINREG_ONE_FEATURE;
  static final Path MULTI = Samples.LINREG_MULTI;

  static RegressionTable load(Path path, String label, List<String> features) {
    RegressionTable t =
        RegressionTables.load(
            spark(),
            new RegressionTables.Spec("data.train", path.toString(), null, label, features, "id"));
    return LinearRegressionFits.cache(t, 2);
  }

  private static EngineSettings fullBatch(int epochs) {
    return new EngineSettings(epochs, 0, 0.25, "sgd", 1, 42, true);
  }

  /** Checks the four fits of a table against each other; returns the exact one. */
  private static Exact agree(
      RegressionTable t, EngineSettings engineSettings, double maxTolerance) {
    Exact exact = LinearRegressionFits.exact(t);
    Engine engine =
        LinearRegressionFits.engine(jsc(), t, exact, engineSettings, TrainingListener.NONE);
    Scored e =
        LinearRegressionFits.evaluate(
            LinearRegressionFits.ENGINE, engine.weights(), engine.intercept(), exact);
    assertTrue(
        e.maxRelDiff() <= engine.tolerance().tolerance(),
        "engine differs by "
            + e.maxRelDiff()
            + ", more than its settings imply: "
            + engine.tolerance().tolerance());
    assertTrue(
        engine.tolerance().tolerance() <= maxTolerance,
        "the implied tolerance " + engine.tolerance().tolerance() + " is meaningful");
    for (String solver : List.of("normal", "l-bfgs")) {
      Mllib m = LinearRegressionFits.mllib(t, solver, 1e-12, 1000);
      Scored s = LinearRegressionFits.evaluate(solver, m.weights(), m.intercept(), exact);
      assertTrue(
          s.maxRelDiff() <= LinearRegressionFits.MLLIB_TOLERANCE,
          "MLlib " + solver + " differs from the exact MLE by " + s.maxRelDiff());
      assertEquals(exact.fit().mse(), s.mse(), 1e-9 * exact.fit().mse());
    }
    // Same (W, b), same scores: the MSE is the MLE of the noise variance, and the mean
    // log-likelihood follows from it.
    Scored x =
        LinearRegressionFits.evaluate(
            LinearRegressionFits.EXACT, exact.fit().weights(), exact.fit().intercept(), exact);
    assertEquals(exact.fit().sigma2Mle(), x.sigma2Mle(), 0);
    assertEquals(-0.5 * Math.log(2 * Math.PI * x.sigma2Mle()) - 0.5, x.meanLogLik(), 1e-15);
    assertEquals(exact.fit().r2(), e.r2(), 1e-9);
    return exact;
  }

  @Test
  void oneFeatureSampleAgreesFourWays() {
    RegressionTable t = load(ONE, "y", List.of());
    try {
      assertEquals(List.of("x"), t.features());
      Exact exact = agree(t, fullBatch(100), 1e-4);
      // Against a fit computed independently (Python, double, the textbook formulas).
      assertEquals(4000, exact.stats().count());
      assertEquals(2.4968536510796904, exact.fit().weights()[0], 1e-12);
      assertEquals(-0.9845972272541967, exact.fit().intercept(), 1e-12);
      assertEquals(0.6543997404280127, exact.fit().sigma2Mle(), 1e-12);
      assertEquals(0.004405508991773754, exact.fit().weightStdErrors()[0], 1e-12);
    } finally {
      t.frame().unpersist();
    }
  }

  @Test
  void multiFeatureSampleAgreesFourWays() {
    // [] picks every numeric column but the label and the id column.
    RegressionTable t = load(MULTI, "y", List.of());
    try {
      assertEquals(List.of("x1", "x2", "x3", "x4"), t.features());
      Exact exact = agree(t, new EngineSettings(300, 0, 0.25, "sgd", 1, 42, true), 1e-4);
      assertTrue(
          exact.fit().warnings().isEmpty(),
          "correlated is not collinear: " + exact.fit().warnings());
    } finally {
      t.frame().unpersist();
    }
  }

  @Test
  void minibatchAndAdamSettingsOnTheEngine() {
    RegressionTable t = load(ONE, "y", List.of());
    try {
      Exact exact = LinearRegressionFits.exact(t);
      // Minibatch SGD: 400 rows per step (200 from each of 2 partitions), 10 steps per epoch.
      Engine mini =
          LinearRegressionFits.engine(
              jsc(),
              t,
              exact,
              new EngineSettings(8, 400, 0.05, "sgd", 1, 7, true),
              TrainingListener.NONE);
      assertEquals(10, mini.stepsPerEpoch());
      assertEquals(80, mini.updates());
      Scored m = LinearRegressionFits.evaluate("engine", mini.weights(), mini.intercept(), exact);
      double tol = mini.tolerance().tolerance();
      assertTrue(m.maxRelDiff() <= tol, m.maxRelDiff() + " > " + tol);
      assertTrue(mini.tolerance().basis().contains("minibatch noise"));
      // Adam: no closed-form tolerance, but it still lands near the optimum.
      Engine adam =
          LinearRegressionFits.engine(
              jsc(),
              t,
              exact,
              new EngineSettings(20, 400, 0.02, "adam", 1, 7, true),
              TrainingListener.NONE);
      assertTrue(Double.isNaN(adam.tolerance().tolerance()));
      Scored a = LinearRegressionFits.evaluate("engine", adam.weights(), adam.intercept(), exact);
      assertTrue(a.maxRelDiff() < 0.01, "adam " + a.maxRelDiff());
      assertTrue(a.mse() < exact.fit().mse() * 1.01, "adam mse " + a.mse());
      // Too large a rate is refused before training, with the limit.
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  LinearRegressionFits.engine(
                      jsc(),
                      t,
                      exact,
                      new EngineSettings(5, 0, 1.5, "sgd", 1, 7, true),
                      TrainingListener.NONE));
      assertTrue(
          e.getMessage().contains("linreg.learning-rate = 1.5 is too large")
              && e.getMessage().contains("below 1.000"),
          e.getMessage());
    } finally {
      t.frame().unpersist();
    }
  }

  @Test
  void recoversAKnownModelWithinItsSamplingError(@TempDir Path dir) throws Exception {
    double[] w = {0.7, -1.2, 3.0};
    double b = 5.0;
    double s = 2.0;
    int n = 20000;
    Random rng = new Random(99);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = rng.nextGaussian() * 3;
      double x2 = rng.nextDouble() * 10 - 5;
      double x3 = 100 + rng.nextGaussian();
      double y = w[0] * x1 + w[1] * x2 + w[2] * x3 + b + s * rng.nextGaussian();
      rows.add(RowFactory.create((long) i, x1, x2, x3, y));
    }
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.LongType, false),
              DataTypes.createStructField("x1", DataTypes.DoubleType, false),
              DataTypes.createStructField("x2", DataTypes.DoubleType, false),
              DataTypes.createStructField("x3", DataTypes.DoubleType, false),
              DataTypes.createStructField("target", DataTypes.DoubleType, false)
            });
    Path file = dir.resolve("synthetic.parquet");
    spark().createDataFrame(rows, schema).repartition(3).write().parquet(file.toString());
    assertTrue(Files.isDirectory(file));
    RegressionTable t = load(file, "target", List.of());
    try {
      assertEquals(List.of("x1", "x2", "x3"), t.features());
      Exact exact = agree(t, new EngineSettings(80, 0, 0.25, "sgd", 1, 42, true), 1e-3);
      RegressionFit fit = exact.fit();
      double[] se = fit.weightStdErrors();
      for (int j = 0; j < 3; j++) {
        assertEquals(w[j], fit.weights()[j], 4 * se[j], "W" + (j + 1) + " within 4 SE");
      }
      assertEquals(b, fit.intercept(), 4 * fit.interceptCoefficient().stdError(), "b");
      // n ŝ²/s² ~ χ²(n − 4): mean s²(n − 4)/n, standard deviation s²√(2(n − 4))/n.
      double mean = s * s * (n - 4) / n;
      double sd = s * s * Math.sqrt(2.0 * (n - 4)) / n;
      assertEquals(mean, fit.sigma2Mle(), 4 * sd, "s2 within 4 of its standard deviations");
    } finally {
      t.frame().unpersist();
    }
  }

  @Test
  void scoresAnyFitExactlyFromTheStatistics() {
    RegressionTable t = load(MULTI, "y", List.of("x1", "x2", "x3", "x4"));
    try {
      Exact exact = LinearRegressionFits.exact(t);
      double[] w = {1.0, -1.0, 0.5, 0.3};
      double b = 2.0;
      double rss = 0;
      for (Row r : t.frame().collectAsList()) {
        double e = r.getDouble(4) - b;
        for (int j = 0; j < 4; j++) {
          e -= w[j] * r.getDouble(j);
        }
        rss += e * e;
      }
      Scored s = LinearRegressionFits.evaluate("test", w, b, exact);
      assertEquals(rss / 2000, s.mse(), 1e-10 * s.mse());
      assertEquals(1 - rss / exact.stats().syy(), s.r2(), 1e-10);
      double[] rel =
          LinearRegressionFits.relativeDifferences(
              w, b, exact.fit().weights(), exact.fit().intercept());
      assertEquals(
          Math.abs(1.0 - exact.fit().weights()[0]) / exact.fit().weights()[0], rel[0], 1e-15);
      assertEquals(5, rel.length);
    } finally {
      t.frame().unpersist();
    }
  }
}
