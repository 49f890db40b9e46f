// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.ImageData;
import io.sparkvae.data.SyntheticShapes;
import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import io.sparkvae.io.Json;
import io.sparkvae.ml.VariationalAutoencoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Data beyond memory: trains one epoch of the reference model (784-400-20 Bernoulli, batch 128, the
 * {@code train} command's defaults) on a synthetic 28×28 Parquet data set of {@code --rows} rows in
 * a 2 GiB driver, after the same job on a small data set as the reference, and prints one JSON
 * object: throughput, the ratio of the two, peak heap, and how much of the 8-bit cache stayed in
 * memory or spilled to disk.
 */
@Command(
    name = "bench-scale",
    mixinStandardHelpOptions = true,
    description =
        "Train one epoch of the reference VAE on N synthetic 28x28 rows (Parquet, "
            + "generated once) and on a small reference set, in local[2]; print rows/s, their "
            + "ratio, peak heap and cache use as JSON. submit/local.sh runs it with -Xmx2g.")
public final class BenchScaleCommand implements Callable<Integer> {
  /** Bump when the generator changes, so stale data sets are regenerated. */
  static final int GENERATOR_VERSION = 1;

  static final String MARKER = "_spark-vae-bench.json";

  @Option(
      names = "--rows",
      defaultValue = "1000000",
      description = "Rows of the large data set (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--small-rows",
      defaultValue = "60000",
      description = "Rows of the small reference data set (default: ${DEFAULT-VALUE}; 0 = skip).")
  long smallRows;

  @Option(
      names = "--small-epochs",
      defaultValue = "6",
      description = "Epochs on the small set (default: ${DEFAULT-VALUE}).")
  int smallEpochs;

  @Option(
      names = "--warmup-epochs",
      defaultValue = "2",
      description =
          "Small-set epochs not counted: they warm up the JIT, which the large run "
              + "then finds warm (default: ${DEFAULT-VALUE}).")
  int warmupEpochs;

  @Option(
      names = "--dir",
      description =
          "Where the data sets are written and reused "
              + "(default: <java.io.tmpdir>/spark-vae-bench-scale). Any Hadoop path.")
  String dir;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Data seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--master", defaultValue = "local[2]")
  String master;

  @Option(
      names = "--partitions",
      defaultValue = "0",
      description = "Training partitions (default 0: as train, Spark's default parallelism).")
  int partitions;

  @Option(
      names = "--sync-every",
      description =
          "k (default: the library default, " + "VariationalAutoencoder.DEFAULT_SYNC_EVERY).")
  Integer syncEvery;

  @Override
  public Integer call() throws IOException {
    if (rows < 1 || smallRows < 0 || smallEpochs < 1 || warmupEpochs < 0) {
      throw new UserError(
          "--rows must be >= 1, --small-rows >= 0, --small-epochs >= 1 and "
              + "--warmup-epochs >= 0");
    }
    String base =
        dir != null
            ? dir
            : new java.io.File(System.getProperty("java.io.tmpdir"), "spark-vae-bench-scale")
                .getAbsolutePath();
    int k = syncEvery != null ? syncEvery : VariationalAutoencoder.DEFAULT_SYNC_EVERY;
    double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    // A session already running in this JVM (a test) is used as it is and left running.
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    boolean owned = active.isEmpty();
    SparkSession spark;
    if (owned) {
      SparkSession.Builder b =
          SparkSession.builder()
              .master(master)
              .appName("spark-vae bench-scale")
              .config("spark.ui.enabled", "false");
      SparkSessions.RECOMMENDED.forEach(b::config);
      spark = b.getOrCreate();
    } else {
      spark = active.get();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
      out.put("master", spark.sparkContext().master());
      out.put("heap_max_bytes", Runtime.getRuntime().maxMemory());
      out.put("model", "784-400-20 bernoulli, batch 128, Adam 1e-3 (the train defaults)");
      out.put("sync_every", k);
      out.put("partitions", p);
      out.put(
          "partitioning",
          partitions > 0
              ? "train.partitions = " + p
              : "train.partitions = 0: Spark's default parallelism ("
                  + p
                  + "), reached by a "
                  + "round-robin repartition of the Parquet input");
      out.put("storage_level", "MEMORY_AND_DISK");
      out.put(
          "throughput_method",
          "rows_per_sec: rows / epoch wall time (rounds only, not "
              + "the load and cache); rows_per_cpu_sec: rows / process CPU seconds from the end of "
              + "each epoch's first round to its end (less disturbed by other programs)");
      out.put(
          "interference_method",
          "other_programs_cpu_share: the machine's busy CPU time "
              + "(/proc/stat) minus this JVM's, over the same windows as rows_per_cpu_sec, as a "
              + "share of all CPUs; steal_share: time the hypervisor gave to other machines");
      out.put(
          "heap_method",
          "GC notifications: heap_peak_bytes = largest heap use when a "
              + "GC starts (caching: reading, shuffling and caching the data, to the end of the "
              + "first round; training: the rest); heap_after_gc_peak = largest heap use right "
              + "after a GC (live data plus old garbage a young GC leaves); heap_live_bytes = heap "
              + "use after a full GC at the end, the cache still held");
      Map<String, Object> small = null;
      if (smallRows > 0) {
        String sp = ensureData(spark, base, smallRows, seed, out, "small_data");
        small = phase(spark, sp, smallRows, smallEpochs, warmupEpochs, p, k);
        out.put("small", small);
        System.err.println("small: " + Json.compact(small));
      }
      String lp = ensureData(spark, base, rows, seed, out, "large_data");
      Map<String, Object> large = phase(spark, lp, rows, 1, 0, p, k);
      out.put("large", large);
      if (small != null) {
        double ratio = (Double) large.get("rows_per_sec") / (Double) small.get("rows_per_sec");
        out.put("throughput_ratio", r3(ratio));
        out.put("target_ratio", 0.85);
        if (large.get("rows_per_cpu_sec") != null && small.get("rows_per_cpu_sec") != null) {
          out.put(
              "cpu_throughput_ratio",
              r3((Double) large.get("rows_per_cpu_sec") / (Double) small.get("rows_per_cpu_sec")));
        }
      }
      out.put("load_average_start", r3(load0));
      out.put(
          "load_average_end",
          r3(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
      out.put("cpus", Runtime.getRuntime().availableProcessors());
      out.put("blas", BlasInfo.oneLine());
      System.out.println(Json.compact(out));
      return Main.EXIT_OK;
    } finally {
      if (owned) {
        spark.stop();
      }
    }
  }

  /**
   * Trains {@code epochs} epochs on the Parquet data at {@code path} and measures; the first {@code
   * warmup} epochs are not counted (when there are more).
   */
  private static Map<String, Object> phase(
      SparkSession spark, String path, long n, int epochs, int warmup, int p, int k) {
    JobConfig cfg = config(path, epochs, p, k);
    Dataset<Row> df = spark.read().parquet(path);
    ImageData train =
        new ImageData(
            df, "features", "label", "id", new ImageData.Shape(28, 28, 1), "bench-scale: " + path);
    int skip = epochs > warmup ? warmup : 0;
    HeapWatch heap = new HeapWatch();
    EpochMeter meter = new EpochMeter(spark, n, epochs, skip, heap);
    VariationalAutoencoder est = TrainCommand.estimator(cfg, train, p);
    est.setListener(meter);
    double fitSeconds = timedFit(est, df, heap);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", n);
    m.put("epochs", epochs);
    meter.putThroughput(m, epochs, fitSeconds);
    putCacheFigures(m, meter.storage());
    m.put("pixel_bytes", n * SyntheticShapes.PIXELS);
    m.putAll(heap.figures());
    return m;
  }

  /** The {@code train} command's defaults, on the Parquet data at {@code path}. */
  private static JobConfig config(String path, int epochs, int p, int k) {
    return JobConfig.load(
        null,
        List.of(
            "data.train=\"" + path + "\"",
            "train.epochs=" + epochs,
            "train.sync-every=" + k,
            "train.partitions=" + p));
  }

  /** Fits, and returns the seconds it took, data loading and caching included. */
  private static double timedFit(VariationalAutoencoder est, Dataset<Row> df, HeapWatch heap) {
    long t0 = System.nanoTime();
    try {
      est.fit(df);
    } finally {
      heap.close();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** How much of the training cache stayed in memory and how much spilled to disk. */
  private static void putCacheFigures(Map<String, Object> m, RDDInfo[] storage) {
    long mem = 0;
    long disk = 0;
    int cachedParts = 0;
    int parts = 0;
    for (RDDInfo info : storage) {
      if (info.name() != null && info.name().startsWith("spark-vae blocks: training")) {
        mem += info.memSize();
        disk += info.diskSize();
        cachedParts += info.numCachedPartitions();
        parts += info.numPartitions();
      }
    }
    m.put("partitions", parts);
    m.put("cached_bytes_memory", mem);
    m.put("cached_bytes_disk", disk);
    m.put("cached_partitions", cachedParts);
  }

  // ---- the data ----

  static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("label", DataTypes.IntegerType, false),
            DataTypes.createStructField("features", DataTypes.BinaryType, false)
          });

  /** The synthetic data set as a DataFrame: rows 0..n-1, generated on the executors. */
  static Dataset<Row> synthetic(SparkSession spark, long n, long seed, int slices) {
    MapPartitionsFunction<Long, Row> gen =
        it ->
            new java.util.Iterator<Row>() {
              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public Row next() {
                long id = it.next();
                byte[] px = new byte[SyntheticShapes.PIXELS];
                int label = SyntheticShapes.render(seed, id, px, 0);
                return RowFactory.create(id, label, px);
              }
            };
    return spark.range(0, n, 1, slices).mapPartitions(gen, Encoders.row(SCHEMA));
  }

  /**
   * The data set of {@code n} rows for {@code seed} under {@code base}: reused when its marker says
   * it is complete and of the same rows, seed and generator; otherwise (re)written, the marker
   * last.
   */
  static String ensureData(
      SparkSession spark, String base, long n, long seed, Map<String, Object> report, String name)
      throws IOException {
    Path dir = new Path(base, "rows-" + n + "-seed-" + seed);
    FileSystem fs = FileSystems.of(dir, spark.sparkContext().hadoopConfiguration());
    Path marker = new Path(dir, MARKER);
    String expected = marker(n, seed);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("path", fs.makeQualified(dir).toString());
    if (fs.exists(marker)
        && new String(AtomicFiles.readAll(fs, marker, 4096), StandardCharsets.UTF_8)
            .equals(expected)) {
      r.put("reused", true);
    } else {
      long t0 = System.nanoTime();
      int slices = (int) Math.max(2, Math.min(1000, (n + 99_999) / 100_000));
      System.err.printf("writing %d synthetic rows to %s ...%n", n, dir);
      synthetic(spark, n, seed, slices).write().mode(SaveMode.Overwrite).parquet(dir.toString());
      AtomicFiles.writeAtomically(fs, marker, expected.getBytes(StandardCharsets.UTF_8));
      r.put("reused", false);
      r.put("generate_seconds", r3((System.nanoTime() - t0) / 1e9));
    }
    report.put(name, r);
    return dir.toString();
  }

  /** The marker's text: fixed key order (Map.of's order changes from one JVM to the next). */
  static String marker(long n, long seed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", n);
    m.put("seed", seed);
    m.put("generator", GENERATOR_VERSION);
    return Json.compact(m);
  }

  static double r3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
