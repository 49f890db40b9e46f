// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.Json;
import io.sparkvae.linreg.Coefficient;
import io.sparkvae.linreg.GradientFitTolerance;
import io.sparkvae.linreg.RegressionFit;
import io.sparkvae.linreg.spark.LinearRegressionFits;
import io.sparkvae.linreg.spark.LinearRegressionFits.Engine;
import io.sparkvae.linreg.spark.LinearRegressionFits.Mllib;
import io.sparkvae.linreg.spark.LinearRegressionFits.Scored;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import io.sparkvae.ml.Provenance;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link LinregCommand} reports of its four fits: the side-by-side comparison on the console
 * and the contents of {@code linreg.json}.
 */
final class LinregReport {
  private LinregReport() {}

  static void printComparison(
      LinregCommand.FitInputs in, LinregCommand.Fits fits, Map<String, Scored> scored) {
    PrintStream console = in.console();
    console.println();
    console.print(
        table(in.table().features(), scored, fits.iterations(), fits.seconds(), fits.tolerances()));
    console.println("engine tolerance: " + fits.engine().tolerance().basis() + ".");
    console.println();
    console.print(fits.exact().fit().toSummaryString());
    console.println();
  }

  /** linreg.json: the data, one object per fit, the run's time, config and provenance. */
  static ObjectNode json(
      LinregCommand.FitInputs in, LinregCommand.Fits fits, Map<String, Scored> scored) {
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
      mllibJson(
          (ObjectNode)
              root.get(
                  ml.solver().equals("normal")
                      ? LinearRegressionFits.MLLIB_NORMAL
                      : LinearRegressionFits.MLLIB_LBFGS),
          ml,
          in);
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

  private static void dataJson(ObjectNode data, LinregCommand.FitInputs in, long n) {
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

  private static void engineJson(
      ObjectNode en, Engine engine, LinearRegressionFits.EngineSettings settings) {
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

  private static void mllibJson(ObjectNode o, Mllib ml, LinregCommand.FitInputs in) {
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
  static String table(
      List<String> features,
      Map<String, Scored> scored,
      String[] iterations,
      double[] seconds,
      double[] tolerances) {
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
      ok[i + 1] =
          i == 0 || Double.isNaN(tolerances[i])
              ? "-"
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

  private static String[] row(
      String name, List<Scored> s, java.util.function.Function<Scored, String> f) {
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
}
