// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

/**
 * The time to a target quality on P single-core executors, predicted from measured parts: how many
 * epochs the run needs (measured by training, which is deterministic, so local mode with P
 * partitions trains exactly the model P executors would), one partition's step time at its rows per
 * step (measured on one core), the driver's cost of a round (measured) and a stated network model.
 *
 * <pre>
 *   T(P) = E · (S · t_step + R · (c_round + t_net))
 *   t_net = b_bcast · ⌈log₂(P + 1)⌉ / bw  +  depth · fanIn · b_result / bw
 * </pre>
 *
 * E epochs to the target, S steps of one partition per epoch, R rounds per epoch. The broadcast
 * term charges the whole broadcast once per level of a binary tree over the driver and the P
 * executors (Spark's torrent broadcast spreads it peer to peer; a tree is its worst case), the
 * aggregation term one result per child at each of the tree aggregation's levels, one after
 * another. Latencies are left out; so is the validation pass after each epoch, which is not
 * training.
 */
public final class ScalingModel {
  private ScalingModel() {}

  /** Seconds a round spends on the network, in the model above. */
  public static double networkSecondsPerRound(
      long broadcastBytes, long resultBytes, int partitions, int depth, double bitsPerSecond) {
    if (partitions < 1 || depth < 1 || !(bitsPerSecond > 0)) {
      throw new IllegalArgumentException(
          "partitions and depth must be >= 1 and the bandwidth > 0: "
              + partitions
              + ", "
              + depth
              + ", "
              + bitsPerSecond);
    }
    int levels = 32 - Integer.numberOfLeadingZeros(partitions); // ⌈log₂(P + 1)⌉
    return 8.0 * broadcastBytes * levels / bitsPerSecond
        + 8.0 * depth * fanIn(partitions, depth) * resultBytes / bitsPerSecond;
  }

  /** The most children one sum of a tree of {@code depth} levels over P leaves has: ⌈P^(1/d)⌉. */
  public static int fanIn(int partitions, int depth) {
    int f = (int) Math.ceil(Math.pow(partitions, 1.0 / depth) - 1e-9);
    while (Math.pow(f, depth) < partitions) {
      f++;
    }
    return Math.max(1, f);
  }

  /** T(P) of the model above, in seconds. */
  public static double timeToTarget(
      int epochs,
      int stepsPerEpoch,
      double stepSeconds,
      int roundsPerEpoch,
      double roundSeconds,
      double networkSeconds) {
    return epochs
        * (stepsPerEpoch * stepSeconds + roundsPerEpoch * (roundSeconds + networkSeconds));
  }
}
