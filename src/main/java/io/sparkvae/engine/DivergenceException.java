// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

/**
 * Training produced a non-finite loss, gradient or parameter. Says where: epoch, round and
 * partition (and step), so the failure can be replayed; nothing is saved as the final model.
 */
public final class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int epoch;
  private final int round;
  private final int partition;

  public DivergenceException(int epoch, int round, int partition, String what) {
    super(
        "training diverged at epoch "
            + epoch
            + ", round "
            + round
            + (partition >= 0 ? ", partition " + partition : "")
            + ": "
            + what
            + ". Lower train.learning-rate, or set train.clip-norm (e.g. 10).");
    this.epoch = epoch;
    this.round = round;
    this.partition = partition;
  }

  /** 1-based epoch. */
  public int epoch() {
    return epoch;
  }

  /** 1-based round within the epoch. */
  public int round() {
    return round;
  }

  public int partition() {
    return partition;
  }
}
