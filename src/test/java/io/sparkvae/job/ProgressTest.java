// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener.Round;
import io.sparkvae.io.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {
  private static final long SECOND = 1_000_000_000L;
  private static final Clock WALL =
      Clock.fixed(Instant.parse("2026-12-02T10:15:30.250Z"), ZoneOffset.UTC);
  private static final List<String> LOSSES = List.of("neg_elbo", "recon", "kl");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);

  private List<String> lines() {
    String s = bytes.toString(StandardCharsets.UTF_8);
    return s.isEmpty() ? List.of() : List.of(s.split("\n"));
  }

  /** Rounds of {@code secs} seconds and 1,000 rows each, out of 100 an epoch of 3. */
  private void rounds(Progress p, int epoch, int from, int to, long secs) {
    for (int r = from; r <= to; r++) {
      clock.addAndGet(secs * SECOND);
      p.onRound(new Round(epoch, 3, r, 100, 1000L * r, 100_000, secs));
    }
  }

  @Test
  void withinAnEpochTheConsoleGetsALineAtMostEvery30SecondsWithRoundRowsSpeedAndEta() {
    Progress p = new Progress(console, null, clock::get, WALL, Progress.CONSOLE_EVERY_NANOS);
    List<Long> printedAt = new ArrayList<>();
    for (int r = 1; r <= 100; r++) {
      int before = lines().size();
      rounds(p, 0, r, r, 7);
      if (lines().size() > before) {
        printedAt.add(clock.get());
      }
    }
    // 7 s rounds: the first line after round 5 (35 s), then every 5 rounds; none after the
    // epoch's last round (the epoch line follows).
    assertEquals(19, printedAt.size(), String.join("\n", lines()));
    for (int i = 1; i < printedAt.size(); i++) {
      assertTrue(printedAt.get(i) - printedAt.get(i - 1) >= 30 * SECOND);
    }
    // 1,000 rows in 7 s: 143 rows/s; 95,000 rows left = 665 s; two more epochs of 700 s.
    assertEquals(
        "  epoch 1/3  round 5/100  rows 5,000/100,000  143 samples/s  "
            + "ETA epoch 11m05s, run 34m25s",
        lines().get(0));

    // Faster rounds than the interval: still at most one line per 30 s.
    Progress q = new Progress(console, null, clock::get, WALL, Progress.CONSOLE_EVERY_NANOS);
    bytes.reset();
    rounds(q, 1, 1, 99, 1);
    assertEquals(3, lines().size(), "99 s of rounds: lines at 30, 60 and 90 s");
    assertTrue(
        lines()
            .get(0)
            .startsWith(
                "  epoch 2/3  round 30/100  rows 30,000/100,000  "
                    + "1,000 samples/s  ETA epoch 1m10s, run 2m50s"),
        lines().get(0));
  }

  @Test
  void theIntervalIsConfigurableAndTheEpochLineRestartsIt() {
    Progress p = new Progress(console, null, clock::get, WALL, 10 * SECOND);
    rounds(p, 0, 1, 99, 1);
    assertEquals(9, lines().size());
    clock.addAndGet(SECOND);
    p.onRound(new Round(0, 3, 100, 100, 100_000, 100_000, 1));
    clock.addAndGet(5 * SECOND); // validation
    p.onEpoch(
        new EpochReport(1, LOSSES, new double[] {250, 230, 20}, null, 100_000, 100, 100, 100), 3);
    assertEquals(10, lines().size());
    assertTrue(lines().get(9).startsWith("epoch   1/3  train -ELBO 250.00"), lines().get(9));
    rounds(p, 1, 1, 9, 1);
    assertEquals(10, lines().size(), "9 s after the epoch line: none yet");
    rounds(p, 1, 10, 10, 1);
    assertEquals(11, lines().size());
  }

  private static OutputDir out(Path dir) {
    return OutputDir.prepare(new Configuration(), dir.toString(), false, false);
  }

  private static JsonNode read(Path dir) throws IOException {
    return Json.read(Files.readString(dir.resolve(Progress.FILE)), Progress.FILE);
  }

  @Test
  void progressJsonSaysHowFarTheRunIsAndIsReplacedWhole(@TempDir Path dir) throws IOException {
    Progress p = new Progress(console, out(dir), clock::get, WALL, Progress.CONSOLE_EVERY_NANOS);
    p.started(3);
    JsonNode j = read(dir);
    assertEquals("running", j.path("state").asText());
    assertEquals(3, j.path("epochs").asInt());
    assertEquals(0, j.path("epoch").asInt());
    assertTrue(j.path("samples_per_second").isNull());

    rounds(p, 0, 1, 2, 2); // 4 s: not yet rewritten
    assertEquals(0, read(dir).path("round").asInt());
    rounds(p, 0, 3, 3, 2); // 6 s
    j = read(dir);
    assertEquals(1, j.path("epoch").asInt());
    assertEquals(3, j.path("round").asInt());
    assertEquals(100, j.path("rounds_per_epoch").asInt());
    assertEquals(3000, j.path("rows_done").asLong());
    assertEquals(100_000, j.path("rows_per_epoch").asLong());
    assertEquals(500.0, j.path("samples_per_second").asDouble());
    assertEquals(194.0, j.path("eta_epoch_seconds").asDouble());
    assertEquals(594.0, j.path("eta_run_seconds").asDouble());
    assertTrue(j.path("train_neg_elbo").isNull());
    assertTrue(j.path("val_neg_elbo").isNull());
    assertEquals("2026-12-02T10:15:30Z", j.path("updated").asText());

    rounds(p, 0, 4, 100, 2);
    clock.addAndGet(SECOND);
    p.onEpoch(
        new EpochReport(
            1,
            LOSSES,
            new double[] {250.5, 230, 20.5},
            new double[] {260.25, 240, 20.25},
            100_000,
            100,
            100,
            200),
        3);
    j = read(dir);
    assertEquals(1, j.path("epoch").asInt());
    assertEquals(100, j.path("round").asInt());
    assertEquals(100_000, j.path("rows_done").asLong());
    assertEquals(250.5, j.path("train_neg_elbo").asDouble());
    assertEquals(260.25, j.path("val_neg_elbo").asDouble());
    assertEquals(0.0, j.path("eta_epoch_seconds").asDouble());
    assertEquals(402.0, j.path("eta_run_seconds").asDouble(), "two epochs of 200 s + 1 s");

    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(Progress.FILE),
          files.map(f -> f.getFileName().toString()).toList(),
          "written under a temporary name and renamed: nothing else is left");
    }
  }

  @Test
  void progressJsonEndsInTheStateDoneOrFailed(@TempDir Path dir) throws IOException {
    Progress p = new Progress(console, out(dir), clock::get, WALL, Progress.CONSOLE_EVERY_NANOS);
    p.started(1);
    rounds(p, 0, 1, 100, 1);
    p.onEpoch(
        new EpochReport(1, LOSSES, new double[] {250, 230, 20}, null, 100_000, 100, 100, 100), 1);
    p.done();
    JsonNode j = read(dir);
    assertEquals("done", j.path("state").asText());
    assertEquals(1, j.path("epoch").asInt());
    assertEquals(0.0, j.path("eta_run_seconds").asDouble());
    assertFalse(j.has("error"));

    p.failed(new UserError("could not write outputs"));
    j = read(dir);
    assertEquals("failed", j.path("state").asText());
    assertEquals("could not write outputs", j.path("error").asText());
  }

  @Test
  void aProgressFileThatCannotBeWrittenNeverStopsTheRun(@TempDir Path dir) throws IOException {
    Path gone = dir.resolve("out");
    OutputDir o = out(gone);
    Files.delete(gone);
    Files.writeString(gone, "a file where the directory was");
    Progress p = new Progress(console, o, clock::get, WALL, Progress.CONSOLE_EVERY_NANOS);
    p.started(1);
    rounds(p, 0, 1, 10, 10);
    p.done();
    assertEquals("a file where the directory was", Files.readString(gone));
  }
}
