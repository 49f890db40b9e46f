// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.data.Columns;
import io.sparkvae.engine.BlockedData;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.engine.SyncTrainer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Test-set figures of a model: mean −ELBO and its parts over every row (β = 1, one z draw per row,
 * noise keyed by the model's seed), and −log p(x) by the importance-weighted bound with K draws on
 * the first rows (src/site/markdown/training.md, "The models" §2). All in nats per sample.
 */
public final class VaeEvaluator {
  private VaeEvaluator() {}

  /** The figures, keyed as in {@code metrics.json}'s {@code test} object. */
  public static Map<String, Object> evaluate(
      VariationalAutoencoderModel model,
      Dataset<Row> df,
      int iwaeK,
      int iwaeRows,
      String idColumn) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    FeatureReader reader = FeatureReader.forColumn(df.schema(), model.getFeaturesCol());
    Map<String, Object> out = new LinkedHashMap<>();
    try (BlockedData data =
        BlockedData.build(
            df,
            reader,
            new BlockedData.Requirements(
                model.architecture().likelihood().needsUnitInterval(),
                model.architecture().inputDim()),
            StorageLevel.MEMORY_AND_DISK(),
            "test data",
            idColumn)) {
      double[] m =
          SyncTrainer.evaluate(
              jsc,
              model.objective(),
              model.weightsNoCopy(),
              data,
              (Long) model.getOrDefault(model.seed()),
              0,
              256,
              1);
      out.put("neg_elbo", m[0]);
      out.put("recon", m[1]);
      out.put("kl", m[2]);
      out.put("n", data.rows());
    }
    if (iwaeK > 0) {
      Dataset<Row> part = iwaeRows > 0 ? firstRows(df, iwaeRows) : df;
      VariationalAutoencoderModel scorer =
          model
              .copy(new org.apache.spark.ml.param.ParamMap())
              .setLatentMeanCol("")
              .setLatentLogVarCol("")
              .setReconstructionCol("")
              .setNegElboCol("")
              .setIwaeCol("iwae_nll")
              .setIwaeSamples(iwaeK);
      double[] r = meanOf(scorer.transform(part), "iwae_nll");
      out.put("iwae_nll", r[0]);
      out.put("iwae_k", iwaeK);
      out.put("iwae_rows", (long) r[1]);
    }
    return out;
  }

  /**
   * The first {@code n} rows of {@code df} in partition order, in one partition. A plain {@code
   * limit} gathers rows through a shuffle, in the order the partitions' blocks arrive, so on a
   * cluster which rows it keeps (and the noise each row gets, keyed by its position) could change
   * between identical runs; one partition read in order cannot.
   */
  static Dataset<Row> firstRows(Dataset<Row> df, int n) {
    return df.coalesce(1).limit(n);
  }

  /**
   * The mean of a double column of a transformed frame (e.g. {@code neg_elbo}, {@code iwae_nll})
   * and the row count, as {mean, rows}; the mean of no rows is NaN.
   */
  static double[] meanOf(Dataset<Row> scored, String column) {
    Row r = scored.agg(functions.avg(Columns.exact(column)), functions.count("*")).first();
    return new double[] {r.isNullAt(0) ? Double.NaN : r.getDouble(0), r.getLong(1)};
  }

  /**
   * The mean over rows of the squared reconstruction error Σⱼ (xⱼ − x̂ⱼ)², x read from {@code
   * featuresCol} as the model reads it (8-bit pixels scaled to [0, 1]) and x̂ the vector of {@code
   * reconstructionCol} (the model's decoder mean at z = μ), as {mean, rows}.
   */
  static double[] meanSquaredReconstructionError(
      Dataset<Row> scored, String featuresCol, String reconstructionCol) {
    Dataset<Row> two = scored.select(Columns.exact(featuresCol), Columns.exact(reconstructionCol));
    FeatureReader reader = FeatureReader.forColumn(two.schema(), featuresCol);
    double[] sums =
        two.javaRDD()
            .mapPartitions(
                rows -> {
                  FeatureReader.FloatBuffer buf = new FeatureReader.FloatBuffer();
                  double sum = 0;
                  long n = 0;
                  float[] x = new float[0];
                  while (rows.hasNext()) {
                    Row row = rows.next();
                    org.apache.spark.ml.linalg.Vector rec = row.getAs(1);
                    int d = rec.size();
                    if (x.length < d) {
                      x = new float[d];
                    }
                    int got = reader.read(row, x, 0, d, buf);
                    if (got != d) {
                      throw new IllegalArgumentException(
                          "column '"
                              + featuresCol
                              + "' has "
                              + got
                              + " values but '"
                              + reconstructionCol
                              + "' has "
                              + d);
                    }
                    for (int j = 0; j < d; j++) {
                      double e = x[j] - rec.apply(j);
                      sum += e * e;
                    }
                    n++;
                  }
                  return java.util.List.of(new double[] {sum, n}).iterator();
                })
            .fold(new double[] {0, 0}, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    return new double[] {sums[1] == 0 ? Double.NaN : sums[0] / sums[1], sums[1]};
  }
}
