// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

/** Progress callbacks from the driver loop. */
public interface TrainingListener {
  /** After each epoch (and its validation pass). */
  void onEpoch(EpochReport report, int totalEpochs);

  /**
   * Asked after each epoch's {@link #onEpoch}: true ends the run there, as if {@code train.epochs}
   * had been reached (a benchmark that trains to a target figure uses it).
   */
  default boolean stopRequested() {
    return false;
  }

  /** After each synchronization round; {@code roundSeconds} is its wall time. */
  default void onRound(int epoch, int round, int roundsPerEpoch, double roundSeconds) {}

  /**
   * After each synchronization round, with how far the epoch and the run are; by default it calls
   * {@link #onRound(int, int, int, double)}.
   */
  default void onRound(Round r) {
    onRound(r.epoch(), r.round(), r.roundsPerEpoch(), r.roundSeconds());
  }

  /**
   * Where the loop is after a round.
   *
   * @param epoch the epoch in progress, from 0
   * @param totalEpochs epochs the run will train
   * @param round rounds done in this epoch (1 … roundsPerEpoch)
   * @param roundsPerEpoch rounds of an epoch
   * @param rowsDone training rows used so far in this epoch (including rounds done before a resume)
   * @param rowsPerEpoch training rows of an epoch
   * @param roundSeconds wall time of this round
   */
  record Round(
      int epoch,
      int totalEpochs,
      int round,
      int roundsPerEpoch,
      long rowsDone,
      long rowsPerEpoch,
      double roundSeconds) {}

  TrainingListener NONE = (r, t) -> {};
}
