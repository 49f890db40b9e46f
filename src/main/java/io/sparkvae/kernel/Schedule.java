package io.sparkvae.kernel;

/**
 * Which rows each minibatch step uses. The distributed engine and the kernel-alone trainer share
 * this, which is what makes "one partition, k = 1" equal to plain minibatch training.
 *
 * <p>An epoch has S = max over partitions of ⌈nₚ / B⌉ steps. Partition p splits its own shuffled
 * rows into S nearly equal consecutive slices, so every partition finishes the epoch at the same
 * step, uneven partitions included; a partition smaller than S simply has empty steps.
 */
public final class Schedule {
  /** Random stream purpose for the per-epoch row order. */
  public static final long STREAM_ORDER = 0x10;

  private Schedule() {}

  public static int stepsPerEpoch(long[] partitionSizes, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    long steps = 0;
    for (long n : partitionSizes) {
      steps = Math.max(steps, (n + batchSize - 1) / batchSize);
    }
    if (steps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many steps per epoch: " + steps);
    }
    return (int) steps;
  }

  /** First row (in shuffled order) of step j of S over n rows; step j is [start(j), start(j+1)). */
  public static int sliceStart(int n, int steps, int j) {
    return (int) ((long) j * n / steps);
  }

  /** The row order of one partition in one epoch, a pure function of its arguments. */
  public static void order(int[] perm, int n, long seed, int epoch, int partition) {
    Rng.keyed(seed, STREAM_ORDER, epoch, partition, 0).permutation(perm, n);
  }
}
