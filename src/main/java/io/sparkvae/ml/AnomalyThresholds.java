// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Calibrated anomaly thresholds: quantiles of the training data's −ELBO under the trained model,
 * stored beside the model as {@code thresholds.json} (a small file of its own, written after the
 * model, so the model's metadata is untouched and older models simply have none).
 *
 * <p>A row whose −ELBO is above the q0.99 threshold is less likely under the model than 99 % of the
 * training rows: flagging with it flags about 1 % of data like the training data.
 */
public final class AnomalyThresholds {
  /** The file in the model directory. */
  public static final String FILE = "thresholds.json";

  /** The quantiles computed at the end of training. */
  public static final double[] PROBABILITIES = {0.95, 0.99, 0.999};

  /** percentile_approx accuracy: relative rank error 1/ACCURACY (exact below ~ACCURACY/2 rows). */
  static final int ACCURACY = 10_000;

  /** The score the thresholds apply to. */
  public static final String SCORE = "neg_elbo";

  private final Map<Double, Double> quantiles;
  private final long rows;
  private final String data;

  public AnomalyThresholds(Map<Double, Double> quantiles, long rows, String data) {
    this.quantiles = new LinkedHashMap<>(quantiles);
    this.rows = rows;
    this.data = data;
  }

  /**
   * One pass over {@code df}: each row's −ELBO by {@code model.transform} (the model's seed, as
   * {@code score} computes it), then the {@link #PROBABILITIES} quantiles with relative rank error
   * 1/{@value #ACCURACY}. Nothing but the figures reaches the driver.
   */
  public static AnomalyThresholds compute(
      VariationalAutoencoderModel model, Dataset<Row> df, String data) {
    VariationalAutoencoderModel m =
        model
            .copy(new ParamMap())
            .setLatentMeanCol("")
            .setLatentLogVarCol("")
            .setReconstructionCol("")
            .setIwaeSamples(0)
            .setNegElboCol("__neg_elbo");
    Column[] ps = new Column[PROBABILITIES.length];
    for (int i = 0; i < ps.length; i++) {
      ps[i] = functions.lit(PROBABILITIES[i]);
    }
    Row r =
        m.transform(df)
            .agg(
                functions.count(functions.lit(1)),
                functions.percentile_approx(
                    functions.col("__neg_elbo"), functions.array(ps), functions.lit(ACCURACY)))
            .first();
    long n = r.getLong(0);
    Map<Double, Double> q = new LinkedHashMap<>();
    if (n > 0) {
      List<Object> values = r.getList(1);
      for (int i = 0; i < PROBABILITIES.length; i++) {
        q.put(PROBABILITIES[i], ((Number) values.get(i)).doubleValue());
      }
    }
    return new AnomalyThresholds(q, n, data);
  }

  /** Quantile probability to −ELBO (nats), in increasing probability. */
  public Map<Double, Double> quantiles() {
    return new LinkedHashMap<>(quantiles);
  }

  public long rows() {
    return rows;
  }

  public String data() {
    return data;
  }

  /** "q0.95 = 301.2, q0.99 = 350.0, q0.999 = 410.7 nats". */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<Double, Double> e : quantiles.entrySet()) {
      parts.add(String.format(Locale.ROOT, "%s = %.2f", name(e.getKey()), e.getValue()));
    }
    return String.join(", ", parts) + " nats";
  }

  /** "q0.99" for 0.99. */
  public static String name(double p) {
    return "q" + stripZeros(p);
  }

  private static String stripZeros(double p) {
    return new java.math.BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString();
  }

  /**
   * The threshold {@code spec} names: {@code q0.99} (a stored quantile; {@code thresholds} may be
   * null, then only a number is accepted) or a number of nats.
   */
  public static double resolve(String spec, AnomalyThresholds thresholds) {
    String s = spec.trim();
    if (s.startsWith("q") || s.startsWith("Q")) {
      double p;
      try {
        p = Double.parseDouble(s.substring(1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "threshold '"
                + spec
                + "' is neither a number of "
                + "nats nor a quantile such as q0.99");
      }
      if (thresholds == null || thresholds.quantiles.isEmpty()) {
        throw new IllegalArgumentException(
            "threshold '"
                + spec
                + "' names a calibrated "
                + "quantile, but the model has no "
                + FILE
                + " (trained before thresholds were "
                + "stored): give the threshold as a number of nats instead");
      }
      for (Map.Entry<Double, Double> e : thresholds.quantiles.entrySet()) {
        if (Math.abs(e.getKey() - p) < 1e-12) {
          return e.getValue();
        }
      }
      List<String> names = new ArrayList<>();
      for (double k : thresholds.quantiles.keySet()) {
        names.add(name(k));
      }
      throw new IllegalArgumentException(
          "threshold '"
              + spec
              + "' is not among the model's "
              + "calibrated quantiles ("
              + String.join(", ", names)
              + ")");
    }
    try {
      double v = Double.parseDouble(s);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "threshold '" + spec + "' is neither a number of nats " + "nor a quantile such as q0.99");
    }
  }

  public String toJson() {
    ObjectNode o = Json.object();
    o.put("score", SCORE);
    o.put("rows", rows);
    o.put("relative_error", 1.0 / ACCURACY);
    if (data != null) {
      o.put("data", data);
    }
    ObjectNode q = o.putObject("quantiles");
    for (Map.Entry<Double, Double> e : quantiles.entrySet()) {
      q.put(stripZeros(e.getKey()), e.getValue());
    }
    return Json.write(o);
  }

  static AnomalyThresholds fromJson(JsonNode o) {
    Map<Double, Double> q = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = o.path("quantiles").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      q.put(Double.parseDouble(e.getKey()), e.getValue().asDouble());
    }
    return new AnomalyThresholds(
        q, o.path("rows").asLong(), o.has("data") ? o.get("data").asText() : null);
  }

  /** Writes {@link #FILE} into the model directory, atomically. */
  public void write(Configuration conf, String modelDir) throws IOException {
    Path target = new Path(modelDir, FILE);
    FileSystem fs = FileSystems.of(target, conf);
    AtomicFiles.writeAtomically(fs, target, toJson().getBytes(StandardCharsets.UTF_8));
  }

  /** The thresholds stored with the model in {@code modelDir}; empty for an older model. */
  public static Optional<AnomalyThresholds> read(Configuration conf, String modelDir)
      throws IOException {
    Path p = new Path(modelDir, FILE);
    FileSystem fs = FileSystems.of(p, conf);
    if (!fs.exists(p)) {
      return Optional.empty();
    }
    byte[] b = AtomicFiles.readAll(fs, p, 1 << 20);
    return Optional.of(fromJson(Json.read(new String(b, StandardCharsets.UTF_8), p.toString())));
  }
}
