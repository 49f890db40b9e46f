// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.ml.VariationalAutoencoderModel;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled retraining through {@link Main#run}: versioned runs, warm starts from the latest model,
 * the gate and its exit codes, and the errors around them.
 */
class RetrainingTest extends SparkTestBase {
  @TempDir Path dir;

  private static CommandRun retrain(Path base, String... more) {
    List<String> a = new ArrayList<>(List.of("--config", "conf/retrain.conf"));
    a.addAll(List.of(more));
    a.addAll(List.of("--out", base.toString()));
    return CommandRun.tiny("train", a.toArray(new String[0]));
  }

  private static String latest(Path base) throws IOException {
    return Files.readString(base.resolve("latest")).strip();
  }

  private static JsonNode json(Path p) throws IOException {
    return Json.read(Files.readString(p), p.toString());
  }

  private static List<String> runs(Path base) throws IOException {
    try (Stream<Path> s = Files.list(base.resolve("runs"))) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void roundsWarmStartFromTheLatestAndPromoteOnlyWhenTheGateSays() throws IOException {
    Path base = dir.resolve("base");

    // Round 1: nothing to beat, promoted.
    CommandRun r1 = retrain(base);
    assertEquals(Main.EXIT_OK, r1.code, r1.toString());
    assertTrue(r1.out.contains("starting from random weights"), r1.out);
    List<String> after1 = runs(base);
    assertEquals(1, after1.size());
    assertTrue(VersionedOutput.isRunName(after1.get(0)), after1.get(0));
    String run1 = "runs/" + after1.get(0);
    assertEquals(run1, latest(base));
    JsonNode g1 = json(base.resolve(run1).resolve("gate.json"));
    assertTrue(g1.path("promoted").asBoolean());
    assertFalse(g1.has("latest_run"));
    JsonNode m1 = json(base.resolve(run1).resolve("metrics.json"));
    assertFalse(m1.path("training").path("warm_start").asBoolean());

    // Round 2, a generous gate: warm start from round 1, evaluated against it, promoted.
    CommandRun r2 = retrain(base, "--set", "gate.tolerance=1e9");
    assertEquals(Main.EXIT_OK, r2.code, r2.toString());
    assertTrue(r2.out.contains("warm start from the latest run, " + run1), r2.out);
    List<String> after2 = runs(base);
    assertEquals(2, after2.size());
    String run2 = "runs/" + after2.get(1);
    assertNotEquals(run1, run2);
    assertEquals(run2, latest(base));
    JsonNode m2 = json(base.resolve(run2).resolve("metrics.json"));
    assertTrue(m2.path("training").path("warm_start").asBoolean());
    // A warm start begins where round 1 ended, far below a cold first epoch.
    double cold = m1.path("epochs").get(0).path("train_neg_elbo").asDouble();
    double warm = m2.path("epochs").get(0).path("train_neg_elbo").asDouble();
    assertTrue(warm < cold - 20, "warm " + warm + " vs cold " + cold);
    JsonNode g2 = json(base.resolve(run2).resolve("gate.json"));
    assertTrue(g2.path("promoted").asBoolean());
    assertEquals(run1, g2.path("latest_run").asText());
    // The latest model was evaluated exactly as round 1 evaluated itself: same rows, same noise.
    assertEquals(g1.path("new_neg_elbo").asDouble(), g2.path("latest_neg_elbo").asDouble(), 1e-9);

    // Round 3, warm start by an explicit path, a gate no model can pass: kept, not promoted.
    CommandRun r3 =
        retrain(
            base,
            "--set",
            "gate.tolerance=-1e9",
            "--set",
            "train.init-model=\"" + base.resolve("latest") + "\"");
    assertEquals(Main.EXIT_NOT_PROMOTED, r3.code, r3.toString());
    assertTrue(r3.out.contains("NOT promoted"), r3.out);
    List<String> after3 = runs(base);
    assertEquals(3, after3.size());
    String run3 = "runs/" + after3.get(2);
    assertEquals(run2, latest(base), "latest did not move");
    JsonNode g3 = json(base.resolve(run3).resolve("gate.json"));
    assertFalse(g3.path("promoted").asBoolean());
    assertEquals(run2, g3.path("latest_run").asText());
    assertEquals(-1e9, g3.path("tolerance").asDouble());
    assertTrue(
        Files.exists(base.resolve(run3).resolve("model/metadata.json")), "the refused run is kept");
    assertTrue(
        json(base.resolve(run3).resolve("metrics.json"))
            .path("training")
            .path("warm_start")
            .asBoolean());

    // The inference commands read the base's latest model.
    Path enc = dir.resolve("enc");
    CommandRun e =
        CommandRun.run(
            "evaluate",
            "--model",
            base.toString(),
            "--data",
            Samples.TEST_IMAGES.toString(),
            "--k",
            "0",
            "--out",
            enc.toString());
    assertEquals(0, e.code, e.toString());
    assertEquals(base.toString(), json(enc.resolve("evaluation.json")).path("model").asText());
    assertEquals(
        g2.path("new_neg_elbo").asDouble(),
        json(enc.resolve("evaluation.json")).path("neg_elbo").asDouble(),
        1e-9,
        "evaluated the promoted model of round 2, with the gate's seed");

    // How a consumer without spark-vae's CLI resolves latest (src/site/markdown/retraining.md,
    // Versioned runs).
    org.apache.hadoop.fs.Path b = new org.apache.hadoop.fs.Path(base.toString());
    org.apache.hadoop.fs.FileSystem fs =
        b.getFileSystem(spark().sparkContext().hadoopConfiguration());
    String latestRun;
    try (java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path(b, "latest"))) {
      latestRun = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    }
    VariationalAutoencoderModel model =
        VariationalAutoencoderModel.load(
            new org.apache.hadoop.fs.Path(b, latestRun + "/model").toString());
    assertArrayEquals(
        VariationalAutoencoderModel.load(base.resolve(run2).resolve("model").toString()).weights(),
        model.weights());
  }

  @Test
  void aFinishedRunsCheckpointIsRemovedSoTheNextNightsResumableRunTrainsAnew() throws IOException {
    Path base = dir.resolve("base");
    Path ck = dir.resolve("ck");
    String[] resumable = {
      "--set",
      "train.resume=true",
      "--set",
      "train.checkpoint-dir=\"" + ck + "\"",
      "--set",
      "gate.tolerance=1e9"
    };
    CommandRun r1 = retrain(base, resumable);
    assertEquals(Main.EXIT_OK, r1.code, r1.toString());
    assertFalse(Files.exists(ck), "the finished run's checkpoint is gone");
    assertTrue(r1.out.contains("checkpoint " + ck.toUri().getPath().replaceAll("/$", "")), r1.out);
    CommandRun r2 = retrain(base, resumable);
    assertEquals(Main.EXIT_OK, r2.code, r2.toString());
    List<String> all = runs(base);
    JsonNode m1 = json(base.resolve("runs").resolve(all.get(0)).resolve("metrics.json"));
    JsonNode m2 = json(base.resolve("runs").resolve(all.get(1)).resolve("metrics.json"));
    // Night 2 trained from night 1's model (a warm start far below a cold first epoch) instead
    // of resuming night 1's finished checkpoint, which would replay night 1's figures.
    double cold = m1.path("epochs").get(0).path("train_neg_elbo").asDouble();
    double warm = m2.path("epochs").get(0).path("train_neg_elbo").asDouble();
    assertTrue(warm < cold - 20, "warm " + warm + " vs cold " + cold);
  }

  @Test
  void aWarmStartOfAnotherArchitectureIsAClearError() throws IOException {
    Path first = dir.resolve("first");
    assertEquals(0, CommandRun.tiny("train", "--out", first.toString()).code);
    CommandRun r =
        CommandRun.tiny(
            "train",
            "--set",
            "model.latent=5",
            "--set",
            "train.init-model=\"" + first + "\"",
            "--out",
            dir.resolve("second").toString());
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(
        r.err.contains("train.init-model") && r.err.contains("model.latent = 5 vs 3"), r.err);
    assertFalse(Files.exists(dir.resolve("second")), "nothing created for a refused run");

    CommandRun missing =
        CommandRun.tiny(
            "train",
            "--set",
            "train.init-model=\"" + dir.resolve("nowhere") + "\"",
            "--out",
            dir.resolve("third").toString());
    assertEquals(Main.EXIT_USAGE, missing.code, missing.toString());
    assertTrue(
        missing.err.contains("train.init-model") && missing.err.contains("no such file"),
        missing.err);

    CommandRun word =
        CommandRun.tiny(
            "train", "--set", "train.init-model=latest", "--out", dir.resolve("fourth").toString());
    assertEquals(Main.EXIT_USAGE, word.code, word.toString());
    assertTrue(word.err.contains("output.versioned"), word.err);

    // A plain run's directory is no versioned base.
    CommandRun onPlain =
        CommandRun.tiny("train", "--set", "output.versioned=true", "--out", first.toString());
    assertEquals(Main.EXIT_USAGE, onPlain.code, onPlain.toString());
    assertTrue(onPlain.err.contains("holds a plain train run"), onPlain.err);
  }

  @Test
  void versionedRunsNeedATestSet() {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                "--set",
                "data.train=" + Samples.TRAIN_IMAGES,
                "--set",
                "output.versioned=true",
                "--out",
                dir.resolve("b").toString()));
    CommandRun r = CommandRun.run(a.toArray(new String[0]));
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(r.err.contains("output.versioned = true needs data.test"), r.err);
  }

  @Test
  void runNamesAreUniqueWithinOneSecondEvenWhenClaimedConcurrently() throws Exception {
    Configuration conf = spark().sparkContext().hadoopConfiguration();
    VersionedOutput v = VersionedOutput.at(conf, dir.resolve("base").toString());
    Instant t = Instant.parse("2026-11-24T08:30:12.345Z");
    assertEquals("runs/20261124T083012Z", v.newRun(t));
    assertEquals("runs/20261124T083012Z-2", v.newRun(t));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        fs.add(pool.submit(() -> v.newRun(t)));
      }
      Set<String> names = new HashSet<>();
      for (Future<String> f : fs) {
        assertTrue(names.add(f.get()), "duplicate run name");
      }
      assertEquals(16, names.size());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(18, runs(dir.resolve("base")).size());
    // File systems other than the local one claim a name by creating a marker file without
    // overwrite (atomic on HDFS); the checksummed local file system takes that path here.
    org.apache.hadoop.fs.FileSystem checksummed = org.apache.hadoop.fs.FileSystem.getLocal(conf);
    VersionedOutput other =
        new VersionedOutput(
            checksummed, new org.apache.hadoop.fs.Path(dir.resolve("other").toUri()));
    assertEquals("runs/20261124T083012Z", other.newRun(t));
    assertEquals("runs/20261124T083012Z-2", other.newRun(t));
    assertTrue(
        Files.exists(dir.resolve("other/runs/20261124T083012Z-2").resolve(VersionedOutput.CLAIM)));
    assertEquals(null, v.latest());
    v.promote("runs/20261124T083012Z-2");
    assertEquals("runs/20261124T083012Z-2", v.latest());
    assertEquals("runs/20261124T083012Z-2\n", Files.readString(dir.resolve("base/latest")));
  }
}
