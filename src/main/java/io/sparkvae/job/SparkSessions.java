// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The job's SparkSession: master and settings from the configuration. */
final class SparkSessions {
  private SparkSessions() {}

  /**
   * Settings measured to help this workload, applied unless the user (spark-submit,
   * spark-defaults.conf or spark.conf in the job config) chose otherwise: compressing float
   * parameters costs more time than it saves, and results of a few MB per task are faster sent
   * directly than through the block manager.
   */
  static final Map<String, String> RECOMMENDED =
      Map.of(
          "spark.broadcast.compress", "false",
          "spark.task.maxDirectResultSize", "64m",
          "spark.ui.showConsoleProgress", "false");

  /** Sessions this class started (and so {@link #stop} stops), by identity. */
  private static final java.util.Set<SparkSession> STARTED =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  static SparkSession create(JobConfig cfg) {
    // A session already running in this JVM (a notebook, a test suite calling Main.run) is reused
    // and left running: stopping it would pull the SparkContext from under its owner.
    boolean running =
        SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkConf existing = new SparkConf();
    SparkSession.Builder b = SparkSession.builder().appName(cfg.requiredString("spark.app-name"));
    String master = cfg.string("spark.master");
    if (master == null && !existing.contains("spark.master")) {
      master = System.getProperty("sparkvae.defaultMaster", "local[*]");
    }
    if (master != null) {
      b.master(master);
    }
    Map<String, String> user = cfg.sparkConf();
    for (Map.Entry<String, String> e : RECOMMENDED.entrySet()) {
      if (!existing.contains(e.getKey()) && !user.containsKey(e.getKey())) {
        b.config(e.getKey(), e.getValue());
      }
    }
    user.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    if (!running) {
      synchronized (STARTED) {
        STARTED.add(spark);
      }
    }
    return spark;
  }

  /** Stops {@code spark} if {@link #create} started it; a session found running is left alone. */
  static void stop(SparkSession spark) {
    boolean ours;
    synchronized (STARTED) {
      ours = STARTED.remove(spark);
    }
    if (ours) {
      spark.stop();
    }
  }
}
