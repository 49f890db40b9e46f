// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.ImageDecoder;
import io.sparkvae.data.ImageFolders;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.io.FileSystems;
import io.sparkvae.ml.AnomalyThresholds;
import io.sparkvae.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code score-stream}: scores the files that land in a folder, with Spark Structured Streaming.
 * New Parquet files (or PNG/JPEG images with {@code --format images}) in {@code --watch DIR} are
 * scored by {@link VariationalAutoencoderModel#transform}, a pure per-partition map, and appended
 * to the Parquet sink {@code OUT/scores.parquet}; the checkpoint {@code OUT/checkpoint} records
 * which files were scored, so a restart scores only files it has not seen, each exactly once.
 *
 * <p>{@code --once} scores what is there and stops (Trigger.AvailableNow: for tests and batch
 * schedulers); otherwise the query polls every {@code --trigger} until the process is stopped.
 */
@Command(
    name = "score-stream",
    mixinStandardHelpOptions = true,
    description =
        "Score new files as they land in --watch DIR (Parquet, or images with "
            + "--format images): append each row's -ELBO (and IWAE with --k) to OUT/scores.parquet, "
            + "with a checkpoint in OUT/checkpoint so that a restart scores only new files.")
public final class ScoreStreamCommand implements Callable<Integer> {
  static final String OUTPUT = "scores.parquet";
  static final String CHECKPOINT = "checkpoint";

  /** The names of the streaming query's observed metrics. */
  static final String SCORED = "scored";

  static final String DECODED = "decoded";

  @Option(
      names = "--model",
      required = true,
      paramLabel = "PATH",
      description =
          "The model: a model directory, a train --out directory, a versioned base "
              + "(its latest run) or a latest pointer file.")
  String model;

  @Option(
      names = "--watch",
      required = true,
      paramLabel = "DIR",
      description =
          "The folder to watch (any Hadoop path). Files must appear whole: write "
              + "them elsewhere (or under a name starting with . or _) and rename them in.")
  String watch;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "parquet",
      description =
          "parquet (rows with data.features, as for score) or images (PNG/JPEG files, "
              + "resampled to the model's image size). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--k",
      paramLabel = "K",
      defaultValue = "0",
      description = "Importance samples for -log p(x) (0 = -ELBO only). Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description =
          "Flag rows whose -ELBO is above T: q0.95, q0.99, q0.999 (the model's "
              + "calibrated thresholds) or a number of nats. Adds a boolean 'flagged' column.")
  String threshold;

  @Option(
      names = "--once",
      description = "Score the files present now, then stop (Trigger.AvailableNow).")
  boolean once;

  @Option(
      names = "--trigger",
      paramLabel = "INTERVAL",
      defaultValue = "10 seconds",
      description = "Without --once: how often to look for new files. Default: ${DEFAULT-VALUE}.")
  String trigger;

  @Option(
      names = "--max-files-per-trigger",
      paramLabel = "N",
      defaultValue = "0",
      description = "At most N new files per micro-batch (0 = all). Default: ${DEFAULT-VALUE}.")
  int maxFiles;

  @Mixin JobOptions options;

  @Override
  public Integer call() throws Exception {
    if (k < 0) {
      throw new UserError("--k must be >= 0, got " + k);
    }
    if (maxFiles < 0) {
      throw new UserError("--max-files-per-trigger must be >= 0, got " + maxFiles);
    }
    if (!format.equals("parquet") && !format.equals("images")) {
      throw new UserError("--format must be parquet or images, got '" + format + "'");
    }
    if (!once) {
      try {
        Trigger.ProcessingTime(trigger);
      } catch (Exception e) {
        throw new UserError(
            "--trigger '" + trigger + "' is not an interval (e.g. '10 seconds', '1 minute')");
      }
    }
    JobConfig cfg = options.config();
    SparkSession spark = SparkSessions.create(cfg);
    try {
      return stream(spark, cfg);
    } finally {
      SparkSessions.stop(spark);
    }
  }

  private int stream(SparkSession spark, JobConfig cfg) throws Exception {
    var conf = spark.sparkContext().hadoopConfiguration();
    VariationalAutoencoderModel m = ModelRef.load(spark, model, "--model");
    AnomalyThresholds stored = ScoreThresholds.stored(conf, model);
    Double limit = threshold == null ? null : ScoreThresholds.resolve(threshold, stored);
    Path out = new Path(options.out());
    Path sink = new Path(out, OUTPUT);
    Path checkpoint = new Path(out, CHECKPOINT);
    FileSystem fs = FileSystems.of(out, conf);
    for (String marker : List.of("model", "metrics.json", "linreg.json", "runs", "latest")) {
      if (fs.exists(new Path(out, marker))) {
        // Its checkpoint/ is a training checkpoint: neither deleted by --overwrite nor taken as
        // this stream's.
        throw new UserError(
            "--out "
                + out
                + " holds a train run ("
                + marker
                + "); score-stream keeps its scores and its own checkpoint/ in a directory of its"
                + " own: choose another");
      }
    }
    if (options.overwrite) {
      fs.delete(sink, true);
      fs.delete(checkpoint, true);
    }
    fs.mkdirs(out);
    boolean resumed = fs.exists(checkpoint);

    Input in = format.equals("images") ? images(spark, m) : parquet(spark, cfg, fs);
    m =
        m.copy(new org.apache.spark.ml.param.ParamMap())
            .setFeaturesCol(in.features)
            .setLatentMeanCol("")
            .setLatentLogVarCol("")
            .setReconstructionCol("")
            .setNegElboCol("neg_elbo")
            .setIwaeCol("")
            .setIwaeSamples(0);
    if (k > 0) {
      m.setIwaeSamples(k).setIwaeCol("iwae_nll");
    }
    try {
      FeatureReader.forColumn(in.frame.schema(), in.features);
    } catch (IllegalArgumentException e) {
      throw new UserError("--watch " + watch + ": " + e.getMessage(), e);
    }
    List<Column> cols = new ArrayList<>();
    for (String key : in.keys) {
      cols.add(functions.col("`" + key + "`"));
    }
    cols.add(functions.col("neg_elbo"));
    if (k > 0) {
      cols.add(functions.col("iwae_nll"));
    }
    if (limit != null) {
      cols.add(ScoreThresholds.flagged(limit));
    }
    cols.add(functions.current_timestamp().as("scored_at"));
    Dataset<Row> scored =
        m.transform(in.frame)
            .select(cols.toArray(new Column[0]))
            .observe(
                SCORED,
                functions.count(functions.lit(1)).as("rows"),
                limit == null
                    ? functions.lit(0L).as("flagged")
                    : functions
                        .count(
                            functions.when(
                                functions.col(ScoreThresholds.FLAGGED), functions.lit(1)))
                        .as("flagged"));

    System.out.println(ScoreThresholds.report(stored, threshold, limit));
    System.out.printf(
        Locale.ROOT,
        "%s %s files in %s%s; scores to %s, checkpoint %s%n",
        once ? "scoring the" : "watching for",
        format,
        watch,
        resumed ? " (resuming: files scored before are skipped)" : "",
        sink,
        checkpoint);
    StreamingQueryListener printer = once ? null : new Printer();
    if (printer != null) {
      spark.streams().addListener(printer);
    }
    StreamingQuery q =
        scored
            .writeStream()
            .format("parquet")
            .option("checkpointLocation", checkpoint.toString())
            .trigger(once ? Trigger.AvailableNow() : Trigger.ProcessingTime(trigger))
            .queryName("spark-vae-score-stream")
            .start(sink.toString());
    try {
      q.awaitTermination();
    } catch (Exception e) {
      throw InferenceCommand.asUserError(e, "--watch " + watch);
    } finally {
      if (printer != null) {
        spark.streams().removeListener(printer);
      }
    }
    long rows = 0;
    long flagged = 0;
    long unreadable = 0;
    for (StreamingQueryProgress p : q.recentProgress()) {
      String line = describe(p);
      if (once && line != null) {
        System.out.println(line);
      }
      rows += metric(p, SCORED, "rows");
      flagged += metric(p, SCORED, "flagged");
      unreadable += metric(p, DECODED, "unreadable");
    }
    System.out.printf(
        Locale.ROOT,
        "scored %,d new rows%s%s%n",
        rows,
        limit == null ? "" : String.format(Locale.ROOT, ", %,d flagged", flagged),
        unreadable == 0
            ? ""
            : String.format(Locale.ROOT, "; skipped %,d unreadable image files", unreadable));
    System.out.println("scores: " + sink);
    return Main.EXIT_OK;
  }

  /** The streaming rows, their features column and the columns carried to the output. */
  private record Input(Dataset<Row> frame, String features, List<String> keys) {}

  /**
   * Parquet files: the schema is taken from the files present when the stream starts (a streaming
   * source needs one up front). Rows without an {@code id} or {@code path} column are identified by
   * their file and position in it ({@code source_file}, {@code row_index}).
   */
  private Input parquet(SparkSession spark, JobConfig cfg, FileSystem fs) throws IOException {
    StructType schema;
    try {
      schema = spark.read().parquet(watch).schema();
    } catch (Exception e) { // Spark's AnalysisException is checked, thrown undeclared
      Path w = new Path(watch);
      throw new UserError(
          "--watch "
              + watch
              + ": "
              + (fs.exists(w)
                  ? "no Parquet files to "
                      + "take the schema from yet ("
                      + Inputs.rootMessage(e)
                      + "); the stream takes its "
                      + "schema from the files present when it starts: add one file, then start it"
                  : "no such directory"),
          e);
    }
    List<String> features = cfg.strings("data.features");
    String col = features.size() == 1 ? features.get(0) : "features";
    DataStreamReader r =
        spark.readStream().schema(schema).option("maxFileAge", ImageFolders.STREAM_MAX_FILE_AGE);
    if (maxFiles > 0) {
      r = r.option("maxFilesPerTrigger", maxFiles);
    }
    Dataset<Row> df = r.parquet(watch);
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> keys = new ArrayList<>();
    String id = cfg.string("data.id");
    if (id != null && !id.isEmpty() && names.contains(id)) {
      keys.add(id);
    } else if (names.contains("id")) {
      keys.add("id");
    } else if (names.contains("path")) {
      keys.add("path");
    } else {
      df =
          df.withColumn("source_file", functions.col("_metadata.file_path"))
              .withColumn("row_index", functions.col("_metadata.row_index"));
      keys.add("source_file");
      keys.add("row_index");
    }
    String label = cfg.string("data.label");
    if (label != null && names.contains(label) && !keys.contains(label)) {
      keys.add(label);
    }
    if (!names.contains(col)) {
      throw new UserError(
          "--watch "
              + watch
              + ": no column '"
              + col
              + "' (data.features); "
              + "the files have "
              + String.join(", ", names));
    }
    return new Input(df, col, keys);
  }

  /** Image files: decoded on the executors to the model's image size, as in training. */
  private Input images(SparkSession spark, VariationalAutoencoderModel m) {
    int[] shape = InferenceCommand.imageShape(m, null);
    if (shape == null) {
      throw new UserError(
          "--format images: the model "
              + model
              + " has no image shape (its "
              + "input is "
              + m.architecture().inputDim()
              + " values per row), so images cannot be "
              + "resampled to it");
    }
    Dataset<Row> decoded =
        ImageFolders.stream(spark, watch, new ImageDecoder(shape[0], shape[1], shape[2]), maxFiles)
            .observe(DECODED, functions.count(functions.col("error")).as("unreadable"));
    Dataset<Row> good = decoded.where(functions.col("error").isNull()).select("path", "features");
    return new Input(good, "features", List.of("path"));
  }

  private static long metric(StreamingQueryProgress p, String name, String field) {
    Map<String, Row> m = p.observedMetrics();
    Row r = m == null ? null : m.get(name);
    if (r == null) {
      return 0;
    }
    Object v = r.get(r.fieldIndex(field));
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** "batch 3: 120 rows, 2 flagged", or null for a batch that read nothing. */
  static String describe(StreamingQueryProgress p) {
    long rows = metric(p, SCORED, "rows");
    if (p.numInputRows() == 0 && rows == 0) {
      return null;
    }
    long flagged = metric(p, SCORED, "flagged");
    long bad = metric(p, DECODED, "unreadable");
    return String.format(
        Locale.ROOT,
        "batch %d: %,d rows scored, %,d flagged%s",
        p.batchId(),
        rows,
        flagged,
        bad == 0 ? "" : String.format(Locale.ROOT, ", %,d unreadable files " + "skipped", bad));
  }

  /** Prints a line per micro-batch that scored something (continuous mode). */
  private static final class Printer extends StreamingQueryListener {
    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      String line = describe(event.progress());
      if (line != null) {
        System.out.println(line);
      }
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }
}
