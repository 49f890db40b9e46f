// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.data.SyntheticShapes;
import io.sparkvae.io.Json;
import io.sparkvae.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchScaleCommandTest extends SparkTestBase {
  @TempDir Path dir;

  static List<Row> rows(String path) {
    return spark().read().parquet(path).orderBy("id").collectAsList();
  }

  @Test
  void sameSeedSameBytesWhateverThePartitioning() {
    List<Row> a = BenchScaleCommand.synthetic(spark(), 300, 7, 2).orderBy("id").collectAsList();
    List<Row> b = BenchScaleCommand.synthetic(spark(), 300, 7, 5).orderBy("id").collectAsList();
    List<Row> c = BenchScaleCommand.synthetic(spark(), 300, 8, 2).orderBy("id").collectAsList();
    assertEquals(300, a.size());
    int differ = 0;
    for (int i = 0; i < 300; i++) {
      assertEquals(i, a.get(i).getLong(0));
      assertEquals(a.get(i).getInt(1), b.get(i).getInt(1));
      assertArrayEquals((byte[]) a.get(i).get(2), (byte[]) b.get(i).get(2), "row " + i);
      if (!java.util.Arrays.equals((byte[]) a.get(i).get(2), (byte[]) c.get(i).get(2))) {
        differ++;
      }
    }
    assertEquals(300, differ, "another seed draws other images");
  }

  @Test
  void theImagesHaveStructureToLearn() {
    // Shapes on a black background: mostly zeros, bright strokes, and ten classes whose mean
    // images differ clearly (not noise).
    int n = 2000;
    double[][] mean = new double[SyntheticShapes.CLASSES][SyntheticShapes.PIXELS];
    int[] count = new int[SyntheticShapes.CLASSES];
    long zeros = 0;
    int bright = 0;
    byte[] px = new byte[SyntheticShapes.PIXELS];
    for (int i = 0; i < n; i++) {
      int c = SyntheticShapes.render(3, i, px, 0);
      count[c]++;
      int max = 0;
      for (int j = 0; j < px.length; j++) {
        int v = px[j] & 0xFF;
        zeros += v == 0 ? 1 : 0;
        max = Math.max(max, v);
        mean[c][j] += v;
      }
      bright += max >= 150 ? 1 : 0;
    }
    double zeroFraction = (double) zeros / n / SyntheticShapes.PIXELS;
    assertTrue(zeroFraction > 0.7 && zeroFraction < 0.97, "background " + zeroFraction);
    assertEquals(n, bright);
    for (int c = 0; c < SyntheticShapes.CLASSES; c++) {
      assertTrue(count[c] > n / 20, "class " + c + ": " + count[c]);
    }
    // Disc (0) and ring (1): the disc's centre is filled, the ring's is mostly empty.
    int centre = 14 * 28 + 14;
    assertTrue(mean[0][centre] / count[0] > 2 * mean[1][centre] / count[1]);
    // Horizontal (4) and vertical (5) bars: their means differ by orientation.
    double h = 0;
    double v = 0;
    for (int k = -8; k <= 8; k++) {
      h += mean[4][14 * 28 + 14 + k] / count[4] - mean[4][(14 + k) * 28 + 14] / count[4];
      v += mean[5][(14 + k) * 28 + 14] / count[5] - mean[5][14 * 28 + 14 + k] / count[5];
    }
    assertTrue(h > 100 && v > 100, h + " " + v);
  }

  @Test
  void theDataSetIsWrittenOnceAndReused() throws Exception {
    Map<String, Object> r1 = new LinkedHashMap<>();
    String p = BenchScaleCommand.ensureData(spark(), dir.toString(), 500, 11, r1, "d");
    assertEquals(false, ((Map<?, ?>) r1.get("d")).get("reused"));
    long written = Files.getLastModifiedTime(Path.of(p, BenchScaleCommand.MARKER)).toMillis();
    // The same text in every JVM, so that a later run recognizes it.
    assertEquals(
        "{\"rows\":500,\"seed\":11,\"generator\":1}",
        Files.readString(Path.of(p, BenchScaleCommand.MARKER)));
    List<Row> first = rows(p);
    Map<String, Object> r2 = new LinkedHashMap<>();
    assertEquals(p, BenchScaleCommand.ensureData(spark(), dir.toString(), 500, 11, r2, "d"));
    assertEquals(true, ((Map<?, ?>) r2.get("d")).get("reused"));
    assertEquals(
        written, Files.getLastModifiedTime(Path.of(p, BenchScaleCommand.MARKER)).toMillis());
    // A marker for other settings (or none: an interrupted write) means writing it again.
    Files.writeString(Path.of(p, BenchScaleCommand.MARKER), "{\"rows\":499}");
    Map<String, Object> r3 = new LinkedHashMap<>();
    BenchScaleCommand.ensureData(spark(), dir.toString(), 500, 11, r3, "d");
    assertEquals(false, ((Map<?, ?>) r3.get("d")).get("reused"));
    List<Row> again = rows(p);
    assertEquals(500, again.size());
    for (int i = 0; i < 500; i++) {
      assertArrayEquals((byte[]) first.get(i).get(2), (byte[]) again.get(i).get(2));
    }
    assertNotEquals(
        p,
        BenchScaleCommand.ensureData(spark(), dir.toString(), 500, 12, new LinkedHashMap<>(), "d"));
  }

  @Test
  void printsTheFiguresAsJson() throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, "UTF-8"));
      code =
          Main.run(
              new PrintWriter(err, true),
              "bench-scale",
              "--rows",
              "4500",
              "--small-rows",
              "4200",
              "--small-epochs",
              "3",
              "--warmup-epochs",
              "1",
              "--dir",
              dir.toString(),
              "--sync-every",
              "8"); // several rounds per epoch: CPU windows need two
    } finally {
      System.setOut(old);
    }
    assertEquals(0, code, err.toString());
    String[] lines = captured.toString("UTF-8").strip().split("\n");
    JsonNode j = Json.read(lines[lines.length - 1], "bench-scale output");
    assertEquals(8, j.path("sync_every").asInt());
    assertEquals(2, j.path("partitions").asInt());
    for (String phase : List.of("small", "large")) {
      JsonNode p = j.path(phase);
      assertTrue(p.path("rows_per_sec").asDouble() > 0, p.toString());
      assertTrue(p.path("rows_per_cpu_sec").asDouble() > 0, p.toString());
      assertTrue(p.path("heap_peak_bytes").asLong() > 0, p.toString());
      assertTrue(p.path("heap_peak_bytes_training").asLong() > 0, p.toString());
      // The live set (after a full GC, the cache held) holds at least the cached pixels.
      long live = p.path("heap_live_bytes").asLong();
      assertTrue(
          live >= p.path("pixel_bytes").asLong() && live <= j.path("heap_max_bytes").asLong(),
          p.toString());
      // The 8-bit cache: one byte per pixel, all of it in memory at this size.
      long pixels = p.path("rows").asLong() * 784;
      assertEquals(pixels, p.path("pixel_bytes").asLong());
      assertTrue(p.path("cached_bytes_memory").asLong() >= pixels, p.toString());
      assertTrue(p.path("cached_bytes_memory").asLong() < pixels * 1.05, p.toString());
      assertEquals(0, p.path("cached_bytes_disk").asLong());
      assertEquals(2, p.path("cached_partitions").asInt());
    }
    assertEquals(3, j.path("small").path("rows_per_sec_by_epoch").size());
    assertTrue(j.path("small").path("counted").asText().startsWith("epochs 2..3"));
    assertTrue(j.path("throughput_ratio").asDouble() > 0);
    assertFalse(j.path("large_data").path("reused").asBoolean());
  }
}
