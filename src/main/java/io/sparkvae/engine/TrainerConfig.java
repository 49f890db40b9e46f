// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;
import java.util.Locale;

/**
 * Settings of the synchronous loop (src/site/markdown/training.md, "The models" §3), validated on
 * construction.
 *
 * @param name prefix of Spark job descriptions, e.g. "vae" gives "vae epoch 3/10 round 7/40"
 * @param epochs passes over the training data
 * @param batchSize rows per synchronous step summed over all partitions (the global minibatch; each
 *     partition's share is proportional to its rows), or on each partition with {@link
 *     ScaleOut.BatchMode#PER_PARTITION}
 * @param syncEvery k: local steps per partition between synchronizations (1 = synchronous minibatch
 *     training on the union of the partitions' minibatches; 0 = auto: {@link #autoSyncEvery})
 * @param seed keys every random stream (row order, noise, initialization)
 * @param aggregationDepth 1: the driver sums all partitions' results; d ≥ 2: a tree of depth d; 0 =
 *     auto, the shallowest tree whose every sum, the driver's included, folds at most {@link
 *     #AUTO_AGGREGATION_FAN_IN} results (depth 1 up to that many partitions)
 * @param clipNorm maximum global gradient norm (0 = no clipping)
 * @param checkpointEveryRounds checkpoint every this many rounds (0 = only at epoch ends)
 * @param checkpointEveryMinutes also checkpoint after the first round that ends this many minutes
 *     of wall time after the last checkpoint (or the start); 0 = off
 * @param scaleOut batch mode, outer rule, inner-state handling and warm-ups ({@link
 *     ScaleOut#DEFAULT}: the historical loop)
 * @param earlyStopping when to stop on the validation loss ({@link EarlyStopping#OFF}: never)
 * @param emaDecay the model is an exponential moving average of the weights with this decay per
 *     optimizer step, folded in at the end of every round ({@link TrainingState#foldAverage}); 0 =
 *     off, the last weights are the model
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
    double checkpointEveryMinutes,
    ScaleOut scaleOut,
    EarlyStopping earlyStopping,
    double emaDecay)
    implements Serializable {

  /**
   * The automatic k. Measured on Fashion-MNIST (784-400-20, 10 epochs, 2 to 8 partitions): the test
   * −ELBO cost of local steps was the same for k = 32, 64 and 128, and k = 128 brought Spark's
   * overhead in local[2] to 1.06× the kernel alone (see src/site/markdown/performance.md, Training
   * through Spark, and performance-history.md, Against the targets).
   */
  public static final int AUTO_SYNC_EVERY = 128;

  /**
   * From {@link #AUTO_SYNC_EVERY_FROM_PARTITIONS} partitions on, the automatic k is this many local
   * steps per partition: on P partitions a partition's step has fewer rows while a round costs
   * more, so rounds of 128 steps leave the round's cost as long as the compute. Measured by time to
   * target on Fashion-MNIST (src/site/markdown/performance-history.md, "Rounds that grow with the
   * partitions"): k = 256 on 8 partitions and one round per epoch on 16 took the MLP's predicted
   * speed-up at 10 Gb/s from 2.11 to 2.63 and from 1.44 to 2.12.
   */
  public static final int AUTO_SYNC_EVERY_PER_PARTITION = 32;

  /**
   * Below this many partitions the automatic k is {@link #AUTO_SYNC_EVERY}, but on 2 partitions.
   */
  public static final int AUTO_SYNC_EVERY_FROM_PARTITIONS = 8;

  /**
   * The automatic k on exactly 2 partitions (since 2026-12-03). Measured on Fashion-MNIST, seed 42
   * (src/site/markdown/performance-history.md, "Longer rounds on two partitions"): against k = 128
   * the MLP needed the same 7 epochs to test −ELBO 245.0 and ended 10 epochs at 243.33 against
   * 243.34, the conv model needed 5 epochs instead of 6, and a round's fixed cost is paid half as
   * often. On 4 partitions the same change cost the MLP an epoch, so 3 to 7 keep 128.
   */
  public static final int AUTO_SYNC_EVERY_TWO_PARTITIONS = 256;

  /**
   * The most partitions' results one sum folds when {@code aggregationDepth} is 0 (auto): up to 8
   * partitions the driver sums them all (depth 1, the same bits as before auto existed); beyond, a
   * tree deep enough that no executor and not the driver holds more than 8 contributions at once
   * (each is the size of the model, three times it with Adam's moments). A choice, not a
   * measurement: local[2] cannot show where a deeper tree starts to pay.
   */
  public static final int AUTO_AGGREGATION_FAN_IN = 8;

  /**
   * Stop when the first loss on the validation data has not improved by more than {@code minDelta}
   * for {@code patience} epochs in a row, and keep the best epoch's parameters.
   *
   * @param patience epochs without improvement before stopping; 0 = off
   * @param minDelta the least drop that counts as an improvement (in the loss's units)
   */
  public record EarlyStopping(int patience, double minDelta) implements Serializable {
    public static final EarlyStopping OFF = new EarlyStopping(0, 0);

    public EarlyStopping {
      if (patience < 0) {
        throw new IllegalArgumentException("train.early-stopping must be >= 0, got " + patience);
      }
      if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
        throw new IllegalArgumentException(
            "train.early-stopping-min-delta must be >= 0, got " + minDelta);
      }
    }

    public boolean enabled() {
      return patience > 0;
    }
  }

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
    if (aggregationDepth < 0) {
      throw new IllegalArgumentException(
          "train.aggregation-depth must be >= 1 (or 0 for auto), got " + aggregationDepth);
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
    if (scaleOut == null || earlyStopping == null) {
      throw new IllegalArgumentException("scaleOut and earlyStopping must be given");
    }
    if (!(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("train.ema-decay must lie in [0, 1), got " + emaDecay);
    }
  }

  /** The historical loop: no scale-out mode, no early stopping. */
  public TrainerConfig(
      String name,
      int epochs,
      int batchSize,
      int syncEvery,
      long seed,
      int aggregationDepth,
      double clipNorm,
      int checkpointEveryRounds,
      double checkpointEveryMinutes) {
    this(
        name,
        epochs,
        batchSize,
        syncEvery,
        seed,
        aggregationDepth,
        clipNorm,
        checkpointEveryRounds,
        checkpointEveryMinutes,
        ScaleOut.DEFAULT,
        EarlyStopping.OFF,
        0);
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

  /** The k to use for an epoch of {@code steps} steps on {@code partitions} partitions. */
  public int syncEvery(int steps, int partitions) {
    return syncEvery == 0 ? autoSyncEvery(steps, partitions) : syncEvery;
  }

  /**
   * The k of epoch {@code epoch} (0-based) on {@code partitions} partitions: 1 during post-local
   * SGD's warm-up.
   */
  public int syncEvery(int epoch, int steps, int partitions) {
    return epoch < scaleOut.syncWarmupEpochs() ? 1 : syncEvery(steps, partitions);
  }

  /**
   * The automatic k for an epoch of {@code steps} steps on {@code partitions} partitions: {@link
   * #AUTO_SYNC_EVERY}; {@link #AUTO_SYNC_EVERY_TWO_PARTITIONS} on 2 partitions; {@link
   * #AUTO_SYNC_EVERY_PER_PARTITION} per partition from {@link #AUTO_SYNC_EVERY_FROM_PARTITIONS}
   * partitions on; never more than the epoch.
   */
  public static int autoSyncEvery(int steps, int partitions) {
    long k =
        partitions >= AUTO_SYNC_EVERY_FROM_PARTITIONS
            ? Math.max(AUTO_SYNC_EVERY, (long) AUTO_SYNC_EVERY_PER_PARTITION * partitions)
            : partitions == 2 ? AUTO_SYNC_EVERY_TWO_PARTITIONS : AUTO_SYNC_EVERY;
    return (int) Math.max(1, Math.min(k, steps));
  }

  /**
   * The automatic k's rule on {@code partitions} partitions where it is no longer the fixed 128 of
   * checkpoint format 1, in words for the resume fingerprint; null where it still is.
   */
  public static String autoSyncEveryRule(int partitions) {
    if (partitions >= AUTO_SYNC_EVERY_FROM_PARTITIONS) {
      return AUTO_SYNC_EVERY_PER_PARTITION + " local steps per partition";
    }
    return partitions == 2 ? AUTO_SYNC_EVERY_TWO_PARTITIONS + " local steps on 2 partitions" : null;
  }

  /**
   * A warning when the moving average of the weights spans more than a tenth of a run of {@code
   * epochs} epochs of {@code stepsPerEpoch} steps, or null. Its mean age, {@code 1 / (1 − d)}
   * steps, is then long enough to mix in the early, worse weights: measured on the bundled sample
   * (160 steps) d = 0.997 gave a test −ELBO 21 nats worse than the last weights, and d = 0.9375 (a
   * tenth of the run) 1 nat worse (src/site/markdown/training.md, "Weight averaging").
   */
  public String emaWarning(long stepsPerEpoch) {
    if (emaDecay == 0) {
      return null;
    }
    double span = 1 / (1 - emaDecay);
    long total = stepsPerEpoch * epochs;
    if (span <= total / 10.0) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "train.ema-decay = %s averages about the last %.0f optimizer steps, more than a tenth of "
            + "this run's %d: the model will lean on early weights; a smaller decay, or 0 (off), "
            + "suits a run this short",
        emaDecay,
        span,
        total);
  }

  /** This config with other scale-out modes. */
  public TrainerConfig with(ScaleOut s) {
    return new TrainerConfig(
        name,
        epochs,
        batchSize,
        syncEvery,
        seed,
        aggregationDepth,
        clipNorm,
        checkpointEveryRounds,
        checkpointEveryMinutes,
        s,
        earlyStopping,
        emaDecay);
  }

  /** This config with another early-stopping rule. */
  public TrainerConfig with(EarlyStopping e) {
    return new TrainerConfig(
        name,
        epochs,
        batchSize,
        syncEvery,
        seed,
        aggregationDepth,
        clipNorm,
        checkpointEveryRounds,
        checkpointEveryMinutes,
        scaleOut,
        e,
        emaDecay);
  }

  /**
   * The tree depth for {@code partitions} leaves: the explicit depth, or for 0 (auto) the smallest
   * d with {@link #AUTO_AGGREGATION_FAN_IN}ᵈ ≥ partitions.
   */
  public static int aggregationDepth(int setting, int partitions) {
    if (setting > 0) {
      return setting;
    }
    int d = 1;
    for (long reach = AUTO_AGGREGATION_FAN_IN;
        reach < partitions;
        reach *= AUTO_AGGREGATION_FAN_IN) {
      d++;
    }
    return d;
  }
}
