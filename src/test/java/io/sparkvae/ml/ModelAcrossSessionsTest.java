// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** A model object kept across a stopped and restarted session, as in a notebook. */
class ModelAcrossSessionsTest extends SparkTestBase {

  private static VariationalAutoencoder estimator(long seed) {
    return new VariationalAutoencoder()
        .setHiddenLayers(new int[] {32})
        .setLatentSize(3)
        .setEpochs(1)
        .setBatchSize(50)
        .setSeed(seed)
        .setIdCol("id");
  }

  private static List<Double> scores(VariationalAutoencoderModel m, Dataset<Row> df) {
    List<Double> out = new ArrayList<>();
    for (Row r : m.transform(df).orderBy("id").select("neg_elbo").collectAsList()) {
      out.add(r.getDouble(0));
    }
    return out;
  }

  @Test
  void aModelFromAStoppedSessionScoresWithItsOwnWeightsInTheNextOne() {
    Dataset<Row> train = TestFrames.images(spark(), Samples.trainImages(), 200, 2);
    Dataset<Row> test = TestFrames.images(spark(), Samples.testImages(), 20, 2);
    VariationalAutoencoderModel a = estimator(1).fit(train);
    List<Double> before = scores(a, test);

    spark().stop();
    // A new context numbers its broadcasts from 0 again: another model's weights take the ids
    // that model a's broadcast had.
    Dataset<Row> train2 = TestFrames.images(spark(), Samples.trainImages(), 200, 2);
    Dataset<Row> test2 = TestFrames.images(spark(), Samples.testImages(), 20, 2);
    VariationalAutoencoderModel c = estimator(2).fit(train2);
    List<Double> other = scores(c, test2);
    assertNotEquals(before, other, "two different models");
    assertEquals(before, scores(a, test2), "model a still scores with its own weights");
  }
}
