// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;

/**
 * Settings of the synchronous loop (src/site/markdown/training.md, "The models" §3), validated on
 * construction.
 *
 * @param name prefix of Spark job descriptions, e.g. "vae" gives "vae epoch 3/10 round 7/40"
 * @param epochs passes over the training data
 * @param batchSize rows per synchronous step summed over all partitions (the global minibatch; each
 *     partition's share is proportional to its rows)
 * @param syncEvery k: local steps per partition between synchronizations (1 = synchronous minibatch
 *     training on the union of the partitions' minibatches; 0 = auto: {@link #AUTO_SYNC_EVERY}, or
 *     one round per epoch when an epoch has fewer steps)
 * @param seed keys every random stream (row order, noise, initialization)
 * @param aggregationDepth 1: the driver sums all partitions' results; d ≥ 2: a tree of depth d
 * @param clipNorm maximum global gradient norm (0 = no clipping)
 * @param checkpointEveryRounds checkpoint every this many rounds (0 = only at epoch ends)
 * @param checkpointEveryMinutes also checkpoint after the first round that ends this many minutes
 *     of wall time after the last checkpoint (or the start); 0 = off
 */
public record TrainerConfig(
    String name,
    int epochs,
    int batchSize,
    int syncEvery,
    long seed,
    int aggregationDepth,
    double clipNorm,
    int checkpointEveryRounds,
    double checkpointEveryMinutes)
    implements Serializable {

  /**
   * The automatic k. Measured on Fashion-MNIST (784-400-20, 10 epochs, 2 to 8 partitions): the test
   * −ELBO cost of local steps was the same for k = 32, 64 and 128, and k = 128 brought Spark's
   * overhead in local[2] to 1.06× the kernel alone (see src/site/markdown/performance.md, Training
   * through Spark and Against the targets).
   */
  public static final int AUTO_SYNC_EVERY = 128;

  public TrainerConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("train.epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("train.batch-size must be >= 1, got " + batchSize);
    }
    if (syncEvery < 0) {
      throw new IllegalArgumentException(
          "train.sync-every must be >= 1 (or 0 for auto), got " + syncEvery);
    }
    if (aggregationDepth < 1) {
      throw new IllegalArgumentException(
          "train.aggregation-depth must be >= 1, got " + aggregationDepth);
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("train.clip-norm must be >= 0, got " + clipNorm);
    }
    if (checkpointEveryRounds < 0) {
      throw new IllegalArgumentException(
          "train.checkpoint-every-rounds must be >= 0, got " + checkpointEveryRounds);
    }
    if (!(checkpointEveryMinutes >= 0) || Double.isInfinite(checkpointEveryMinutes)) {
      throw new IllegalArgumentException(
          "train.checkpoint-every-minutes must be >= 0, got " + checkpointEveryMinutes);
    }
  }

  /** Without checkpoints by wall time. */
  public TrainerConfig(
      String name,
      int epochs,
      int batchSize,
      int syncEvery,
      long seed,
      int aggregationDepth,
      double clipNorm,
      int checkpointEveryRounds) {
    this(
        name,
        epochs,
        batchSize,
        syncEvery,
        seed,
        aggregationDepth,
        clipNorm,
        checkpointEveryRounds,
        0);
  }

  /** The k to use for an epoch of {@code steps} steps. */
  public int syncEvery(int steps) {
    return syncEvery == 0 ? Math.max(1, Math.min(AUTO_SYNC_EVERY, steps)) : syncEvery;
  }
}
