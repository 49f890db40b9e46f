// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static io.sparkvae.job.BenchScaleCommand.r3;

import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;

/**
 * Listens to one bench-scale training run and turns it into throughput figures. Wall time counts
 * whole epochs; process CPU time and the machine's busy time count from the end of each epoch's
 * first round (once the data is cached) to the epoch's end, a window that other programs on a
 * shared machine disturb much less.
 */
final class EpochMeter implements TrainingListener {
  private final SparkSession spark;
  private final long n;
  private final int skip;
  private final HeapWatch heap;
  private final List<EpochReport> reports = new ArrayList<>();
  private RDDInfo[] storage;
  private final long[] cpuAfterFirstRound;
  private final long[] cpuPerEpoch;
  // The whole machine's busy CPU time over the same windows: what other programs took.
  private final long[][] machineAfterFirstRound;
  private final long[] machinePerEpoch = new long[2];
  private double windowSeconds;
  private final long[] windowStart;

  /** For {@code epochs} epochs of {@code n} rows, the first {@code skip} not counted. */
  EpochMeter(SparkSession spark, long n, int epochs, int skip, HeapWatch heap) {
    this.spark = spark;
    this.n = n;
    this.skip = skip;
    this.heap = heap;
    cpuAfterFirstRound = new long[epochs];
    cpuPerEpoch = new long[epochs];
    machineAfterFirstRound = new long[epochs][];
    windowStart = new long[epochs];
  }

  @Override
  public void onRound(int epoch, int round, int roundsPerEpoch, double seconds) {
    if (round == 1) {
      cpuAfterFirstRound[epoch] = processCpuNanos();
      machineAfterFirstRound[epoch] = machineCpuTicks();
      windowStart[epoch] = System.nanoTime();
      if (epoch == 0) {
        heap.endCachePhase();
      }
    }
  }

  @Override
  public void onEpoch(EpochReport r, int total) {
    int e = r.epoch() - 1;
    cpuPerEpoch[e] = processCpuNanos() - cpuAfterFirstRound[e];
    long[] now = machineCpuTicks();
    if (r.epoch() > skip && now != null && machineAfterFirstRound[e] != null) {
      machinePerEpoch[0] += now[0] - machineAfterFirstRound[e][0];
      machinePerEpoch[1] += now[1] - machineAfterFirstRound[e][1];
      windowSeconds += (System.nanoTime() - windowStart[e]) / 1e9;
    }
    reports.add(r);
    System.err.printf(
        "%d rows, epoch %d/%d: %.1f s, %.0f rows/s, train -ELBO %.2f%n",
        n, r.epoch(), total, r.seconds(), r.samplesPerSecond(), r.train()[0]);
    if (r.epoch() == total) {
      // After the timed epoch, with the cache still held: storage status and the live set.
      storage = spark.sparkContext().getRDDStorageInfo(); // driver-side bookkeeping
      heap.measureLiveSet();
    }
  }

  /** The RDD storage status after the last epoch, the cache still held. */
  RDDInfo[] storage() {
    return storage;
  }

  /** Puts rows per second (wall and CPU), interference and the final loss into {@code m}. */
  void putThroughput(Map<String, Object> m, int epochs, double fitSeconds) {
    List<Double> perEpoch = new ArrayList<>();
    double counted = 0;
    long countedRows = 0;
    double cpuSeconds = 0;
    double cpuRows = 0;
    for (EpochReport r : reports) {
      perEpoch.add((double) Math.round(r.samplesPerSecond()));
      if (r.epoch() > skip) {
        counted += r.seconds();
        countedRows += r.rows();
        if (r.rounds() > 1) {
          cpuSeconds += cpuPerEpoch[r.epoch() - 1] / 1e9;
          cpuRows += (double) r.rows() * (r.rounds() - 1) / r.rounds();
        }
      }
    }
    double epochSeconds = reports.stream().mapToDouble(EpochReport::seconds).sum();
    m.put("rows_per_sec", (double) Math.round(countedRows / counted));
    m.put("rows_per_sec_by_epoch", perEpoch);
    m.put("rows_per_cpu_sec", cpuSeconds > 0 ? (double) Math.round(cpuRows / cpuSeconds) : null);
    if (windowSeconds > 0) {
      // Machine busy seconds (from /proc/stat, 100 ticks a second) minus ours, over the CPUs.
      double capacity = windowSeconds * Runtime.getRuntime().availableProcessors();
      m.put(
          "other_programs_cpu_share",
          r3(Math.max(0, (machinePerEpoch[0] / 100.0 - cpuSeconds)) / capacity));
      m.put("steal_share", r3(machinePerEpoch[1] / 100.0 / capacity));
    }
    m.put(
        "counted",
        skip == 0
            ? "every epoch"
            : "epochs " + (skip + 1) + ".." + epochs + " (the first " + skip + " warm up the JIT)");
    m.put("epoch_seconds", r3(counted / (epochs - skip)));
    m.put("load_and_cache_seconds", r3(fitSeconds - epochSeconds));
    m.put("final_train_neg_elbo", r3(reports.get(reports.size() - 1).train()[0]));
  }

  /**
   * The machine's busy and stolen CPU ticks (Linux /proc/stat: user, nice, system, irq, softirq,
   * steal; and steal alone), or null where there is no /proc/stat.
   */
  static long[] machineCpuTicks() {
    try {
      String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
      String[] f = line.trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return new long[] {busy, Long.parseLong(f[8])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
        : 0;
  }
}
