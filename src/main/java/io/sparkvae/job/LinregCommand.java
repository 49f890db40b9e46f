package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.linreg.spark.RegressionTables;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import io.sparkvae.engine.DataValidationException;
import io.sparkvae.engine.DivergenceException;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.linreg.GradientFitTolerance;
import io.sparkvae.linreg.Coefficient;
import io.sparkvae.linreg.RegressionFit;
import io.sparkvae.linreg.spark.LinearRegressionFits;
import io.sparkvae.linreg.spark.LinearRegressionFits.Engine;
import io.sparkvae.linreg.spark.LinearRegressionFits.Exact;
import io.sparkvae.linreg.spark.LinearRegressionFits.Mllib;
import io.sparkvae.linreg.spark.LinearRegressionFits.Scored;
import io.sparkvae.ml.Provenance;
import io.sparkvae.io.Json;
import io.sparkvae.ml.params.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code linreg}: linear regression by maximum likelihood (src/site/markdown/training.md, "The models" §1) fitted four ways on the same
 * cached DataFrame (the exact normal equations, the VAE's training loop, MLlib's normal and
 * L-BFGS solvers), printed side by side and written to {@code linreg.json}.
 */
@Command(name = "linreg", mixinStandardHelpOptions = true,
    description = "Fit linear regression by maximum likelihood four ways (exact normal "
        + "equations, the training engine, MLlib normal and l-bfgs), compare them, and write "
        + "linreg.json into --out.")
public final class LinregCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  /** The engine's settings, from the linreg.* keys. */
  static LinearRegressionFits.EngineSettings engineSettings(JobConfig cfg) {
    int batch = cfg.nonNegative("linreg.batch-size");
    return new LinearRegressionFits.EngineSettings(cfg.positive("linreg.epochs"), batch,
        cfg.positiveNumber("linreg.learning-rate"), cfg.oneOf(Settings.LINREG_OPTIMIZER),
        cfg.positive("linreg.sync-every"), cfg.longValue("linreg.seed"),
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
      OutputDir out = OutputDir.prepare(spark.sparkContext().hadoopConfiguration(),
          options.out(), options.overwrite, false);
      ObjectNode json = run(spark, cfg, trainPath, settings, partitions, mllibTol, mllibMaxIter,
          System.out);
      try {
        out.writeText("linreg.json", Json.write(json));
      } catch (IOException e) {
        throw new UserError("could not write " + out.resolve("linreg.json") + ": "
            + e.getMessage(), Main.EXIT_FAILURE, e);
      }
      System.out.println("wrote " + out.resolve("linreg.json")
          + " (the four fits, their differences from the exact MLE, and its summary)");
      return Main.EXIT_OK;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  /** Loads, fits four ways, prints, and returns the contents of linreg.json. */
  static ObjectNode run(SparkSession spark, JobConfig cfg, String trainPath,
      LinearRegressionFits.EngineSettings settings, int partitions, double mllibTol,
      int mllibMaxIter, PrintStream console) {
    long start = System.nanoTime();
    String id = cfg.string("data.id");
    RegressionTables.Spec spec = new RegressionTables.Spec("data.train", trainPath, Inputs.format(cfg),
        cfg.requiredString("data.label"), cfg.strings("data.features"),
        id == null || id.isEmpty() ? null : id, cfg.nonNegative("data.num-features"));
    RegressionTable table;
    try {
      table = RegressionTables.load(spark, spec);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new UserError(e.getMessage(), e);
    } catch (Exception e) {
      // Spark's read errors arrive as SparkException, which Scala throws unchecked.
      throw new UserError("data.train: cannot read " + trainPath + ": " + Inputs.rootMessage(e),
          e);
    }
    int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    long t0 = System.nanoTime();
    try {
      table = LinearRegressionFits.cache(table, parts);
    } catch (Exception e) {
      throw new UserError("data.train: cannot read " + trainPath + ": " + Inputs.rootMessage(e),
          e);
    }
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    try {
      return fitAll(new FitInputs(spark, table, cfg, settings, mllibTol, mllibMaxIter, console,
          table.frame().rdd().getNumPartitions(), loadSeconds, start));
    } finally {
      table.frame().unpersist(false);
    }
  }

  /** What the fits need: the cached table, the settings, where to print, and the clock. */
  private record FitInputs(SparkSession spark, RegressionTable table, JobConfig cfg,
      LinearRegressionFits.EngineSettings settings, double mllibTol, int mllibMaxIter,
      PrintStream console, int partitions, double loadSeconds, long start) {}

  /** The four fits, in the order of the comparison table's columns. */
  private record Fits(Exact exact, Engine engine, Mllib normal, Mllib lbfgs) {
    double[] seconds() {
      return new double[] {exact.seconds(), engine.seconds(), normal.seconds(), lbfgs.seconds()};
    }

    String[] iterations() {
      return new String[] {"1 pass", engine.updates() + " updates",
          normal.iterations() == 0 ? "direct" : String.valueOf(normal.iterations()),
          String.valueOf(lbfgs.iterations())};
    }

    // The exact fit is the reference, so it has no tolerance of its own.
    double[] tolerances() {
      return new double[] {Double.NaN, engine.tolerance().tolerance(),
          LinearRegressionFits.MLLIB_TOLERANCE, LinearRegressionFits.MLLIB_TOLERANCE};
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
    printComparison(in, fits, scored);
    return json(in, fits, scored);
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
    in.console().printf(Locale.ROOT, "linreg on %s (%s): %,d rows in %d partitions, read and "
        + "cached in %.2f s; label '%s'; %d %s: %s%n", table.source(),
        table.format().name().toLowerCase(Locale.ROOT), exact.stats().count(), in.partitions(),
        in.loadSeconds(), table.label(), d, d == 1 ? "feature" : "features",
        String.join(", ", table.features()));
    if (!table.leftOut().isEmpty()) {
      in.console().println("left out, not numeric: " + String.join(", ", table.leftOut())
          + " (list data.features to choose the features; a named column must hold numbers)");
    }
    in.console().printf(Locale.ROOT, "%-13s normal equations on the driver from one "
        + "treeAggregate pass: %.2f s%n", LinearRegressionFits.EXACT, exact.seconds());
    return exact;
  }

  private static Engine fitEngine(FitInputs in, Exact exact) {
    LinearRegressionFits.EngineSettings settings = in.settings();
    in.console().printf(Locale.ROOT, "%-13s %s on the training engine (SyncTrainer), %d epochs, "
        + "%s, k=%d%s%n", LinearRegressionFits.ENGINE, settings.optimizer() + "(lr="
        + settings.learningRate() + ")", settings.epochs(), settings.batchSize() == 0
        ? "full batch" : "batch " + settings.batchSize(), settings.syncEvery(),
        settings.standardize() ? ", standardized" : "");
    Engine engine;
    try {
      engine = LinearRegressionFits.engine(JavaSparkContext.fromSparkContext(
          in.spark().sparkContext()), in.table(), exact, settings, new EngineProgress(
          in.console(), GradientFitTolerance.labelScale(exact.stats(), settings.standardize())));
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
      in.console().printf(Locale.ROOT, "%-13s MLlib LinearRegression, solver normal: %.2f s%n",
          LinearRegressionFits.MLLIB_NORMAL, fit.seconds());
    } else {
      in.console().printf(Locale.ROOT, "%-13s MLlib LinearRegression, solver l-bfgs (tol %.0e): "
          + "%d iterations, %.2f s%n", LinearRegressionFits.MLLIB_LBFGS, in.mllibTol(),
          fit.iterations(), fit.seconds());
    }
    return fit;
  }

  /** Each fit's likelihood and distance from the exact MLE, keyed by method, in column order. */
  private static Map<String, Scored> score(Fits fits) {
    Exact exact = fits.exact();
    RegressionFit fit = exact.fit();
    Map<String, Scored> scored = new LinkedHashMap<>();
    scored.put(LinearRegressionFits.EXACT, LinearRegressionFits.evaluate(
        LinearRegressionFits.EXACT, fit.weights(), fit.intercept(), exact));
    scored.put(LinearRegressionFits.ENGINE, LinearRegressionFits.evaluate(
        LinearRegressionFits.ENGINE, fits.engine().weights(), fits.engine().intercept(), exact));
    scored.put(LinearRegressionFits.MLLIB_NORMAL, LinearRegressionFits.evaluate(
        LinearRegressionFits.MLLIB_NORMAL, fits.normal().weights(), fits.normal().intercept(),
        exact));
    scored.put(LinearRegressionFits.MLLIB_LBFGS, LinearRegressionFits.evaluate(
        LinearRegressionFits.MLLIB_LBFGS, fits.lbfgs().weights(), fits.lbfgs().intercept(),
        exact));
    return scored;
  }

  private static void printComparison(FitInputs in, Fits fits, Map<String, Scored> scored) {
    PrintStream console = in.console();
    console.println();
    console.print(table(in.table().features(), scored, fits.iterations(), fits.seconds(),
        fits.tolerances()));
    console.println("engine tolerance: " + fits.engine().tolerance().basis() + ".");
    console.println();
    console.print(fits.exact().fit().toSummaryString());
    console.println();
  }

  /** linreg.json: the data, one object per fit, the run's time, config and provenance. */
  private static ObjectNode json(FitInputs in, Fits fits, Map<String, Scored> scored) {
    ObjectNode root = Json.object();
    dataJson(root.putObject("data"), in, fits.exact().stats().count());
    double[] seconds = fits.seconds();
    double[] tolerances = fits.tolerances();
    int m = 0;
    for (Scored s : scored.values()) {
      ObjectNode o = root.putObject(s.method());
      common(o, s, seconds[m]);
      if (m > 0) {
        num(o, "tolerance", tolerances[m]);
        if (Double.isNaN(tolerances[m])) {
          o.putNull("within_tolerance");
        } else {
          o.put("within_tolerance", s.maxRelDiff() <= tolerances[m]);
        }
      }
      m++;
    }
    exactJson((ObjectNode) root.get(LinearRegressionFits.EXACT), fits.exact().fit());
    engineJson((ObjectNode) root.get(LinearRegressionFits.ENGINE), fits.engine(), in.settings());
    for (Mllib ml : List.of(fits.normal(), fits.lbfgs())) {
      mllibJson((ObjectNode) root.get(ml.solver().equals("normal")
          ? LinearRegressionFits.MLLIB_NORMAL : LinearRegressionFits.MLLIB_LBFGS), ml, in);
    }
    root.put("seconds", (System.nanoTime() - in.start()) / 1e9);
    try {
      root.set("config", Json.MAPPER.readTree(in.cfg().renderJson()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    root.set("provenance", Json.MAPPER.valueToTree(Provenance.current()));
    return root;
  }

  private static void dataJson(ObjectNode data, FitInputs in, long n) {
    RegressionTable table = in.table();
    data.put("train", table.path());
    data.put("format", table.format().name().toLowerCase(Locale.ROOT));
    data.put("label", table.label());
    ArrayNode names = data.putArray("features");
    table.features().forEach(names::add);
    ArrayNode left = data.putArray("left_out_not_numeric");
    table.leftOut().forEach(left::add);
    data.put("n", n);
    data.put("partitions", in.partitions());
    data.put("load_seconds", in.loadSeconds());
  }

  private static void exactJson(ObjectNode ex, RegressionFit fit) {
    ex.putNull("iterations");
    ex.put("passes", 1);
    ex.set("summary", summaryJson(fit));
    ex.put("summary_text", fit.toSummaryString());
  }

  private static void engineJson(ObjectNode en, Engine engine,
      LinearRegressionFits.EngineSettings settings) {
    GradientFitTolerance.Result tol = engine.tolerance();
    en.put("iterations", engine.updates());
    en.put("optimizer", engine.optimizer());
    en.put("epochs", settings.epochs());
    en.put("batch_size", engine.batchSize());
    en.put("steps_per_epoch", engine.stepsPerEpoch());
    en.put("sync_every", engine.syncEvery());
    en.put("partitions", engine.partitions());
    en.put("standardize", settings.standardize());
    en.put("seed", settings.seed());
    num(en, "last_epoch_mse", engine.lastEpochMse());
    en.put("tolerance_basis", tol.basis());
    num(en, "optimization_error", tol.optimization());
    num(en, "lambda_max", tol.lambdaMax());
    num(en, "lambda_min", tol.lambdaMin());
    num(en, "max_stable_learning_rate", tol.maxStableLearningRate());
    num(en, "contraction_per_update", tol.contraction());
  }

  private static void mllibJson(ObjectNode o, Mllib ml, FitInputs in) {
    o.put("iterations", ml.iterations());
    o.put("solver", ml.solver());
    if (ml.solver().equals("l-bfgs")) {
      num(o, "tol", in.mllibTol());
      o.put("max_iter", in.mllibMaxIter());
    }
  }

  private static void common(ObjectNode o, Scored s, double seconds) {
    ArrayNode w = o.putArray("weights");
    for (double v : s.weights()) {
      w.add(v);
    }
    num(o, "intercept", s.intercept());
    num(o, "mse", s.mse());
    num(o, "sigma2_mle", s.sigma2Mle());
    num(o, "mean_loglik", s.meanLogLik());
    num(o, "r2", s.r2());
    o.put("seconds", seconds);
    num(o, "max_rel_diff_vs_exact", s.maxRelDiff());
    ArrayNode rel = o.putArray("rel_diff_vs_exact");
    for (double v : s.relDiffs()) {
      if (Double.isFinite(v)) {
        rel.add(v);
      } else {
        rel.addNull();
      }
    }
  }

  /** JSON has no NaN or infinity: those are written as null. */
  private static void num(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  static ObjectNode summaryJson(RegressionFit fit) {
    ObjectNode o = Json.object();
    ArrayNode coefs = o.putArray("coefficients");
    for (Coefficient c : fit.coefficients()) {
      ObjectNode r = coefs.addObject();
      r.put("name", c.name());
      num(r, "estimate", c.estimate());
      num(r, "std_error", c.stdError());
      num(r, "t_value", c.tValue());
      num(r, "p_value", c.pValue());
    }
    num(o, "residual_standard_error", fit.residualStandardError());
    o.put("residual_df", fit.residualDf());
    o.put("rank", fit.rank());
    num(o, "r2", fit.r2());
    num(o, "adjusted_r2", fit.adjustedR2());
    num(o, "f_statistic", fit.fStatistic());
    num(o, "f_p_value", fit.fPValue());
    num(o, "condition_number", fit.conditionNumber());
    ArrayNode warn = o.putArray("warnings");
    fit.warnings().forEach(warn::add);
    return o;
  }

  /** The side-by-side table. */
  static String table(List<String> features, Map<String, Scored> scored, String[] iterations,
      double[] seconds, double[] tolerances) {
    List<String[]> rows = new ArrayList<>();
    List<Scored> s = new ArrayList<>(scored.values());
    String[] head = new String[s.size() + 1];
    head[0] = "";
    for (int i = 0; i < s.size(); i++) {
      head[i + 1] = s.get(i).method();
    }
    rows.add(head);
    for (int j = 0; j < features.size(); j++) {
      final int jj = j;
      rows.add(row("W[" + features.get(j) + "]", s, x -> g(x.weights()[jj])));
    }
    rows.add(row("b", s, x -> g(x.intercept())));
    rows.add(row("MSE", s, x -> g(x.mse())));
    rows.add(row("s2 (MLE)", s, x -> g(x.sigma2Mle())));
    rows.add(row("mean log-lik", s, x -> g(x.meanLogLik())));
    rows.add(row("R2", s, x -> g(x.r2())));
    String[] it = new String[s.size() + 1];
    it[0] = "iterations";
    System.arraycopy(iterations, 0, it, 1, s.size());
    rows.add(it);
    String[] sec = new String[s.size() + 1];
    sec[0] = "seconds";
    for (int i = 0; i < s.size(); i++) {
      sec[i + 1] = String.format(Locale.ROOT, "%.2f", seconds[i]);
    }
    rows.add(sec);
    rows.add(row("max rel diff vs exact", s, x -> e(x.maxRelDiff())));
    String[] tol = new String[s.size() + 1];
    String[] ok = new String[s.size() + 1];
    tol[0] = "tolerance";
    ok[0] = "within tolerance";
    for (int i = 0; i < s.size(); i++) {
      tol[i + 1] = i == 0 ? "-" : Double.isNaN(tolerances[i]) ? "not derived" : e(tolerances[i]);
      ok[i + 1] = i == 0 || Double.isNaN(tolerances[i]) ? "-"
          : s.get(i).maxRelDiff() <= tolerances[i] ? "yes" : "NO";
    }
    rows.add(tol);
    rows.add(ok);
    int[] width = new int[head.length];
    for (String[] r : rows) {
      for (int k = 0; k < r.length; k++) {
        width[k] = Math.max(width[k], r[k].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      sb.append(String.format(Locale.ROOT, "%-" + width[0] + "s", r[0]));
      for (int k = 1; k < r.length; k++) {
        sb.append("  ").append(String.format(Locale.ROOT, "%" + width[k] + "s", r[k]));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String[] row(String name, List<Scored> s,
      java.util.function.Function<Scored, String> f) {
    String[] r = new String[s.size() + 1];
    r[0] = name;
    for (int i = 0; i < s.size(); i++) {
      r[i + 1] = f.apply(s.get(i));
    }
    return r;
  }

  private static String g(double v) {
    return String.format(Locale.ROOT, "%.10g", v);
  }

  private static String e(double v) {
    return v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
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
        out.printf(Locale.ROOT, "%-13s epoch %4d/%d  train MSE %.8g  %.3f s/epoch%n", "",
            r.epoch(), total, r.train()[0] * scale, r.seconds());
      }
    }
  }
}
