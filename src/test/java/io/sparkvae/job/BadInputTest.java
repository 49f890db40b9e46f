// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue of src/site/markdown/errors.md, through the real command line: each case
 * must exit with code 2 and a message naming what is wrong and where, and must not touch existing
 * good outputs.
 */
class BadInputTest extends SparkTestBase {
  private static final String SAMPLE = Samples.TRAIN_IMAGES.toString();
  @TempDir static Path dir;
  private static Path goodModel;

  /** Quick settings: a tiny model, few rows' worth of work. */
  private static final List<String> FAST =
      List.of(
          "--set",
          "model.hidden=[16]",
          "--set",
          "model.latent=2",
          "--set",
          "train.epochs=1",
          "--set",
          "train.sync-every=1",
          "--set",
          "eval.iwae-k=0",
          "--set",
          "eval.pca-baseline=false",
          "--set",
          "eval.images=0",
          "--set",
          "eval.samples=0");

  static CommandRun.Errors train(String... args) {
    return CommandRun.train(FAST, args);
  }

  static void assertError(CommandRun.Errors r, String... expected) {
    CommandRun.assertUsageError(r, expected);
  }

  static Path csv(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  static String[] pixelsCsv(int rows, String bad, int badRow) {
    String[] lines = new String[rows + 1];
    lines[0] = "id,p1,p2,p3,p4";
    for (int r = 0; r < rows; r++) {
      lines[r + 1] = "r" + r + ",0.1,0.5,0.9," + (r == badRow ? bad : "0.3");
    }
    return lines;
  }

  @BeforeAll
  static void goodRun() {
    CommandRun.Errors r =
        train("--set", "data.train=" + SAMPLE, "--out", dir.resolve("good").toString());
    assertEquals(0, r.code(), r.err());
    goodModel = dir.resolve("good/model");
  }

  @Test
  void missingInputPath() {
    assertError(
        train(
            "--set",
            "data.train=/no/such/train-images-idx3-ubyte.gz",
            "--out",
            dir.resolve("o1").toString()),
        "data.train",
        "does not exist",
        "/no/such/");
  }

  @Test
  void emptyDataSet() throws IOException {
    Path p = csv("empty.csv", "id,p1,p2,p3,p4");
    assertError(
        train("--set", "data.train=" + p, "--out", dir.resolve("o2").toString()),
        "column 'features'",
        "has no rows");
  }

  @Test
  void nanAndInfiniteValues() throws IOException {
    Path p = csv("nan.csv", pixelsCsv(12, "NaN", 7));
    assertError(
        train("--set", "data.train=" + p, "--out", dir.resolve("o3").toString()),
        "1 rows with NaN or infinite values",
        "row r7");
  }

  @Test
  void pixelsOutsideTheUnitIntervalForBernoulli() throws IOException {
    Path p = csv("range.csv", pixelsCsv(12, "2.5", 4));
    assertError(
        train("--set", "data.train=" + p, "--out", dir.resolve("o4").toString()),
        "1 rows with values outside [0, 1]",
        "row r4",
        "has 2.5 at position 3",
        "model.likelihood = gaussian");
  }

  @Test
  void nonNumericCsv() throws IOException {
    Path p = csv("text.csv", pixelsCsv(12, "abc", 3));
    assertError(
        train("--set", "data.train=" + p, "--out", dir.resolve("o5").toString()),
        "column 'p4' is not numeric");
  }

  @Test
  void wrongDimensionForTheWarmStartModel() throws IOException {
    Path p = csv("dim.csv", pixelsCsv(12, "0.2", -1));
    assertError(
        train(
            "--set",
            "data.train=" + p,
            "--set",
            "train.init-model=" + goodModel,
            "--out",
            dir.resolve("o6").toString()),
        "rows have dimension 4 but the model expects 784");
  }

  @Test
  void unknownConfigKeySuggestsTheNearest() {
    assertError(
        train(
            "--set",
            "train.epoch=3",
            "--set",
            "data.train=" + SAMPLE,
            "--out",
            dir.resolve("o7").toString()),
        "unknown config key 'train.epoch'",
        "did you mean 'train.epochs'?");
  }

  @Test
  void invalidValuesNameTheirKey() {
    String out = dir.resolve("o8").toString();
    assertError(
        train("--set", "data.train=" + SAMPLE, "--set", "train.batch-size=-4", "--out", out),
        "train.batch-size must be a positive integer, got -4");
    assertError(
        train("--set", "data.train=" + SAMPLE, "--set", "model.latent=0", "--out", out),
        "model.latent must be a positive integer, got 0");
    assertError(
        train("--set", "data.train=" + SAMPLE, "--set", "train.learning-rate=0", "--out", out),
        "train.learning-rate must be > 0");
    assertError(
        train("--set", "data.train=" + SAMPLE, "--set", "model.activation=swish", "--out", out),
        "model.activation = 'swish' is not allowed");
    assertError(
        train("--set", "data.train=" + SAMPLE, "--set", "model.likelihood=poisson", "--out", out),
        "model.likelihood = 'poisson' is not allowed");
  }

  @Test
  void outputDirectoryNotWritable() throws IOException {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    assertError(
        train("--set", "data.train=" + SAMPLE, "--out", file.resolve("sub").toString()),
        "--out " + file.resolve("sub"),
        "is not writable");
  }

  @Test
  void outputDirectoryThatHoldsARunIsRefusedAndLeftAlone() throws IOException {
    byte[] before = Files.readAllBytes(goodModel.resolve("weights.safetensors"));
    assertError(
        train("--set", "data.train=" + SAMPLE, "--out", dir.resolve("good").toString()),
        "already holds a run",
        "--overwrite");
    assertArrayEquals(before, Files.readAllBytes(goodModel.resolve("weights.safetensors")));
  }

  @Test
  void anOutputDirectoryOfOtherFilesIsNeverWrittenIntoEvenWithOverwrite() throws IOException {
    Path data = Files.createDirectories(dir.resolve("a-data-set"));
    Files.writeString(data.resolve("part-00000.parquet"), "not ours");
    Files.writeString(data.resolve("_SUCCESS"), "");
    for (boolean overwrite : new boolean[] {false, true}) {
      List<String> args =
          new java.util.ArrayList<>(
              List.of("--set", "data.train=" + SAMPLE, "--out", data.toString()));
      if (overwrite) {
        args.add("--overwrite");
      }
      assertError(
          train(args.toArray(new String[0])),
          "holds files that are not a spark-vae run (_SUCCESS, part-00000.parquet)",
          "choose a new or empty directory");
    }
    try (java.util.stream.Stream<Path> s = Files.list(data)) {
      assertEquals(2, s.count(), "nothing was written beside the data");
    }
  }

  @Test
  void tamperedAndNewerModelsAreRefused() throws IOException {
    Path copy = dir.resolve("tampered");
    Files.createDirectories(copy);
    for (String f : List.of("weights.safetensors", "metadata.json")) {
      Files.copy(goodModel.resolve(f), copy.resolve(f));
    }
    byte[] w = Files.readAllBytes(copy.resolve("weights.safetensors"));
    w[w.length / 2] ^= 0x10;
    Files.write(copy.resolve("weights.safetensors"), w);
    assertError(
        train(
            "--set",
            "data.train=" + SAMPLE,
            "--set",
            "train.init-model=" + copy,
            "--out",
            dir.resolve("o9").toString()),
        "train.init-model",
        "SHA-256",
        "corrupt");

    Path newer = dir.resolve("newer");
    Files.createDirectories(newer);
    Files.copy(goodModel.resolve("weights.safetensors"), newer.resolve("weights.safetensors"));
    Files.writeString(
        newer.resolve("metadata.json"),
        Files.readString(goodModel.resolve("metadata.json"))
            .replace("\"format_version\" : 1", "\"format_version\" : 9"));
    assertError(
        train(
            "--set",
            "data.train=" + SAMPLE,
            "--set",
            "train.init-model=" + newer,
            "--out",
            dir.resolve("o10").toString()),
        "format version 9 is newer");
  }

  @Test
  void syncEveryBeyondAPartitionsSteps() {
    assertError(
        train(
            "--set",
            "data.train=" + SAMPLE,
            "--set",
            "train.sync-every=50",
            "--set",
            "train.partitions=2",
            "--out",
            dir.resolve("o11").toString()),
        "train.sync-every = 50 is larger than the 16 minibatch steps of an epoch (2000 rows, "
            + "batch 128)");
  }

  @Test
  void missingConfigFileAndSyntaxErrors() throws IOException {
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(err, true),
            "train",
            "--config",
            "/no/such.conf",
            "--out",
            dir.resolve("o12").toString());
    assertEquals(2, code);
    assertTrue(err.toString().contains("--config /no/such.conf: no such file"), err.toString());
    Path bad = csv("bad.conf", "train {", "  epochs = ");
    StringWriter err2 = new StringWriter();
    assertEquals(
        2,
        Main.run(
            new PrintWriter(err2, true),
            "train",
            "--config",
            bad.toString(),
            "--out",
            dir.resolve("o12").toString()));
    assertTrue(err2.toString().contains("bad.conf"), err2.toString());
  }
}
