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
      List<EpochReport> history) {
    TrainingState s = new TrainingState(params, optimizerState, epochLosses);
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

  /** One synchronous step (k = 1): the optimizer applies the summed gradient in place. */
  void applyUpdate(Optimizer optimizer, float[] gradient, float scale) {
    optimizer.update(params, gradient, scale, optimizerState, updates + 1);
    updates += 1;
  }

  /**
   * Ends a round of local steps (k > 1): parameters and optimizer state become the row-weighted
   * average {@code v · inv} of the partitions' {@code [params | state]} sums.
   */
  void replaceWithAverage(float[] v, float inv, int steps) {
    int p = params.length;
    for (int i = 0; i < p; i++) {
      params[i] = v[i] * inv;
    }
    for (int i = 0; i < optimizerState.length; i++) {
      optimizerState[i] = v[p + i] * inv;
    }
    updates += steps;
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
