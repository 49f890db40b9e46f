// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.ImageData;
import io.sparkvae.ml.AnomalyThresholds;
import io.sparkvae.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The job side of {@link AnomalyThresholds}: calibrating them at the end of {@code train}, reading
 * them for {@code score} and {@code score-stream}, and {@code --threshold}.
 */
final class ScoreThresholds {
  /** The boolean column of rows above the threshold. */
  static final String FLAGGED = "flagged";

  private ScoreThresholds() {}

  /**
   * Computes the training data's −ELBO quantiles under {@code model} and writes them beside the
   * saved model in {@code modelDir}; prints them. One more pass over the training rows.
   */
  static AnomalyThresholds calibrate(
      SparkSession spark, VariationalAutoencoderModel model, ImageData train, String modelDir)
      throws IOException {
    AnomalyThresholds t = AnomalyThresholds.compute(model, train.frame(), train.source());
    t.write(spark.sparkContext().hadoopConfiguration(), modelDir);
    System.out.printf(
        Locale.ROOT,
        "anomaly thresholds (training -ELBO quantiles, %,d rows): " + "%s%n",
        t.rows(),
        t.describe());
    return t;
  }

  /** The thresholds stored with the model {@code given} designates (see {@link ModelRef}). */
  static AnomalyThresholds stored(Configuration conf, String given) {
    String dir = ModelRef.resolve(conf, given, "--model").toString();
    try {
      return AnomalyThresholds.read(conf, dir).orElse(null);
    } catch (IOException e) {
      throw new UserError(
          "--model " + given + ": cannot read " + AnomalyThresholds.FILE + ": " + e.getMessage(),
          e);
    }
  }

  /** {@code --threshold} resolved against the stored thresholds (a UserError if it cannot be). */
  static double resolve(String spec, AnomalyThresholds stored) {
    try {
      return AnomalyThresholds.resolve(spec, stored);
    } catch (IllegalArgumentException e) {
      throw new UserError("--threshold: " + e.getMessage(), e);
    }
  }

  /** {@code flagged}: −ELBO above {@code threshold}. */
  static Column flagged(double threshold) {
    return functions.col(AnomalyThresholds.SCORE).gt(threshold).as(FLAGGED);
  }

  /** The line {@code score} prints about thresholds. */
  static String report(AnomalyThresholds stored, String spec, Double threshold) {
    StringBuilder sb = new StringBuilder();
    if (stored == null) {
      sb.append("calibrated thresholds: none (the model has no ")
          .append(AnomalyThresholds.FILE)
          .append(")");
    } else {
      sb.append("calibrated thresholds (training -ELBO): ").append(stored.describe());
    }
    if (threshold != null) {
      sb.append(
          String.format(
              Locale.ROOT, "; flagging rows with -ELBO above %.2f (%s)", threshold, spec));
    }
    return sb.toString();
  }
}
