// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Everything the driver loop needs to continue exactly where it stopped: parameters, optimizer
 * state and step count, the next round to run, the current epoch's partial sums, and the history of
 * finished epochs. Randomness is keyed by (seed, epoch, partition, step), so no generator state
 * needs saving: a resumed run draws the same numbers an uninterrupted one would.
 *
 * <p>Outside the engine a state is read-only: callers see where training stands ({@link
 * #position}), the finished epochs and copies of the parameters. Only {@link SyncTrainer} moves it
 * forward and only {@link FsCheckpointer} rebuilds one, through the package-private methods.
 */
public final class TrainingState {
  /** The next round to run, both 0-based. */
  public record Position(int epoch, int round) {}

  /** The scalar sums of the epoch in progress: what a checkpoint needs to finish it later. */
  public record EpochProgress(long rows, int rounds, double seconds) {
    static final EpochProgress NONE = new EpochProgress(0, 0, 0);
  }

  // Both arrays are updated in place, round after round; they never leave the engine uncopied.
  private final float[] params;
  private final float[] optimizerState;
  private long updates;
  private int epoch;
  private int round;
  private final double[] epochLosses;
  private long epochRows;
  private int epochRounds;
  private double epochSeconds;
  private final List<EpochReport> history = new ArrayList<>();

  /** The outer rule's state (a momentum buffer), empty for plain averaging. */
  private float[] outerState = new float[0];

  // Early stopping: the best validation loss so far, its epoch (1-based, 0 = none yet), a copy of
  // the parameters at its end, and the epochs since.
  private double bestLoss = Double.POSITIVE_INFINITY;
  private int bestEpoch;
  private float[] bestParams;
  private int sinceBest;

  // The moving average of the weights (train.ema-decay): a decayed sum of the rounds' parameters
  // and the sum of its weights, so that sum / weight has no pull towards the initial weights.
  private float[] averageSum = new float[0];
  private double averageWeight;

  /** Rows per partition when the state was saved; resuming needs the same partitioning. */
  private long[] partitionRows;

  /** A fresh state at epoch 0, round 0, with {@code lossParts} zero loss sums. */
  public TrainingState(float[] params, float[] optimizerState, int lossParts) {
    this(params, optimizerState, new double[lossParts]);
  }

  private TrainingState(float[] params, float[] optimizerState, double[] epochLosses) {
    this.params = params;
    this.optimizerState = optimizerState;
    this.epochLosses = epochLosses;
  }

  /** A state as a checkpoint recorded it; the arrays are kept, not copied. */
  static TrainingState restored(
      float[] params,
      float[] optimizerState,
      double[] epochLosses,
      long[] partitionRows,
      Position at,
      long updates,
      EpochProgress progress,
      List<EpochReport> history,
      float[] outerState,
      Best best,
      Average average) {
    TrainingState s = new TrainingState(params, optimizerState, epochLosses);
    s.outerState = outerState;
    if (average != null) {
      s.averageSum = average.sum();
      s.averageWeight = average.weight();
    }
    if (best != null) {
      s.bestLoss = best.loss();
      s.bestEpoch = best.epoch();
      s.bestParams = best.params();
      s.sinceBest = best.epochsSince();
    }
    s.partitionRows = partitionRows;
    s.epoch = at.epoch();
    s.round = at.round();
    s.updates = updates;
    s.epochRows = progress.rows();
    s.epochRounds = progress.rounds();
    s.epochSeconds = progress.seconds();
    s.history.addAll(history);
    return s;
  }

  /**
   * Early stopping's record: the best validation loss, its epoch (1-based), the parameters at that
   * epoch's end, and the epochs finished since.
   */
  record Best(double loss, int epoch, float[] params, int epochsSince) {}

  /** The moving average's decayed sum of parameters and the sum of its weights. */
  record Average(float[] sum, double weight) {}

  // ------------------------------------------------------------------------------- reading

  /** Where training stands: the epoch and round that run next. */
  public Position position() {
    return new Position(epoch, round);
  }

  /** Optimizer steps taken so far (k per round when partitions step locally). */
  public long updates() {
    return updates;
  }

  /** A copy of the parameters; the state keeps training its own. */
  public float[] params() {
    return params.clone();
  }

  /**
   * The parameters to keep as the model: with early stopping, a copy of the best epoch's; otherwise
   * (or before any epoch ended) the current model, as {@link #currentModel}.
   */
  public float[] modelParams() {
    return bestParams != null ? bestParams.clone() : currentModel();
  }

  /**
   * The model as training stands, a copy: the moving average of the weights when {@code
   * train.ema-decay} keeps one and a round has been folded in, the current parameters otherwise.
   */
  public float[] currentModel() {
    if (averageSum.length == 0) {
      return params.clone();
    }
    float[] m = new float[averageSum.length];
    float inv = (float) (1 / averageWeight);
    for (int i = 0; i < m.length; i++) {
      m[i] = averageSum[i] * inv;
    }
    return m;
  }

  /**
   * The epoch (1-based) whose parameters {@link #modelParams} returns under early stopping, or 0.
   */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** Epochs finished since the best one (early stopping's patience counter). */
  public int epochsSinceBest() {
    return sinceBest;
  }

  /** The finished epochs, oldest first; read-only. */
  public List<EpochReport> history() {
    return Collections.unmodifiableList(history);
  }

  /** The last finished epoch, or null before the first ends. */
  public EpochReport lastEpoch() {
    return history.isEmpty() ? null : history.get(history.size() - 1);
  }

  /**
   * Starts from given weights instead of the initializer's (a warm start): copies the first {@code
   * params().length} floats of {@code weights}.
   */
  public void overwriteParams(float[] weights) {
    System.arraycopy(weights, 0, params, 0, params.length);
  }

  // ------------------------------------------------------------- the engine's view (live)

  /** The live parameters, for broadcasting and evaluation; callers must not keep or change it. */
  float[] liveParams() {
    return params;
  }

  /** The live optimizer state, for broadcasting; callers must not keep or change it. */
  float[] liveOptimizerState() {
    return optimizerState;
  }

  float[] liveOuterState() {
    return outerState;
  }

  /** The moving average of the weights, or null when none is kept; the array is live. */
  Average average() {
    return averageSum.length == 0 ? null : new Average(averageSum, averageWeight);
  }

  /** Early stopping's record, or null while there is none; the array is live. */
  Best best() {
    return bestParams == null ? null : new Best(bestLoss, bestEpoch, bestParams, sinceBest);
  }

  double[] epochLosses() {
    return epochLosses;
  }

  EpochProgress epochProgress() {
    return new EpochProgress(epochRows, epochRounds, epochSeconds);
  }

  long[] partitionRows() {
    return partitionRows;
  }

  // --------------------------------------------------------------------- moving forward

  /**
   * Records the partitioning training runs on; a state saved under another one cannot resume,
   * because which rows a partition steps through would change.
   *
   * @throws IllegalStateException if the state was saved with other partition sizes
   */
  void requirePartitioning(long[] sizes) {
    if (partitionRows != null && !Arrays.equals(partitionRows, sizes)) {
      throw new IllegalStateException(
          "cannot resume: the checkpoint was taken with partitions of "
              + Arrays.toString(partitionRows)
              + " rows, the data now has "
              + Arrays.toString(sizes)
              + " (same data and train.partitions are needed)");
    }
    partitionRows = sizes;
  }

  /**
   * Makes room for an outer rule's state of {@code size} floats: zeros in a fresh state (or one
   * saved without an outer rule); a state saved with another rule's state cannot go on.
   */
  void requireOuterState(int size) {
    if (outerState.length == size) {
      return;
    }
    if (outerState.length != 0) {
      throw new IllegalStateException(
          "cannot resume: the checkpoint holds an outer optimizer state of "
              + outerState.length
              + " floats, this run's rule needs "
              + size
              + " (same train.outer-optimizer needed)");
    }
    outerState = new float[size];
  }

  /** One synchronous step (k = 1): the optimizer applies the summed gradient in place. */
  void applyUpdate(Optimizer optimizer, float[] gradient, float scale) {
    optimizer.update(params, gradient, scale, optimizerState, updates + 1);
    updates += 1;
  }

  /**
   * Ends a round of local steps (k > 1). {@code v · inv} is the row-weighted average of the
   * partitions' {@code [params | carried state slices]}: the carried slices ({@code ranges}, as
   * {@link ScaleOut.InnerState#carriedRanges}) of the optimizer state become their average, and the
   * outer rule moves the parameters from the round's start towards the averaged ones. {@code v} is
   * overwritten.
   */
  void endLocalRound(
      float[] v, float inv, int steps, int[] ranges, OuterOptimizer outer, double innerRate) {
    for (int i = 0; i < params.length; i++) {
      v[i] *= inv;
    }
    outer.step(params, v, outerState, innerRate);
    // The state slices are scaled as they are copied: one pass over them, not two.
    int at = params.length;
    for (int r = 0; r < ranges.length; r += 2) {
      for (int i = ranges[r]; i < ranges[r + 1]; i++) {
        optimizerState[i] = v[at++] * inv;
      }
    }
    updates += steps;
  }

  /**
   * Folds the parameters after a round of {@code steps} optimizer steps into the moving average,
   * with weight {@code 1 − decay^steps} against {@code decay^steps} for what it held: per step, the
   * usual exponential moving average, sampled at the ends of rounds (the driver sees no other
   * parameters). The sum starts at zero and the weights are summed, so the first round's average is
   * its parameters, not a mix with the initial weights.
   */
  void foldAverage(double decay, long steps) {
    if (steps <= 0) {
      return; // nothing moved, and a zero weight must not start the average
    }
    if (averageSum.length == 0) {
      averageSum = new float[params.length];
    }
    double keep = Math.pow(decay, steps);
    float a = (float) keep;
    float b = (float) (1 - keep);
    for (int i = 0; i < params.length; i++) {
      averageSum[i] = a * averageSum[i] + b * params[i];
    }
    averageWeight = keep * averageWeight + (1 - keep);
  }

  /**
   * Records the validation loss of the epoch that just ended (before {@link #finishEpoch}): a new
   * best when it is lower than the best by more than {@code minDelta}, whose model is copied;
   * otherwise one more epoch without improvement.
   */
  void recordValidation(double loss, double minDelta) {
    if (loss < bestLoss - minDelta) {
      bestLoss = loss;
      bestEpoch = epoch + 1;
      bestParams = currentModel();
      sinceBest = 0;
    } else {
      sinceBest++;
    }
  }

  /** Adds a round's loss sums over {@code rows} rows to the epoch's. */
  void addLosses(double[] losses, long rows) {
    for (int i = 0; i < losses.length; i++) {
      epochLosses[i] += losses[i];
    }
    epochRows += rows;
  }

  /** Moves to the next round after one that took {@code seconds}. */
  void finishRound(double seconds) {
    epochRounds++;
    round++;
    epochSeconds += seconds;
  }

  /** The epoch's mean losses per row so far. */
  double[] epochMeans() {
    double[] means = new double[epochLosses.length];
    for (int i = 0; i < means.length; i++) {
      means[i] = epochLosses[i] / epochRows;
    }
    return means;
  }

  /**
   * Closes the epoch: reports it with {@code trainMeans} and {@code valMeans} (may be null),
   * appends the report to the history, and zeroes the partial sums for the next epoch.
   */
  EpochReport finishEpoch(List<String> lossNames, double[] trainMeans, double[] valMeans) {
    EpochReport report =
        new EpochReport(
            epoch + 1,
            lossNames,
            trainMeans,
            valMeans,
            epochRows,
            epochRounds,
            updates,
            epochSeconds);
    history.add(report);
    epoch++;
    round = 0;
    epochRounds = 0;
    epochRows = 0;
    epochSeconds = 0;
    Arrays.fill(epochLosses, 0);
    return report;
  }
}
