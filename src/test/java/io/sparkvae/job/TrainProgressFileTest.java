// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** progress.json as {@code train} leaves it. */
class TrainProgressFileTest extends SparkTestBase {
  @TempDir Path dir;

  private static JsonNode progress(Path out) throws IOException {
    return Json.read(Files.readString(out.resolve(Progress.FILE)), Progress.FILE);
  }

  @Test
  void aFinishedTrainRunLeavesProgressJsonInTheStateDone() throws IOException {
    Path out = dir.resolve("run");
    CommandRun r =
        CommandRun.tiny(
            "train",
            "--set",
            "train.epochs=2",
            "--set",
            "train.checkpoint-every-minutes=0.5",
            "--out",
            out.toString());
    assertEquals(0, r.code, r.toString());
    JsonNode j = progress(out);
    assertEquals("done", j.path("state").asText(), j.toString());
    assertEquals(2, j.path("epoch").asInt());
    assertEquals(2, j.path("epochs").asInt());
    assertEquals(j.path("rounds_per_epoch").asInt(), j.path("round").asInt());
    assertEquals(2000, j.path("rows_per_epoch").asLong());
    assertEquals(2000, j.path("rows_done").asLong());
    assertTrue(j.path("samples_per_second").asDouble() > 0, j.toString());
    assertEquals(0.0, j.path("eta_run_seconds").asDouble());
    assertTrue(j.path("train_neg_elbo").isNumber() && j.path("val_neg_elbo").isNumber());
    Instant.parse(j.path("updated").asText());
    assertTrue(r.out.contains("progress.json"), r.out);
  }

  @Test
  void aFailedTrainRunLeavesProgressJsonInTheStateFailedWithTheMessage() throws IOException {
    Path out = dir.resolve("bad");
    CommandRun r =
        CommandRun.tiny("train", "--set", "train.sync-every=1000", "--out", out.toString());
    assertNotEquals(0, r.code, r.toString());
    JsonNode j = progress(out);
    assertEquals("failed", j.path("state").asText(), j.toString());
    assertTrue(j.path("error").asText().contains("train.sync-every"), j.toString());
  }
}
