// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VariationalAutoencoderModel#transform} on a Structured Streaming DataFrame: Parquet files
 * arriving in a folder, scored per row into a Parquet sink with a checkpoint.
 */
class StreamingTransformTest extends SparkTestBase {
  @TempDir static Path dir;
  static VariationalAutoencoderModel model;

  @BeforeAll
  static void fitTinyModel() {
    Dataset<Row> train = TestFrames.images(spark(), Samples.trainImages(), 300, 2);
    model =
        new VariationalAutoencoder()
            .setHiddenLayers(new int[] {32})
            .setLatentSize(3)
            .setEpochs(1)
            .setBatchSize(50)
            .setSyncEvery(2)
            .setSeed(3)
            .setIdCol("id")
            .fit(train);
  }

  @Test
  void transformOnAStreamingDataFrameScoresEveryRowLikeTheBatchTransform() throws Exception {
    Path in = dir.resolve("in");
    Dataset<Row> rows = TestFrames.images(spark(), Samples.testImages(), 60, 1);
    rows.write().parquet(in.resolve("part-a").toString());
    Dataset<Row> stream =
        spark()
            .readStream()
            .schema(TestFrames.IMAGE_SCHEMA)
            .option("recursiveFileLookup", "true")
            .parquet(in.toString());
    assertTrue(stream.isStreaming());
    VariationalAutoencoderModel m =
        model
            .copy(new ParamMap())
            .setLatentMeanCol("")
            .setLatentLogVarCol("")
            .setReconstructionCol("")
            .setIwaeSamples(5);
    Dataset<Row> scored = m.transform(stream).select("id", "neg_elbo", "iwae_nll");
    assertTrue(scored.isStreaming());
    Path sink = dir.resolve("scores");
    StreamingQuery q =
        scored
            .writeStream()
            .format("parquet")
            .option("checkpointLocation", dir.resolve("checkpoint").toString())
            .trigger(Trigger.AvailableNow())
            .start(sink.toString());
    q.awaitTermination();
    List<Row> out = spark().read().parquet(sink.toString()).collectAsList();
    assertEquals(60, out.size());
    Map<Long, Row> batch = new HashMap<>();
    for (Row r :
        m.transform(spark().read().parquet(in.resolve("part-a").toString()))
            .select("id", "neg_elbo", "iwae_nll")
            .collectAsList()) {
      batch.put(r.getLong(0), r);
    }
    for (Row r : out) {
      Row b = batch.get(r.getLong(0));
      assertEquals(b.getDouble(1), r.getDouble(1), 1e-9, "neg_elbo of id " + r.getLong(0));
      assertEquals(b.getDouble(2), r.getDouble(2), 1e-9, "iwae_nll of id " + r.getLong(0));
    }
  }
}
