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
  static final Map<String, String> RECOMMENDED = Map.of(
      "spark.broadcast.compress", "false",
      "spark.task.maxDirectResultSize", "64m",
      "spark.ui.showConsoleProgress", "false");

  /**
   * A session for one command. When the JVM already has one (a notebook, a test, an embedding
   * application), that session is used and left running; otherwise one is created and stopped on
   * close.
   */
  static final class Handle implements AutoCloseable {
    final SparkSession spark;
    private final boolean owned;

    Handle(SparkSession spark, boolean owned) {
      this.spark = spark;
      this.owned = owned;
    }

    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }

  static Handle open(JobConfig cfg) {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isEmpty()) {
      active = SparkSession.getDefaultSession();
    }
    if (active.isDefined() && !active.get().sparkContext().isStopped()) {
      return new Handle(active.get(), false);
    }
    return new Handle(create(cfg), true);
  }

  static SparkSession create(JobConfig cfg) {
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
    return spark;
  }
}
