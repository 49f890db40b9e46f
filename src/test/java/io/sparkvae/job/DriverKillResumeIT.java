// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkvae.testing.ChildProcess;
import io.sparkvae.testing.TrainRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver JVM is killed with SIGKILL in the middle of training (checkpoints every round); the
 * same command with {@code train.resume=true} continues from the last checkpoint and ends with the
 * same bytes in model/weights.safetensors as an uninterrupted run.
 */
class DriverKillResumeIT {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void killedDriverResumesToBitIdenticalParameters() throws Exception {
    Path reference = TrainRuns.referenceRun();
    Path dir = TrainRuns.freshDir("driver-kill");
    Path out = dir.resolve("out");
    List<String> args =
        TrainRuns.trainArgs("local[2]", out, "--set", "train.checkpoint-every-rounds=1");
    Path state = out.resolve("checkpoint/state.json");

    try (ChildProcess p =
        ChildProcess.start(
            "driver to kill",
            TrainRuns.mainCommand(dir, List.of(), args),
            TrainRuns.env(dir),
            TrainRuns.projectDir(),
            dir.resolve("killed.log"))) {
      // Kill as soon as a checkpoint from inside epoch 2 exists, so that the resumed run starts
      // mid-epoch (partial loss sums, row counts and the Adam step count restored).
      p.awaitLine(l -> l.startsWith("epoch   1/"), Duration.ofMinutes(3));
      awaitCheckpoint(state, p, Duration.ofMinutes(2));
      assertFalse(p.output().contains("done in"), "still training at the kill");
      p.kill9();
      assertEquals(137, p.waitFor(Duration.ofSeconds(30)), "exit status of a SIGKILLed JVM");
      System.out.printf(
          Locale.ROOT, "killed the driver (PID %d) after %.1f s%n", p.pid(), p.seconds());
    }
    assertFalse(Files.exists(out.resolve("model/metadata.json")), "no model from the killed run");
    if (!Files.exists(state)) {
      // Killed inside the one-rename window of a checkpoint save: the previous one is the backup
      // (AtomicFiles), which the resumed run restores.
      state = out.resolve(".checkpoint.bak/state.json");
    }
    JsonNode ck = new ObjectMapper().readTree(state.toFile());
    int epoch = ck.path("epoch").asInt();
    int round = ck.path("round").asInt();
    assertTrue(
        epoch >= 1 && epoch < TrainRuns.EPOCHS && round >= 1,
        "checkpoint from the middle of an epoch: " + ck);
    System.out.printf(Locale.ROOT, "last checkpoint: %d epochs and %d rounds done%n", epoch, round);

    List<String> resume =
        TrainRuns.trainArgs(
            "local[2]",
            out,
            "--set",
            "train.checkpoint-every-rounds=1",
            "--set",
            "train.resume=true");
    try (ChildProcess p =
        ChildProcess.start(
            "resumed driver",
            TrainRuns.mainCommand(dir, List.of(), resume),
            TrainRuns.env(dir),
            TrainRuns.projectDir(),
            dir.resolve("resumed.log"))) {
      int code = p.waitFor(Duration.ofMinutes(3));
      assertEquals(0, code, () -> "resumed run failed:\n" + p.tail(60));
      System.out.printf(Locale.ROOT, "resumed run took %.1f s%n", p.seconds());
      String firstEpoch =
          p.lines().stream()
              .filter(l -> l.startsWith("epoch "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no epoch lines:\n" + p.tail(60)));
      assertTrue(
          firstEpoch.startsWith(String.format(Locale.ROOT, "epoch %3d/", epoch + 1)),
          "continued from the checkpoint, not from the start: " + firstEpoch);
      assertTrue(p.output().contains("resuming from"), "says it resumes:\n" + p.tail(60));
    }
    JsonNode meta = new ObjectMapper().readTree(out.resolve("model/metadata.json").toFile());
    assertTrue(meta.path("training").path("resumed").asBoolean(), "metadata says resumed");
    assertEquals(
        TrainRuns.EPOCHS,
        meta.path("training").path("epochs").size(),
        "the history has every epoch");
    TrainRuns.assertSameWeights(reference, out, "resumed run vs uninterrupted run");
  }

  /** Polls the checkpoint until it is one written after round 1 or later of an epoch >= 2. */
  private static void awaitCheckpoint(Path state, ChildProcess p, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ObjectMapper json = new ObjectMapper();
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        JsonNode ck = json.readTree(state.toFile());
        if (ck.path("epoch").asInt() >= 1 && ck.path("round").asInt() >= 1) {
          return;
        }
      } catch (java.io.IOException e) {
        // Absent or being replaced this instant: look again.
      }
      Thread.sleep(5);
    }
    throw new AssertionError(
        "no mid-epoch checkpoint at " + state + "; driver output:\n" + p.tail(40));
  }
}
