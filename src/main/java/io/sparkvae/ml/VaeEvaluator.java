package io.sparkvae.ml;

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
 * Test-set figures of a model: mean −ELBO and its parts over every row (β = 1, one z draw per
 * row, noise keyed by the model's seed), and −log p(x) by the importance-weighted bound with K
 * draws on the first rows (src/site/markdown/training.md, "The models" §2). All in nats per sample.
 */
public final class VaeEvaluator {
  private VaeEvaluator() {}

  /** The figures, keyed as in {@code metrics.json}'s {@code test} object. */
  public static Map<String, Object> evaluate(VariationalAutoencoderModel model, Dataset<Row> df,
      int iwaeK, int iwaeRows, String idColumn) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    FeatureReader reader = FeatureReader.forColumn(df.schema(), model.getFeaturesCol());
    Map<String, Object> out = new LinkedHashMap<>();
    try (BlockedData data = BlockedData.build(df, reader, new BlockedData.Requirements(
        model.architecture().likelihood().needsUnitInterval(),
        model.architecture().inputDim()), StorageLevel.MEMORY_AND_DISK(), "test data",
        idColumn)) {
      double[] m = SyncTrainer.evaluate(jsc, model.objective(), model.weightsNoCopy(), data,
          (Long) model.getOrDefault(model.seed()), 0, 256, 1);
      out.put("neg_elbo", m[0]);
      out.put("recon", m[1]);
      out.put("kl", m[2]);
      out.put("n", data.rows());
    }
    if (iwaeK > 0) {
      Dataset<Row> part = iwaeRows > 0 ? df.limit(iwaeRows) : df;
      VariationalAutoencoderModel scorer = model.copy(new org.apache.spark.ml.param.ParamMap())
          .setLatentMeanCol("").setLatentLogVarCol("").setReconstructionCol("")
          .setNegElboCol("").setIwaeCol("iwae_nll").setIwaeSamples(iwaeK);
      Row r = scorer.transform(part).agg(functions.avg("iwae_nll"), functions.count("*"))
          .first();
      out.put("iwae_nll", r.getDouble(0));
      out.put("iwae_k", iwaeK);
      out.put("iwae_rows", r.getLong(1));
    }
    return out;
  }
}
