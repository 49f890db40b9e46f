// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * One SparkSession shared by every test class in the JVM (what spark-testing-base's
 * SharedSparkContext gives ScalaTest users): starting Spark costs seconds, so it is started once,
 * lazily, and stopped by a shutdown hook. local[2] so that two tasks really run at once.
 */
public abstract class SparkTestBase {
  private static SparkSession spark;

  protected static synchronized SparkSession spark() {
    if (spark == null || spark.sparkContext().isStopped()) { // a test may stop it on purpose
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("spark-vae tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.adaptive.enabled", "false")
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> spark.stop()));
    }
    return spark;
  }

  protected static JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(spark().sparkContext());
  }

  @BeforeAll
  static void startSpark() {
    spark();
  }
}
