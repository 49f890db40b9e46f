// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.Json;
import io.sparkvae.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code score}: an anomaly score per row. −ELBO always (one z draw per row), and with {@code --k
 * K} the importance-weighted estimate of −log p(x), which is tighter and ranks rows more reliably.
 * Rows are ranked by the best score computed: the most anomalous are printed and drawn. The
 * notebook equivalent is {@code model.setIwaeSamples(K).transform(df)}.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Write each row's -ELBO (and, with --k, IWAE -log p(x)) to DIR/scores.parquet; "
            + "print the most anomalous rows and draw the top 32 in DIR/top_anomalies.png.")
public final class ScoreCommand extends InferenceCommand {
  static final String OUTPUT = "scores.parquet";
  static final String PICTURE = "top_anomalies.png";
  static final String SUMMARY = "score_summary.json";
  static final int PRINTED = 10;
  static final int DRAWN = 32;

  @Mixin DataOptions data;

  @Option(
      names = "--k",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "Importance samples for -log p(x) (0 = -ELBO only; 100 is a good choice, "
              + "at about K times the cost). Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description =
          "Flag rows whose -ELBO is above T: a calibrated quantile of the training "
              + "data (q0.95, q0.99, q0.999, from the model's thresholds.json) or a number of nats. "
              + "Adds a boolean 'flagged' column.")
  String threshold;

  @Override
  DataOptions dataOptions() {
    return data;
  }

  @Override
  int run(Context c) throws IOException {
    if (k < 0) {
      throw new UserError("--k must be >= 0, got " + k);
    }
    VariationalAutoencoderModel m = c.quietModel().setNegElboCol("neg_elbo");
    if (k > 0) {
      m.setIwaeSamples(k).setIwaeCol("iwae_nll");
    }
    String rank = k > 0 ? "iwae_nll" : "neg_elbo";
    io.sparkvae.ml.AnomalyThresholds stored =
        ScoreThresholds.stored(c.spark.sparkContext().hadoopConfiguration(), c.modelPath);
    Double limit = threshold == null ? null : ScoreThresholds.resolve(threshold, stored);
    List<String> keys = c.keyColumnNames();
    List<Column> kept = c.keyColumns();
    kept.add(functions.col("`" + c.data.featuresColumn() + "`"));
    kept.add(functions.col("neg_elbo"));
    if (k > 0) {
      kept.add(functions.col("iwae_nll"));
    }
    if (limit != null) {
      kept.add(ScoreThresholds.flagged(limit));
    }
    // Scored once: the Parquet, the statistics and the top rows all read this cache.
    Dataset<Row> scored =
        select(m.transform(c.data.frame()), kept).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Column> outCols = c.keyColumns();
      outCols.add(functions.col("neg_elbo"));
      if (k > 0) {
        outCols.add(functions.col("iwae_nll"));
      }
      if (limit != null) {
        outCols.add(functions.col(ScoreThresholds.FLAGGED));
      }
      c.out.writeParquet(OUTPUT, select(scored, outCols));
      Row stats =
          scored
              .agg(
                  functions.count("*"),
                  functions.avg(rank),
                  functions.max(rank),
                  limit == null
                      ? functions.lit(0L)
                      : functions.count(
                          functions.when(functions.col(ScoreThresholds.FLAGGED), functions.lit(1))))
              .first();
      long n = stats.getLong(0);
      double[] q = scored.stat().approxQuantile(rank, new double[] {0.5, 0.99}, 0.001);
      List<Row> top = scored.orderBy(functions.desc(rank)).limit(DRAWN).collectAsList();

      String what = k > 0 ? "-log p(x) (IWAE, K=" + k + ")" : "-ELBO";
      System.out.printf(
          Locale.ROOT,
          "scored %,d rows: %s mean %.2f, median %.2f, 99th " + "percentile %.2f, max %.2f nats%n",
          n,
          what,
          stats.getDouble(1),
          q[0],
          q[1],
          stats.getDouble(2));
      System.out.println(ScoreThresholds.report(stored, threshold, limit));
      if (limit != null) {
        System.out.printf(
            Locale.ROOT,
            "flagged %,d of %,d rows (%.2f%%)%n",
            stats.getLong(3),
            n,
            n == 0 ? 0.0 : 100.0 * stats.getLong(3) / n);
      }
      System.out.printf(
          Locale.ROOT,
          "the %d most anomalous rows (highest %s first):%n",
          Math.min(PRINTED, top.size()),
          what);
      StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%4s", "rank"));
      for (String key : keys) {
        header.append(String.format(Locale.ROOT, "  %-12s", key));
      }
      header.append(String.format(Locale.ROOT, "  %10s", "-ELBO"));
      if (k > 0) {
        header.append(String.format(Locale.ROOT, "  %10s", "-log p(x)"));
      }
      System.out.println(header);
      ObjectNode summary = Json.object();
      summary.put("model", c.modelPath);
      summary.put("data", c.source());
      summary.put("rows", n);
      summary.put("ranked_by", rank);
      if (k > 0) {
        summary.put("iwae_k", k);
      }
      summary.put("mean", stats.getDouble(1));
      summary.put("median", q[0]);
      summary.put("p99", q[1]);
      summary.put("max", stats.getDouble(2));
      if (stored != null) {
        summary.set("thresholds", Json.MAPPER.readTree(stored.toJson()).get("quantiles"));
      }
      if (limit != null) {
        summary.put("threshold", limit);
        summary.put("threshold_spec", threshold);
        summary.put("flagged", stats.getLong(3));
      }
      ArrayNode topJson = summary.putArray("top");
      String[] captions = new String[top.size()];
      for (int i = 0; i < top.size(); i++) {
        Row r = top.get(i);
        ObjectNode o = topJson.addObject();
        o.put("rank", i + 1);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d", i + 1));
        for (String key : keys) {
          Object v = r.get(r.fieldIndex(key));
          o.set(key, Json.MAPPER.valueToTree(v));
          line.append(String.format(Locale.ROOT, "  %-12s", v));
        }
        double ne = r.getDouble(r.fieldIndex("neg_elbo"));
        o.put("neg_elbo", ne);
        line.append(String.format(Locale.ROOT, "  %10.2f", ne));
        if (k > 0) {
          double iw = r.getDouble(r.fieldIndex("iwae_nll"));
          o.put("iwae_nll", iw);
          line.append(String.format(Locale.ROOT, "  %10.2f", iw));
        }
        if (i < PRINTED) {
          System.out.println(line);
        }
        captions[i] = caption(r, c.data.idColumn(), rank);
      }
      c.out.writeText(SUMMARY, Json.write(summary));
      System.out.println("scores: " + c.out.resolve(OUTPUT));
      System.out.println("summary: " + c.out.resolve(SUMMARY));
      if (c.shape != null && !top.isEmpty()) {
        float[][] images =
            ReconstructCommand.pixels(
                top, c.data.featuresColumn(), c.model.architecture().inputDim());
        c.out.write(
            PICTURE,
            c.gridPng(
                images,
                8,
                captions,
                "The " + top.size() + " most anomalous rows, highest " + what + " first"));
        System.out.println("picture: " + c.out.resolve(PICTURE));
      }
      RunReports.writeScore(c.out);
    } finally {
      scored.unpersist(false);
    }
    return Main.EXIT_OK;
  }

  /** "id · score", with a path shortened to its file name so it fits under a tile. */
  static String caption(Row r, String idColumn, String rank) {
    String score = String.format(Locale.ROOT, "%.1f", r.getDouble(r.fieldIndex(rank)));
    if (idColumn == null) {
      return score;
    }
    Object v = r.get(r.fieldIndex(idColumn));
    String id = String.valueOf(v);
    int slash = id.lastIndexOf('/');
    if (slash >= 0 && slash < id.length() - 1) {
      id = id.substring(slash + 1);
    }
    return id + " · " + score;
  }
}
