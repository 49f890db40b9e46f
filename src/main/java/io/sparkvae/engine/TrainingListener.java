package io.sparkvae.engine;

/** Progress callbacks from the driver loop. */
public interface TrainingListener {
  /** After each epoch (and its validation pass). */
  void onEpoch(EpochReport report, int totalEpochs);

  /** After each synchronization round; {@code roundSeconds} is its wall time. */
  default void onRound(int epoch, int round, int roundsPerEpoch, double roundSeconds) {}

  TrainingListener NONE = (r, t) -> {};
}
