// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.LocalTrainer;
import io.sparkvae.kernel.Objective;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.Rows;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The wall time of one training step of a given number of rows, as a partition's task takes it: the
 * minibatch gradient and the optimizer's update of the whole parameter vector. Measured on one
 * thread, or on several threads stepping at once (each with its own model and rows), which is what
 * executors sharing one machine's memory see.
 */
public final class StepTimer {
  private StepTimer() {}

  /**
   * Seconds per step by the wall clock and by the stepping threads' CPU time (the latter is what a
   * core of its own would take, whatever else the machine runs), each the median of the passes.
   */
  public record Timing(double wallSeconds, double cpuSeconds) {}

  /**
   * Seconds per step of {@code rows} rows, the median of {@code repeats} timed passes of about
   * {@code steps} steps each, after one untimed pass that warms up the JIT.
   *
   * @param threads how many trainers step at once; the figure is the slowest thread's time per step
   * @param data rows to step on (row-major bytes), at least {@code rows} of them
   */
  public static Timing secondsPerStep(
      Supplier<Objective> objective,
      Supplier<Optimizer> optimizer,
      ByteRows data,
      int rows,
      int steps,
      int repeats,
      int threads)
      throws InterruptedException {
    if (rows < 1 || steps < 1 || repeats < 1 || threads < 1) {
      throw new IllegalArgumentException(
          "rows, steps, repeats and threads must be >= 1: "
              + rows
              + ", "
              + steps
              + ", "
              + repeats
              + ", "
              + threads);
    }
    int n = (int) Math.min(data.rows(), (long) rows * steps);
    if (n < rows) {
      throw new IllegalArgumentException(
          "a step of " + rows + " rows needs that many rows, got " + data.rows());
    }
    Rows slice =
        Rows.of(new ByteRows(Arrays.copyOf(data.data(), n * data.width()), n, data.width()));
    int stepsPerPass = n / rows;
    LocalTrainer[] trainers = new LocalTrainer[threads];
    for (int t = 0; t < threads; t++) {
      trainers[t] = new LocalTrainer(objective.get(), optimizer.get(), rows, t, 0);
      trainers[t].trainEpoch(slice, 0);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] perStep = new double[repeats];
    double[] cpuPerStep = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      double[] seconds = new double[threads];
      double[] cpu = new double[threads];
      Thread[] running = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int id = t;
        int epoch = r + 1;
        running[t] =
            new Thread(
                () -> {
                  long c0 = mx.getCurrentThreadCpuTime();
                  seconds[id] = trainers[id].trainEpoch(slice, epoch).seconds();
                  cpu[id] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
                });
        running[t].start();
      }
      for (Thread t : running) {
        t.join();
      }
      perStep[r] = Arrays.stream(seconds).max().orElseThrow() / stepsPerPass;
      cpuPerStep[r] = Arrays.stream(cpu).max().orElseThrow() / stepsPerPass;
    }
    Arrays.sort(perStep);
    Arrays.sort(cpuPerStep);
    return new Timing(perStep[repeats / 2], cpuPerStep[repeats / 2]);
  }
}
