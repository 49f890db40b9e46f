// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

  @Test
  void defaultsFileAndOverridesLayerInThatOrder(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("job.conf");
    Files.writeString(f, "train { epochs = 3, batch-size = 64 }\nmodel.hidden = [256, 128]\n");
    JobConfig c =
        JobConfig.load(
            f.toString(),
            List.of(
                "train.epochs=7", "data.train=x/y.idx", "spark.conf.\"spark.executor.memory\"=4g"));
    assertEquals(7, c.positive("train.epochs"));
    assertEquals(64, c.positive("train.batch-size"));
    assertArrayEquals(new int[] {256, 128}, c.positiveInts("model.hidden"));
    assertEquals(20, c.positive("model.latent"));
    assertEquals("x/y.idx", c.requiredString("data.train"));
    assertNull(c.string("data.test"));
    assertEquals("4g", c.sparkConf().get("spark.executor.memory"));
  }

  @Test
  void aSetValueWithAHashOrADoubleSlashIsTakenWholeNotCutAtAComment() {
    JobConfig c =
        JobConfig.load(
            null,
            List.of(
                "data.train=/data/run#2/train.parquet",
                "data.test=/data//incoming/test.parquet",
                "train.checkpoint-dir=hdfs://nn:8020/ck#1",
                "train.optimizer=adam",
                "model.hidden=[64, 32]"));
    assertEquals("/data/run#2/train.parquet", c.requiredString("data.train"));
    assertEquals("/data//incoming/test.parquet", c.string("data.test"));
    assertEquals("hdfs://nn:8020/ck#1", c.string("train.checkpoint-dir"));
    assertEquals("adam", c.string("train.optimizer"));
    assertArrayEquals(new int[] {64, 32}, c.positiveInts("model.hidden"));
  }

  @Test
  void anUnknownKeyNamesTheNearestKnownOne(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("job.conf");
    Files.writeString(f, "train.epoch = 3\n");
    UserError e = assertThrows(UserError.class, () -> JobConfig.load(f.toString(), List.of()));
    assertTrue(e.getMessage().contains("unknown config key 'train.epoch'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'train.epochs'?"), e.getMessage());
    UserError s =
        assertThrows(UserError.class, () -> JobConfig.load(null, List.of("model.latnet=4")));
    assertTrue(s.getMessage().contains("did you mean 'model.latent'?"), s.getMessage());
    UserError n =
        assertThrows(UserError.class, () -> JobConfig.load(null, List.of("data.tset=null")));
    assertTrue(n.getMessage().contains("did you mean 'data.test'?"), n.getMessage());
  }

  @Test
  void invalidValuesNameTheKey() {
    assertMessage(
        "train.batch-size must be a positive integer, got -5",
        () -> JobConfig.load(null, List.of("train.batch-size=-5")).positive("train.batch-size"));
    assertMessage(
        "model.latent must be a positive integer, got 0",
        () -> JobConfig.load(null, List.of("model.latent=0")).positive("model.latent"));
    assertMessage(
        "train.learning-rate must be > 0, got 0.0",
        () ->
            JobConfig.load(null, List.of("train.learning-rate=0"))
                .positiveNumber("train.learning-rate"));
    assertMessage(
        "model.activation = 'sigmoid' is not allowed; expected one of relu",
        () ->
            JobConfig.load(null, List.of("model.activation=sigmoid"))
                .oneOf("model.activation", "relu", "leaky-relu", "tanh"));
    assertMessage(
        "train.epochs must be an integer",
        () -> JobConfig.load(null, List.of("train.epochs=ten")).positive("train.epochs"));
    assertMessage(
        "data.train is required",
        () -> JobConfig.load(null, List.of()).requiredString("data.train"));
    assertMessage(
        "--config /no/such.conf: no such file", () -> JobConfig.load("/no/such.conf", List.of()));
  }

  @Test
  void aSyntaxErrorNamesTheFileAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "train {\n  epochs = 3\n  batch-size = [\n");
    UserError e = assertThrows(UserError.class, () -> JobConfig.load(f.toString(), List.of()));
    assertTrue(e.getMessage().contains("bad.conf"), e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*: [34]:.*"), "line number: " + e.getMessage());
  }

  /** The cells of every markdown table row outside fenced code, header and rule rows included. */
  static List<List<String>> tableRows(String markdown) {
    List<List<String>> rows = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.split("\n")) {
      String t = line.strip();
      if (t.startsWith("```")) {
        fenced = !fenced;
      }
      if (fenced || !t.startsWith("|")) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      for (String c : t.substring(1).split("(?<!\\\\)\\|", -1)) {
        cells.add(c.strip());
      }
      if (cells.size() >= 2) {
        rows.add(cells);
      }
    }
    return rows;
  }

  @Test
  void nearestOnlySuggestsCloseKeys() {
    assertEquals(
        "train.epochs", JobConfig.nearest("train.epoch", Set.of("train.epochs", "model.latent")));
    assertNull(JobConfig.nearest("completely.unrelated.thing", Set.of("train.epochs")));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    UserError u = assertThrows(UserError.class, e);
    assertTrue(u.getMessage().contains(expected), u.getMessage());
  }
}
