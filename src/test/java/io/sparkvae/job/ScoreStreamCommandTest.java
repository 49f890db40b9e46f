// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score-stream} through {@link Main#run}: files landing in a folder are scored once each,
 * across restarts; the thresholds {@code train} stores; {@code score --threshold}.
 */
class ScoreStreamCommandTest extends SparkTestBase {
  @TempDir static Path dir;
  static Path run;

  @BeforeAll
  static void trainTinyModel() {
    run = dir.resolve("train");
    CommandRun r = CommandRun.tiny("train", "--out", run.toString());
    assertEquals(0, r.code, r.toString());
  }

  /** Rows [from, to) of the test sample written as one Parquet file, renamed into {@code watch}. */
  static void dropParquet(Path watch, String name, int from, int to) throws IOException {
    Dataset<Row> rows =
        TestFrames.images(spark(), Samples.testImages(), to, 1)
            .where(functions.col("id").geq(from));
    Path tmp = dir.resolve("staging-" + name);
    rows.coalesce(1).write().parquet(tmp.toString());
    Files.createDirectories(watch);
    try (Stream<Path> files = Files.list(tmp)) {
      Path part =
          files
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
      Files.move(part, watch.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static List<String> columns(Dataset<Row> df) {
    List<String> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      cols.add(f.name() + ":" + f.dataType().simpleString());
    }
    return cols;
  }

  @Test
  void trainStoresCalibratedThresholdsBesideTheModel() throws IOException {
    JsonNode t =
        Json.read(Files.readString(run.resolve("model").resolve("thresholds.json")), "thresholds");
    assertEquals("neg_elbo", t.path("score").asText());
    assertEquals(2000, t.path("rows").asLong(), "every training row");
    double q95 = t.path("quantiles").path("0.95").asDouble();
    double q99 = t.path("quantiles").path("0.99").asDouble();
    double q999 = t.path("quantiles").path("0.999").asDouble();
    assertTrue(q95 > 0 && q95 <= q99 && q99 <= q999, t.toString());
  }

  @Test
  void scoreStreamScoresEachNewParquetFileOnceAcrossRestarts() {
    Path watch = dir.resolve("watch");
    Path out = dir.resolve("stream-out");
    try {
      dropParquet(watch, "a.parquet", 0, 60);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String[] args = {
      "score-stream",
      "--model",
      run.toString(),
      "--watch",
      watch.toString(),
      "--threshold",
      "q0.99",
      "--once",
      "--out",
      out.toString()
    };
    CommandRun first = CommandRun.run(args);
    assertEquals(0, first.code, first.toString());
    assertTrue(first.out.contains("scored 60 new rows"), first.out);
    assertTrue(first.out.contains("calibrated thresholds (training -ELBO): q0.95 = "), first.out);
    Dataset<Row> scores = spark().read().parquet(out.resolve("scores.parquet").toString());
    assertEquals(
        List.of("id:bigint", "neg_elbo:double", "flagged:boolean", "scored_at:timestamp"),
        columns(scores));
    assertEquals(60, scores.count());

    try {
      dropParquet(watch, "b.parquet", 60, 100);
      // Renamed in with a time 10 days older than a.parquet's: Spark's file stream would skip it
      // (its default maxFileAge is 7 days) and never score it.
      Files.setLastModifiedTime(
          watch.resolve("b.parquet"),
          java.nio.file.attribute.FileTime.from(
              java.time.Instant.now().minus(java.time.Duration.ofDays(10))));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    CommandRun second = CommandRun.run(args);
    assertEquals(0, second.code, second.toString());
    assertTrue(second.out.contains("resuming"), second.out);
    assertTrue(second.out.contains("scored 40 new rows"), second.out);
    List<Row> all =
        spark()
            .read()
            .parquet(out.resolve("scores.parquet").toString())
            .select("id")
            .collectAsList();
    assertEquals(100, all.size(), "each file scored once");
    Set<Long> ids = new HashSet<>();
    for (Row r : all) {
      ids.add(r.getLong(0));
    }
    assertEquals(100, ids.size(), "no row scored twice");

    CommandRun third = CommandRun.run(args);
    assertEquals(0, third.code, third.toString());
    assertTrue(third.out.contains("scored 0 new rows"), third.out);
  }

  @Test
  void scoreStreamMistakesAreUsageErrorsThatLeaveATrainRunAlone() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty-watch"));
    assertUsageError("add one file, then start it", empty, dir.resolve("s-empty"), "--once");
    assertUsageError(
        "no such directory", dir.resolve("no-such-dir"), dir.resolve("s-missing"), "--once");
    assertUsageError(
        "--trigger 'bogus' is not an interval",
        empty,
        dir.resolve("s-trigger"),
        "--trigger",
        "bogus");
    // --out at a train run, --overwrite or not: its training checkpoint is neither deleted nor
    // taken as the stream's.
    Path ck = run.resolve("checkpoint");
    boolean hadCheckpoint = Files.exists(ck);
    assertUsageError("holds a train run", empty, run, "--once", "--overwrite");
    assertEquals(hadCheckpoint, Files.exists(ck), "the training checkpoint is untouched");
  }

  /**
   * score-stream of {@code watch} into {@code out} exits with a usage error that says {@code what}.
   */
  private static void assertUsageError(String what, Path watch, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of("score-stream", "--model", run.toString(), "--watch", watch.toString()));
    args.addAll(List.of(more));
    args.addAll(List.of("--out", out.toString()));
    CommandRun r = CommandRun.run(args.toArray(new String[0]));
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(r.err.contains(what), r.err);
  }

  @Test
  void scoreStreamReadsImageFilesAndSkipsUnreadableOnes() throws IOException {
    Path watch = dir.resolve("watch-images");
    Files.createDirectories(watch);
    ByteRows test = Samples.testImages();
    for (int i = 0; i < 5; i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      byte[] px = java.util.Arrays.copyOfRange(test.data(), i * 784, (i + 1) * 784);
      img.getRaster().setDataElements(0, 0, 28, 28, px);
      ImageIO.write(img, "png", watch.resolve("img" + i + ".png").toFile());
    }
    Files.writeString(watch.resolve("broken.png"), "not an image");
    Path out = dir.resolve("stream-images");
    CommandRun r =
        CommandRun.run(
            "score-stream",
            "--model",
            run.toString(),
            "--watch",
            watch.toString(),
            "--format",
            "images",
            "--k",
            "5",
            "--once",
            "--out",
            out.toString());
    assertEquals(0, r.code, r.toString());
    assertTrue(r.out.contains("scored 5 new rows; skipped 1 unreadable image files"), r.out);
    Dataset<Row> scores = spark().read().parquet(out.resolve("scores.parquet").toString());
    assertEquals(
        List.of("path:string", "neg_elbo:double", "iwae_nll:double", "scored_at:timestamp"),
        columns(scores));
    assertEquals(5, scores.count());
  }

  @Test
  void batchScoreReportsThresholdsAndFlagsRowsAboveTheChosenOne() throws IOException {
    Path o = dir.resolve("score-flag");
    CommandRun r =
        CommandRun.run(
            "score",
            "--model",
            run.toString(),
            "--data",
            Samples.TEST_IMAGES.toString(),
            "--threshold",
            "q0.95",
            "--out",
            o.toString());
    assertEquals(0, r.code, r.toString());
    assertTrue(r.out.contains("calibrated thresholds (training -ELBO): q0.95 = "), r.out);
    Dataset<Row> df = spark().read().parquet(o.resolve("scores.parquet").toString());
    assertEquals(
        List.of("id:bigint", "label:int", "neg_elbo:double", "flagged:boolean"), columns(df));
    JsonNode s = Json.read(Files.readString(o.resolve("score_summary.json")), "summary");
    double t = s.path("threshold").asDouble();
    assertEquals(s.path("thresholds").path("0.95").asDouble(), t, 1e-12);
    long flagged = df.where(functions.col("flagged")).count();
    assertEquals(flagged, s.path("flagged").asLong());
    assertEquals(flagged, df.where(functions.col("neg_elbo").gt(t)).count());
    assertTrue(flagged > 0 && flagged < 100, "about 5% of 500 test rows: " + flagged);

    CommandRun bad =
        CommandRun.run(
            "score",
            "--model",
            run.toString(),
            "--data",
            Samples.TEST_IMAGES.toString(),
            "--threshold",
            "q0.5",
            "--out",
            dir.resolve("x").toString());
    assertEquals(Main.EXIT_USAGE, bad.code, bad.toString());
    assertTrue(
        bad.err.contains("not among the model's calibrated quantiles (q0.95, q0.99, " + "q0.999)"),
        bad.err);
  }
}
