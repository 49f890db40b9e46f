// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import io.sparkvae.engine.BlockedData;
import io.sparkvae.engine.DataValidationException;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.engine.SyncTrainer;
import io.sparkvae.engine.TrainerConfig;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.engine.TrainingState;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.Schedule;
import io.sparkvae.linreg.GradientFitTolerance;
import io.sparkvae.linreg.LinearRegressionObjective;
import io.sparkvae.linreg.NormalEquations;
import io.sparkvae.linreg.RegressionFit;
import io.sparkvae.linreg.SufficientStats;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The same linear regression fitted by maximum likelihood four ways on one DataFrame
 * (src/site/markdown/training.md, "The models" §1):
 *
 * <ol>
 *   <li>{@link #exact}: the normal equations, solved on the driver ({@link NormalEquations}) from
 *       sufficient statistics gathered in double precision in one {@code treeAggregate} pass, which
 *       also checks every value;
 *   <li>{@link #engine}: the mean squared error ({@link LinearRegressionObjective}) minimized by
 *       the synchronous loop that trains the VAE ({@link SyncTrainer}), unchanged;
 *   <li>{@link #mllib}: Spark MLlib's {@code LinearRegression} without regularization, solver
 *       {@code normal} or {@code l-bfgs}.
 * </ol>
 *
 * {@link #evaluate} then scores any (W, b) on the data exactly, in double, from the exact pass's
 * statistics (no further pass): RSS(W, b) = Syy − 2 Wᵀ Sxy + Wᵀ Sxx W + n (ȳ − W·x̄ − b)².
 */
public final class LinearRegressionFits {
  public static final String EXACT = "exact";
  public static final String ENGINE = "engine";
  public static final String MLLIB_NORMAL = "mllib_normal";
  public static final String MLLIB_LBFGS = "mllib_lbfgs";

  /** The four methods, in the order they are run and printed. */
  public static final List<String> METHODS = List.of(EXACT, ENGINE, MLLIB_NORMAL, MLLIB_LBFGS);

  /**
   * MLlib must agree with the exact MLE to this relative difference
   * (src/site/markdown/linear-regression.md).
   */
  public static final double MLLIB_TOLERANCE = 1e-6;

  /** Depth of the exact pass's treeAggregate (Spark's default). */
  public static final int AGGREGATION_DEPTH = 2;

  private LinearRegressionFits() {}

  // ---- the shared DataFrame ----

  /**
   * The table's prepared frame in {@code partitions} partitions (0: as read), cached at {@code
   * MEMORY_AND_DISK} and materialized, so that every method reads the same rows from memory.
   * Returns the new table; the caller unpersists {@code frame()} when done.
   */
  public static RegressionTable cache(RegressionTable t, int partitions) {
    Dataset<Row> f = t.frame();
    if (partitions > 0 && f.rdd().getNumPartitions() != partitions) {
      f = f.repartition(partitions);
    }
    f = f.persist(StorageLevel.MEMORY_AND_DISK());
    f.count();
    return t.withFrame(f);
  }

  // ---- 1. exact ----

  /**
   * The exact MLE and its statistics.
   *
   * @param seconds wall time of the pass and the solve
   */
  public record Exact(SufficientStats stats, RegressionFit fit, double seconds) {}

  /**
   * One {@code treeAggregate} pass over the table (statistics and checks), then the solve.
   *
   * @throws DataValidationException when values are empty, NaN or infinite: per column, the first
   *     such row (line of the file where possible) and how many there are
   * @throws IllegalArgumentException for fewer rows than parameters or a constant feature
   */
  public static Exact exact(RegressionTable t) {
    long t0 = System.nanoTime();
    int d = t.dimension();
    RegressionPass pass =
        t.frame()
            .toJavaRDD()
            .treeAggregate(
                new RegressionPass(d), (p, r) -> p.add(r), (a, b) -> a.merge(b), AGGREGATION_DEPTH);
    List<Integer> badColumns = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (int j = 0; j <= d; j++) {
      if (pass.badValues(j) > 0) {
        badColumns.add(j);
        ids.add(pass.firstRow[j]);
      }
    }
    if (!badColumns.isEmpty()) {
      List<String> where = RowLocator.locate(t, ids);
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < badColumns.size(); i++) {
        int j = badColumns.get(i);
        String name = j < d ? t.features().get(j) : t.label();
        long[] c = pass.bad[j];
        List<String> counts = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
          if (c[k] > 0) {
            counts.add(c[k] + " " + RegressionPass.KIND_NAMES[k]);
          }
        }
        long total = pass.badValues(j);
        String value =
            pass.firstKind[j] == RegressionPass.EMPTY
                ? "the value is empty"
                : "the value is " + pass.firstValue[j];
        problems.add(
            RegressionTables.problem(
                t,
                name,
                where.get(i),
                value
                    + (total > 1
                        ? "; "
                            + total
                            + " rows in all have a bad value in '"
                            + name
                            + "' ("
                            + String.join(", ", counts)
                            + ")"
                        : "")
                    + "; linear regression needs a finite number in every row"));
      }
      throw new DataValidationException(problems);
    }
    SufficientStats s = pass.stats;
    String[] names = t.features().toArray(new String[0]);
    long n = s.count();
    if (n < d + 1) {
      throw new IllegalArgumentException(
          t.source()
              + ": "
              + n
              + (n == 1 ? " row" : " rows")
              + ", but linear regression with "
              + d
              + (d == 1 ? " feature" : " features")
              + " ("
              + String.join(", ", names)
              + ") has "
              + (d + 1)
              + " parameters (weights and "
              + "intercept) and needs at least "
              + (d + 1)
              + " rows");
    }
    try {
      NormalEquations.requireNoConstantFeatures(s, names);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(t.source() + ": " + e.getMessage(), e);
    }
    RegressionFit fit = NormalEquations.solve(s, names);
    return new Exact(s, fit, (System.nanoTime() - t0) / 1e9);
  }

  // ---- 2. the engine ----

  /**
   * Settings of the gradient fit.
   *
   * @param batchSize rows per step summed over all partitions; 0 = every row (full batch)
   * @param optimizer "sgd" or "adam"
   * @param standardize fit on (x − x̄)/σ_x and (y − ȳ)/σ_y, with the exact pass's moments, and map
   *     the weights back
   */
  public record EngineSettings(
      int epochs,
      int batchSize,
      double learningRate,
      String optimizer,
      int syncEvery,
      long seed,
      boolean standardize) {
    public EngineSettings {
      if (epochs < 1 || batchSize < 0 || !(learningRate > 0) || syncEvery < 1) {
        throw new IllegalArgumentException(
            "invalid engine settings: epochs "
                + epochs
                + ", batch size "
                + batchSize
                + ", learning rate "
                + learningRate
                + ", sync-every "
                + syncEvery);
      }
    }
  }

  /**
   * The gradient fit.
   *
   * @param weights W on the original scale
   * @param params the engine's float parameters (standardized scale when standardizing)
   * @param updates optimizer updates done
   * @param lastEpochMse the mean squared error over the last epoch's rows as training met them, on
   *     the original scale (the engine's own figure, in float arithmetic)
   * @param seconds packing the data and training
   * @param tolerance what the settings imply ({@link GradientFitTolerance})
   */
  public record Engine(
      double[] weights,
      double intercept,
      float[] params,
      long updates,
      int batchSize,
      int stepsPerEpoch,
      int syncEvery,
      int partitions,
      double lastEpochMse,
      double seconds,
      String optimizer,
      GradientFitTolerance.Result tolerance) {}

  public static Engine engine(
      JavaSparkContext sc,
      RegressionTable t,
      Exact exact,
      EngineSettings set,
      TrainingListener listener) {
    long t0 = System.nanoTime();
    SufficientStats s = exact.stats();
    int d = t.dimension();
    double[] sx = GradientFitTolerance.scales(s, set.standardize());
    double sy = GradientFitTolerance.labelScale(s, set.standardize());
    List<String> cols = new ArrayList<>();
    List<Column> select = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      String c = RegressionTables.featureColumn(j);
      cols.add(c);
      Column v = functions.col(c);
      select.add(set.standardize() ? v.minus(s.meanX(j)).divide(sx[j]).as(c) : v);
    }
    Column y = functions.col(RegressionTables.LABEL);
    select.add(set.standardize() ? y.minus(s.meanY()).divide(sy).as(RegressionTables.LABEL) : y);
    Dataset<Row> frame = t.frame().select(select.toArray(new Column[0]));
    BlockedData data =
        BlockedData.build(
            frame,
            FeatureReader.forNumericColumns(frame.schema(), cols, RegressionTables.LABEL),
            BlockedData.Requirements.none(),
            StorageLevel.MEMORY_AND_DISK(),
            "linreg data " + t.path(),
            null);
    try {
      long[] sizes = data.partitionRows();
      int batch =
          set.batchSize() > 0
              ? set.batchSize()
              : (int) Math.min(Integer.MAX_VALUE - 64, Math.max(1, Arrays.stream(sizes).sum()));
      int steps = Schedule.stepsPerEpoch(sizes, batch);
      String opt = set.optimizer().trim().toLowerCase(Locale.ROOT);
      GradientFitTolerance.Result tol =
          GradientFitTolerance.of(
              s,
              exact.fit(),
              set.standardize(),
              opt,
              set.learningRate(),
              set.epochs(),
              steps,
              set.syncEvery());
      if (opt.equals("sgd") && tol.contraction() >= 1) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "linreg.learning-rate = "
                    + "%s is too large for gradient descent on this data: it diverges at or above "
                    + "1/lambda_max = %.4g (lambda_max = %.4g is the largest eigenvalue of the %s "
                    + "features' second-moment matrix); set linreg.learning-rate below %.4g",
                set.learningRate(),
                tol.maxStableLearningRate(),
                tol.lambdaMax(),
                set.standardize() ? "standardized" : "raw",
                tol.maxStableLearningRate()));
      }
      LinearRegressionObjective objective = new LinearRegressionObjective(d);
      Optimizer optimizer = Optimizer.named(opt, set.learningRate());
      TrainerConfig cfg =
          new TrainerConfig("linreg", set.epochs(), batch, set.syncEvery(), set.seed(), 1, 0, 0);
      TrainingState state = SyncTrainer.initialState(objective, optimizer, set.seed());
      state =
          new SyncTrainer(sc, cfg)
              .fit(
                  objective,
                  optimizer,
                  data,
                  null,
                  state,
                  null,
                  listener == null ? TrainingListener.NONE : listener);
      float[] u = state.params();
      double[] w = new double[d];
      double b = set.standardize() ? s.meanY() + sy * u[d] : u[d];
      for (int j = 0; j < d; j++) {
        w[j] = sy * u[j] / sx[j];
        if (set.standardize()) {
          b -= w[j] * s.meanX(j);
        }
      }
      EpochReport last = state.lastEpoch();
      return new Engine(
          w,
          b,
          u.clone(),
          state.updates(),
          batch,
          steps,
          Math.min(set.syncEvery(), steps),
          data.numPartitions(),
          last.train()[0] * sy * sy,
          (System.nanoTime() - t0) / 1e9,
          optimizer.describe(),
          tol);
    } finally {
      data.close();
    }
  }

  // ---- 3. MLlib ----

  /**
   * MLlib's fit.
   *
   * @param iterations MLlib's {@code totalIterations} (L-BFGS iterations; 0 for the normal
   *     equations solved directly)
   */
  public record Mllib(
      String solver, double[] weights, double intercept, int iterations, double seconds) {}

  /**
   * {@code LinearRegression} with regParam 0, elasticNetParam 0 and an intercept, on the features
   * assembled into a vector by {@link VectorAssembler}.
   *
   * @param solver "normal" or "l-bfgs"
   * @param tol convergence tolerance (L-BFGS)
   * @param maxIter iteration limit (L-BFGS)
   */
  public static Mllib mllib(RegressionTable t, String solver, double tol, int maxIter) {
    long t0 = System.nanoTime();
    int d = t.dimension();
    String[] in = new String[d];
    for (int j = 0; j < d; j++) {
      in[j] = RegressionTables.featureColumn(j);
    }
    Dataset<Row> assembled =
        new VectorAssembler().setInputCols(in).setOutputCol("_features").transform(t.frame());
    LinearRegression lr =
        new LinearRegression()
            .setFeaturesCol("_features")
            .setLabelCol(RegressionTables.LABEL)
            .setRegParam(0)
            .setElasticNetParam(0)
            .setFitIntercept(true)
            .setSolver(solver)
            .setTol(tol)
            .setMaxIter(maxIter);
    LinearRegressionModel m = lr.fit(assembled);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Mllib(
        solver, m.coefficients().toArray(), m.intercept(), m.summary().totalIterations(), seconds);
  }

  // ---- scoring and comparing ----

  /**
   * A method's fit scored on the data.
   *
   * @param mse RSS(W, b)/n, computed in double from the exact statistics
   * @param sigma2Mle ŝ² = mse, the noise variance that maximizes the likelihood at (W, b)
   * @param meanLogLik −½ log(2π ŝ²) − ½
   * @param r2 1 − RSS/Syy
   * @param relDiffs |θ − θ_exact| / |θ_exact| per coefficient (W₁ … W_d, then b)
   * @param maxRelDiff the largest of {@code relDiffs}
   */
  public record Scored(
      String method,
      double[] weights,
      double intercept,
      double mse,
      double sigma2Mle,
      double meanLogLik,
      double r2,
      double[] relDiffs,
      double maxRelDiff) {}

  /** Scores (W, b) on the statistics and compares it with the exact fit. */
  public static Scored evaluate(String method, double[] w, double b, Exact exact) {
    SufficientStats s = exact.stats();
    RegressionFit fit = exact.fit();
    double rss;
    if (method.equals(EXACT)) {
      rss = fit.rss();
    } else {
      int d = s.features();
      double q = s.syy();
      double off = s.meanY() - b;
      for (int i = 0; i < d; i++) {
        q -= 2 * w[i] * s.sxy(i);
        off -= w[i] * s.meanX(i);
        for (int j = 0; j < d; j++) {
          q += w[i] * w[j] * s.sxx(i, j);
        }
      }
      rss = Math.max(0, q) + s.count() * off * off;
    }
    long n = s.count();
    double mse = rss / n;
    double ll = -0.5 * Math.log(2 * Math.PI * mse) - 0.5;
    double r2 = s.syy() > 0 ? 1 - rss / s.syy() : Double.NaN;
    double[] rel = relativeDifferences(w, b, fit.weights(), fit.intercept());
    double max = 0;
    for (double r : rel) {
      max = Math.max(max, r);
    }
    return new Scored(method, w.clone(), b, mse, mse, ll, r2, rel, max);
  }

  /**
   * |a − e| / |e| per coefficient (weights, then the intercept); where e is 0 the difference is 0
   * if a is 0 too, else +∞.
   */
  public static double[] relativeDifferences(double[] w, double b, double[] we, double be) {
    double[] out = new double[w.length + 1];
    for (int j = 0; j <= w.length; j++) {
      double a = j < w.length ? w[j] : b;
      double e = j < w.length ? we[j] : be;
      out[j] = e != 0 ? Math.abs(a - e) / Math.abs(e) : (a == e ? 0 : Double.POSITIVE_INFINITY);
    }
    return out;
  }
}
