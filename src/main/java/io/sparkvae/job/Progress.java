// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far a run is. On the console: one line per epoch (losses, validation, speed and time left),
 * and within an epoch a line with the round, rows, speed and time left at most every {@link
 * #CONSOLE_EVERY_NANOS}. In the output directory, when there is one: {@value #FILE}, kept current
 * (after a round at most every {@link #FILE_EVERY_NANOS}, at each epoch end, and at the end with
 * the state {@code done} or {@code failed}) and always replaced whole; its fields are documented in
 * src/site/markdown/outputs.md.
 */
final class Progress implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  /** At most one progress line within an epoch this often (30 s). */
  static final long CONSOLE_EVERY_NANOS = 30_000_000_000L;

  /** At most one rewrite of {@value #FILE} between epoch ends this often (5 s). */
  static final long FILE_EVERY_NANOS = 5_000_000_000L;

  static final String FILE = "progress.json";

  private final PrintStream out;
  private final OutputDir dir;
  private final LongSupplier nanoTime;
  private final Clock wallClock;
  private final long consoleEveryNanos;
  private double seconds;
  private int epochsSeen;

  // Where the run is, for the lines within an epoch and the file.
  private long lastConsole;
  private long lastFile;
  private long lastRoundAt = Long.MIN_VALUE;
  private long rowsTimed;
  private double roundSecondsTimed;
  private double extraSeconds; // after the last round of an epoch: validation, checkpoint
  private int extraCount;
  private int epoch; // the epoch in progress or last finished, from 1; 0 before any round
  private int totalEpochs;
  private int round;
  private int roundsPerEpoch;
  private long rowsDone;
  private long rowsPerEpoch;
  private String lossName = "neg_elbo";
  private Double lastTrain;
  private Double lastValidation;
  private boolean fileFailed;

  /** Console only, on the system clock. */
  Progress(PrintStream out) {
    this(out, null);
  }

  /** Console, and {@value #FILE} in {@code dir} when it is not null. */
  Progress(PrintStream out, OutputDir dir) {
    this(out, dir, System::nanoTime, Clock.systemUTC(), CONSOLE_EVERY_NANOS);
  }

  /**
   * @param nanoTime the clock of the throttling and of the speed (a test's fake clock)
   * @param wallClock the clock of the {@code updated} field
   * @param consoleEveryNanos at most one line within an epoch this often
   */
  Progress(
      PrintStream out,
      OutputDir dir,
      LongSupplier nanoTime,
      Clock wallClock,
      long consoleEveryNanos) {
    this.out = out;
    this.dir = dir;
    this.nanoTime = nanoTime;
    this.wallClock = wallClock;
    this.consoleEveryNanos = consoleEveryNanos;
    this.lastConsole = nanoTime.getAsLong();
    this.lastFile = lastConsole;
  }

  /** Writes {@value #FILE} with the state {@code running} before training starts. */
  void started(int epochs) {
    totalEpochs = epochs;
    writeFile("running", null);
  }

  /** Writes {@value #FILE} with the state {@code done}. */
  void done() {
    writeFile("done", null);
  }

  /** Writes {@value #FILE} with the state {@code failed} and the error's message. */
  void failed(Throwable error) {
    writeFile("failed", error.getMessage() == null ? error.toString() : error.getMessage());
  }

  @Override
  public void onRound(Round r) {
    long now = nanoTime.getAsLong();
    boolean sameEpoch = epoch == r.epoch() + 1 && lastRoundAt != Long.MIN_VALUE;
    // The first round after a resume mid-epoch also counts rows done before it: take its share.
    long rows = sameEpoch ? r.rowsDone() - rowsDone : r.rowsDone() / r.round();
    rowsTimed += rows;
    roundSecondsTimed += r.roundSeconds();
    epoch = r.epoch() + 1;
    totalEpochs = r.totalEpochs();
    round = r.round();
    roundsPerEpoch = r.roundsPerEpoch();
    rowsDone = r.rowsDone();
    rowsPerEpoch = r.rowsPerEpoch();
    lastRoundAt = now;
    if (round < roundsPerEpoch && now - lastConsole >= consoleEveryNanos) {
      lastConsole = now;
      out.println(
          String.format(
              Locale.ROOT,
              "  epoch %d/%d  round %d/%d  rows %,d/%,d  "
                  + "%,.0f samples/s  ETA epoch %s, run %s",
              epoch,
              totalEpochs,
              round,
              roundsPerEpoch,
              rowsDone,
              rowsPerEpoch,
              samplesPerSecond(),
              duration(etaEpoch()),
              duration(etaRun())));
      out.flush();
    }
    if (dir != null && now - lastFile >= FILE_EVERY_NANOS) {
      writeFile("running", null);
    }
  }

  @Override
  public void onEpoch(EpochReport r, int total) {
    long now = nanoTime.getAsLong();
    if (lastRoundAt != Long.MIN_VALUE && epoch == r.epoch()) {
      extraSeconds += (now - lastRoundAt) / 1e9;
      extraCount++;
    }
    lastConsole = now;
    epoch = r.epoch();
    totalEpochs = total;
    round = roundsPerEpoch = r.rounds();
    rowsDone = rowsPerEpoch = r.rows();
    lossName = r.lossNames().get(0);
    lastTrain = r.train()[0];
    lastValidation = r.validation() == null ? null : r.validation()[0];

    seconds += r.seconds();
    epochsSeen++;
    double eta = seconds / epochsSeen * (total - r.epoch());
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "epoch %3d/%d  train %s %.2f",
            r.epoch(),
            total,
            label(r.lossNames().get(0)),
            r.train()[0]));
    if (r.lossNames().size() >= 3) {
      sb.append(
          String.format(
              Locale.ROOT,
              " (%s %.2f, %s %.2f)",
              r.lossNames().get(1),
              r.train()[1],
              r.lossNames().get(2).toUpperCase(Locale.ROOT),
              r.train()[2]));
    }
    if (r.validation() != null) {
      sb.append(
          String.format(
              Locale.ROOT, "  val %s %.2f", label(r.lossNames().get(0)), r.validation()[0]));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "  %.1f s  %,.0f samples/s  ETA %s",
            r.seconds(),
            r.samplesPerSecond(),
            duration(eta)));
    out.println(sb);
    out.flush();
    if (dir != null) {
      writeFile("running", null);
    }
  }

  /** Rows per second of the rounds timed so far; NaN before any. */
  private double samplesPerSecond() {
    return roundSecondsTimed > 0 ? rowsTimed / roundSecondsTimed : Double.NaN;
  }

  /** Seconds until this epoch's line: its rows left, then the mean validation and saving. */
  private double etaEpoch() {
    if (rowsDone >= rowsPerEpoch) {
      return 0;
    }
    return (rowsPerEpoch - rowsDone) / samplesPerSecond() + extraPerEpoch();
  }

  /** Seconds until the last epoch's line. */
  private double etaRun() {
    double perEpoch = rowsPerEpoch / samplesPerSecond() + extraPerEpoch();
    return etaEpoch() + Math.max(0, totalEpochs - epoch) * perEpoch;
  }

  private double extraPerEpoch() {
    return extraCount == 0 ? 0 : extraSeconds / extraCount;
  }

  /** The contents of {@value #FILE}. */
  ObjectNode toJson(String state, String error) {
    ObjectNode j = Json.object();
    j.put("state", state);
    j.put("epoch", epoch);
    j.put("epochs", totalEpochs);
    j.put("round", round);
    j.put("rounds_per_epoch", roundsPerEpoch);
    j.put("rows_done", rowsDone);
    j.put("rows_per_epoch", rowsPerEpoch);
    putNumber(j, "samples_per_second", samplesPerSecond());
    boolean finished =
        state.equals("done") || (epoch == totalEpochs && round == roundsPerEpoch && epoch > 0);
    putNumber(j, "eta_epoch_seconds", finished ? 0 : etaEpoch());
    putNumber(j, "eta_run_seconds", finished ? 0 : etaRun());
    j.put("train_" + lossName, lastTrain);
    j.put("val_" + lossName, lastValidation);
    j.put("updated", Instant.now(wallClock).truncatedTo(ChronoUnit.SECONDS).toString());
    if (error != null) {
      j.put("error", error);
    }
    return j;
  }

  private static void putNumber(ObjectNode j, String key, double v) {
    if (Double.isFinite(v)) {
      j.put(key, Math.round(v * 10) / 10.0);
    } else {
      j.putNull(key);
    }
  }

  /** Replaces {@value #FILE} whole; a failure is logged once and never stops the run. */
  private void writeFile(String state, String error) {
    if (dir == null) {
      return;
    }
    lastFile = nanoTime.getAsLong();
    try {
      dir.writeText(FILE, Json.write(toJson(state, error)));
    } catch (IOException | RuntimeException e) {
      if (!fileFailed) {
        fileFailed = true;
        LOG.warn("could not write {} in {}: {}", FILE, dir.path(), e.toString());
      }
    }
  }

  private static String label(String name) {
    return name.equals("neg_elbo") ? "-ELBO" : name.toUpperCase(Locale.ROOT);
  }

  static String duration(double s) {
    if (!Double.isFinite(s)) {
      return "?";
    }
    long t = Math.round(s);
    if (t < 60) {
      return t + "s";
    }
    if (t < 3600) {
      return (t / 60) + "m" + String.format(Locale.ROOT, "%02d", t % 60) + "s";
    }
    return (t / 3600) + "h" + String.format(Locale.ROOT, "%02d", (t % 3600) / 60) + "m";
  }
}
