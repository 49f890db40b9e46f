// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.ByteRows;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The anomaly score finds out-of-distribution images: a tiny model trained on a few hundred
 * Fashion-MNIST images scores inverted images (255 − pixel) far above normal ones, and the
 * calibrated q0.99 threshold flags them while flagging about 1 % of the training rows.
 */
class OutOfDistributionTest extends SparkTestBase {
  static final int TRAIN = 600;
  static final int TEST = 200;
  static VariationalAutoencoderModel model;
  static Dataset<Row> train;

  @BeforeAll
  static void fitOnInDistributionRows() {
    train = TestFrames.images(spark(), Samples.trainImages(), TRAIN, 2);
    model =
        new VariationalAutoencoder()
            .setHiddenLayers(new int[] {64})
            .setLatentSize(4)
            .setEpochs(3)
            .setBatchSize(50)
            .setSyncEvery(2)
            .setSeed(11)
            .setIdCol("id")
            .fit(train);
  }

  /** The first n rows of {@code rows}, each pixel p replaced by 255 − p. */
  static ByteRows inverted(ByteRows rows, int n) {
    ByteRows head = Samples.head(rows, n);
    byte[] d = head.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] = (byte) (255 - (d[i] & 0xff));
    }
    return new ByteRows(d, n, head.width());
  }

  static double[] negElbo(Dataset<Row> df) {
    VariationalAutoencoderModel m =
        model
            .copy(new ParamMap())
            .setLatentMeanCol("")
            .setLatentLogVarCol("")
            .setReconstructionCol("");
    List<Row> rows = m.transform(df).select("neg_elbo").collectAsList();
    return rows.stream().mapToDouble(r -> r.getDouble(0)).toArray();
  }

  /**
   * Area under the ROC curve of scores where {@code positive} should rank above {@code negative}:
   * the Mann–Whitney U statistic over the pooled ranks, ties given mid-ranks.
   */
  static double auroc(double[] positive, double[] negative) {
    int n = positive.length + negative.length;
    double[][] all = new double[n][];
    for (int i = 0; i < positive.length; i++) {
      all[i] = new double[] {positive[i], 1};
    }
    for (int i = 0; i < negative.length; i++) {
      all[positive.length + i] = new double[] {negative[i], 0};
    }
    Arrays.sort(all, (a, b) -> Double.compare(a[0], b[0]));
    double rankSum = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && all[j][0] == all[i][0]) {
        j++;
      }
      double mid = (i + 1 + j) / 2.0; // ranks i+1 .. j
      for (int t = i; t < j; t++) {
        if (all[t][1] == 1) {
          rankSum += mid;
        }
      }
      i = j;
    }
    double np = positive.length;
    return (rankSum - np * (np + 1) / 2) / (np * negative.length);
  }

  @Test
  void theRankAurocHelperCountsPairsAndHalvesTies() {
    assertEquals(1.0, auroc(new double[] {3, 4}, new double[] {1, 2}), 1e-12);
    assertEquals(0.0, auroc(new double[] {1, 2}, new double[] {3, 4}), 1e-12);
    assertEquals(0.5, auroc(new double[] {1, 1}, new double[] {1, 1}), 1e-12);
    assertEquals(0.75, auroc(new double[] {2, 4}, new double[] {1, 3}), 1e-12);
  }

  @Test
  void invertedImagesRankAboveNormalOnesAndTheQ99ThresholdFlagsThem() {
    double[] normal = negElbo(TestFrames.images(spark(), Samples.testImages(), TEST, 2));
    double[] odd =
        negElbo(TestFrames.images(spark(), inverted(Samples.testImages(), TEST), TEST, 2));
    double auc = auroc(odd, normal);
    System.out.printf(
        Locale.ROOT,
        "AUROC of -ELBO, %d inverted vs %d normal Fashion-MNIST test "
            + "images (784-64-4 VAE, %d training rows, 3 epochs): %.4f%n",
        TEST,
        TEST,
        TRAIN,
        auc);
    assertTrue(auc >= 0.9, "AUROC " + auc);

    AnomalyThresholds t = AnomalyThresholds.compute(model, train, "train");
    assertEquals(TRAIN, t.rows());
    double q95 = AnomalyThresholds.resolve("q0.95", t);
    double q99 = AnomalyThresholds.resolve("q0.99", t);
    double q999 = AnomalyThresholds.resolve("q0.999", t);
    assertTrue(q95 <= q99 && q99 <= q999, t.describe());
    assertEquals(123.5, AnomalyThresholds.resolve("123.5", t), 0);

    long trainFlagged =
        model
            .copy(new ParamMap())
            .setLatentMeanCol("")
            .setLatentLogVarCol("")
            .setReconstructionCol("")
            .transform(train)
            .where(functions.col("neg_elbo").gt(q99))
            .count();
    double trainRate = (double) trainFlagged / TRAIN;
    double oddRate = Arrays.stream(odd).filter(s -> s > q99).count() / (double) TEST;
    double normalRate = Arrays.stream(normal).filter(s -> s > q99).count() / (double) TEST;
    System.out.printf(
        Locale.ROOT,
        "q0.99 = %.2f nats flags %.1f%% of training rows, %.1f%% of "
            + "normal test rows, %.1f%% of inverted rows%n",
        q99,
        100 * trainRate,
        100 * normalRate,
        100 * oddRate);
    assertTrue(trainRate >= 0.003 && trainRate <= 0.02, "training rows flagged: " + trainRate);
    assertTrue(oddRate >= 0.9, "inverted rows flagged: " + oddRate);
  }
}
