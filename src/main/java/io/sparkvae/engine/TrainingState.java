package io.sparkvae.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the driver loop needs to continue exactly where it stopped: parameters, optimizer
 * state and step count, the next round to run, the current epoch's partial sums, and the history
 * of finished epochs. Randomness is keyed by (seed, epoch, partition, step), so no generator state
 * needs saving: a resumed run draws the same numbers an uninterrupted one would.
 */
public final class TrainingState {
  public float[] params;
  public float[] optimizerState;
  public long updates;
  /** 0-based epoch and round of the next round to run. */
  public int epoch;
  public int round;
  public double[] epochLosses;
  public long epochRows;
  public int epochRounds;
  public double epochSeconds;
  public final List<EpochReport> history = new ArrayList<>();
  /** Rows per partition when the state was saved; resuming needs the same partitioning. */
  public long[] partitionRows;

  public TrainingState(float[] params, float[] optimizerState, int lossParts) {
    this.params = params;
    this.optimizerState = optimizerState;
    this.epochLosses = new double[lossParts];
  }
}
