// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.concurrent.atomic.LongAdder;

/**
 * Where a training step's time goes, for the benchmarks: matrix products, the optimizer (gradient
 * zeroing, clipping norm, update) and the row gather, summed over every thread. Off unless a
 * benchmark turns it on; when off each probe is one read of a static field. The clock is either
 * wall time or the thread's CPU time (robust when other programs share the cores).
 *
 * <p>Elementwise work (activations, biases, likelihood, noise, KL) is what is left of the step.
 */
public final class StepProfile {
  /** The timed parts of a step; {@code STEP} is the whole step. */
  public enum Part {
    GEMM,
    OPTIMIZER,
    GATHER,
    STEP
  }

  private static boolean on;
  private static boolean cpuClock;
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private static final LongAdder[] NANOS = new LongAdder[Part.values().length];
  private static final LongAdder STEPS = new LongAdder();
  private static final LongAdder GEMM_FLOPS = new LongAdder();
  private static final ThreadLocal<boolean[]> IN_STEP =
      ThreadLocal.withInitial(() -> new boolean[1]);

  static {
    for (int i = 0; i < NANOS.length; i++) {
      NANOS[i] = new LongAdder();
    }
  }

  private StepProfile() {}

  /** Turns the probes on or off; set it before the timed threads start. */
  public static void enable(boolean enabled) {
    on = enabled;
  }

  /** Times with each thread's CPU time instead of the wall clock. */
  public static void useCpuClock(boolean cpu) {
    cpuClock = cpu;
  }

  public static boolean cpuClock() {
    return cpuClock;
  }

  private static long clock() {
    return cpuClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  public static boolean enabled() {
    return on;
  }

  /** Zeroes the sums (for example after a warm-up epoch). */
  public static void reset() {
    for (LongAdder a : NANOS) {
      a.reset();
    }
    STEPS.reset();
    GEMM_FLOPS.reset();
  }

  /** A start time for {@link #add}, or 0 when off (no clock read). */
  static long start() {
    return on ? clock() : 0L;
  }

  /** Adds the time since {@code start} to {@code part}. */
  public static void add(Part part, long start) {
    if (on) {
      NANOS[part.ordinal()].add(clock() - start);
      if (part == Part.STEP) {
        STEPS.increment();
        IN_STEP.get()[0] = false;
      }
    }
  }

  /** {@link #start()} for callers outside the kernel (the engine's task loop). */
  public static long now() {
    return start();
  }

  /**
   * Opens a step on this thread and returns its start: products outside steps (evaluation) are not
   * counted. Close it with {@code add(STEP, start)}.
   */
  public static long stepStart() {
    if (!on) {
      return 0L;
    }
    IN_STEP.get()[0] = true;
    return clock();
  }

  static void gemmDone(long start, int m, int n, int k) {
    if (on && IN_STEP.get()[0]) {
      NANOS[Part.GEMM.ordinal()].add(clock() - start);
      GEMM_FLOPS.add(2L * m * n * k);
    }
  }

  /** The sums so far. */
  public static Totals totals() {
    return new Totals(
        STEPS.sum(),
        NANOS[Part.STEP.ordinal()].sum(),
        NANOS[Part.GEMM.ordinal()].sum(),
        NANOS[Part.OPTIMIZER.ordinal()].sum(),
        NANOS[Part.GATHER.ordinal()].sum(),
        GEMM_FLOPS.sum());
  }

  /** Nanoseconds summed over steps and threads, and the flops the matrix products did. */
  public record Totals(
      long steps,
      long stepNanos,
      long gemmNanos,
      long optimizerNanos,
      long gatherNanos,
      long flops) {
    /** Everything in a step that is neither a product, the optimizer nor the gather. */
    public long elementwiseNanos() {
      return stepNanos - gemmNanos - optimizerNanos - gatherNanos;
    }

    private double perStepMs(long nanos) {
      return steps == 0 ? 0 : nanos / 1e6 / steps;
    }

    /** GFLOP/s of the matrix products while they ran. */
    public double gemmGflops() {
      return gemmNanos == 0 ? 0 : flops / (double) gemmNanos;
    }

    /** Milliseconds per step (per thread) of step, gemm, elementwise, optimizer, gather. */
    public double[] perStepMs() {
      return new double[] {
        perStepMs(stepNanos),
        perStepMs(gemmNanos),
        perStepMs(elementwiseNanos()),
        perStepMs(optimizerNanos),
        perStepMs(gatherNanos)
      };
    }

    /** One readable line, for example for stderr. */
    public String describe() {
      double[] ms = perStepMs();
      double s = Math.max(ms[0], 1e-12);
      return String.format(
          java.util.Locale.ROOT,
          "per step %.3f ms: sgemm %.3f (%.0f%%, %.1f GFLOP/s), elementwise %.3f (%.0f%%),"
              + " optimizer %.3f (%.0f%%), row gather %.3f (%.0f%%) over %d steps",
          ms[0],
          ms[1],
          100 * ms[1] / s,
          gemmGflops(),
          ms[2],
          100 * ms[2] / s,
          ms[3],
          100 * ms[3] / s,
          ms[4],
          100 * ms[4] / s,
          steps);
    }
  }
}
