// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * Which rows each minibatch step uses. The distributed engine and the kernel-alone trainer share
 * this, which is what makes "one partition, k = 1" equal to plain minibatch training.
 *
 * <p>B is the global minibatch: the rows of one synchronous step summed over all partitions, as in
 * "minibatch Adam on the union of the partitions' minibatches". An epoch has S = ⌈N / B⌉ steps for
 * N rows in all, whatever the partition count, so the optimizer takes the same number of steps per
 * epoch on one machine or many. Partition p splits its own shuffled rows into S nearly equal
 * consecutive slices (about B·nₚ/N rows each), so every partition finishes the epoch at the same
 * step, uneven partitions included; a partition with fewer than S rows has empty steps.
 */
public final class Schedule {
  /** Random stream purpose for the per-epoch row order. */
  public static final long STREAM_ORDER = 0x10;

  private Schedule() {}

  public static int stepsPerEpoch(long[] partitionSizes, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    long total = 0;
    for (long n : partitionSizes) {
      total += n;
    }
    long steps = (total + batchSize - 1) / batchSize;
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
