// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.Optimizer;
import java.io.Serializable;
import java.util.Locale;

/**
 * How the synchronous loop spends more partitions: what a step's batch is, what a round carries of
 * the inner optimizer's state, how the driver turns the partitions' parameters into the next ones,
 * and when local steps start. {@link #DEFAULT} is the loop as it always was (global batch, both
 * Adam moments averaged, plain parameter averaging), bit for bit.
 *
 * <p>The published rules these implement are listed in src/site/markdown/training.md ("Scale-out
 * modes" and "The models" §3).
 *
 * @param outer the outer rule applied at the end of every round of local steps (k > 1); rounds of
 *     one synchronous step (k = 1) are exact steps of the inner optimizer and have no outer rule
 * @param outerLearningRate η of DiLoCo, α of SlowMo
 * @param outerMomentum β of DiLoCo and SlowMo
 * @param innerState what a round of local steps carries over of the inner optimizer's state
 * @param syncWarmupEpochs post-local SGD (Lin et al. 2020): the first this many epochs take one
 *     synchronous step per round (k = 1), the later ones k local steps
 * @param batchMode whether {@code batchSize} is the global batch or each partition's own
 * @param learningRateScaling how the inner learning rate grows with the global batch, when the
 *     batch is per partition or grown by {@code minRowsPerStep}
 * @param learningRateWarmupEpochs the scaled rate is reached linearly over this many epochs from
 *     the base rate (Goyal et al. 2017); 0 = at once
 * @param minRowsPerStep with a global batch, the fewest rows a partition's step takes: when the
 *     partitions that hold rows are more than batch / this, the global batch grows to their number
 *     times this, and the learning rate with it ({@code learningRateScaling}); 0 = never grow
 * @param outerWarmupEpochs the first this many epochs' rounds end in plain averaging, and the outer
 *     rule (its momentum buffer still zero) takes over after them: outer momentum on the large
 *     changes of a model's first rounds overshoots (training.md, "Outer warm-up"); {@link
 *     #AUTO_OUTER_WARMUP} until {@link #resolve}d
 */
public record ScaleOut(
    OuterOptimizer.Kind outer,
    double outerLearningRate,
    double outerMomentum,
    InnerState innerState,
    int syncWarmupEpochs,
    BatchMode batchMode,
    LearningRateScaling learningRateScaling,
    double learningRateWarmupEpochs,
    int minRowsPerStep,
    int outerWarmupEpochs)
    implements Serializable {

  /** {@link OuterOptimizer.Kind#AUTO} takes DiLoCo from rounds of this many local steps on. */
  public static final int AUTO_DILOCO_MIN_STEPS = 64;

  /**
   * {@link InnerState#AUTO} restarts the inner state every round on this many partitions and more,
   * with rounds of at least {@link #AUTO_DILOCO_MIN_STEPS} local steps.
   */
  public static final int AUTO_RESET_MIN_PARTITIONS = 4;

  /** ... and at most this many (beyond, the defaults scale the learning rate by 2 or more). */
  public static final int AUTO_RESET_MAX_PARTITIONS = 16;

  /** {@link #outerWarmupEpochs} that {@link #resolve} replaces by its measured rule. */
  public static final int AUTO_OUTER_WARMUP = -1;

  /**
   * The automatic outer warm-up starts on this many partitions, where the automatic rounds grow
   * longer than 128 steps ({@link TrainerConfig#autoSyncEvery}).
   */
  public static final int AUTO_OUTER_WARMUP_MIN_PARTITIONS = 8;

  /**
   * This with {@link OuterOptimizer.Kind#AUTO}, {@link InnerState#AUTO} and {@link
   * #AUTO_OUTER_WARMUP} replaced by the rules they stand for on rounds of {@code k} local steps
   * over {@code partitions} partitions. One partition averages nothing, so there is no shrinkage
   * for the momentum to win back.
   *
   * @param rateGrows whether the inner learning rate is scaled up for a grown batch ({@link
   *     Rates#grows}), when the automatic outer warm-up lasts as long as the rate's warm-up
   */
  public ScaleOut resolve(int k, int partitions, boolean rateGrows) {
    ScaleOut r = this;
    if (outerWarmupEpochs == AUTO_OUTER_WARMUP) {
      int epochs =
          partitions < AUTO_OUTER_WARMUP_MIN_PARTITIONS
              ? 0
              : rateGrows ? Math.max(1, (int) Math.ceil(learningRateWarmupEpochs)) : 1;
      r = r.withOuterWarmupEpochs(epochs);
    }
    if (outer == OuterOptimizer.Kind.AUTO) {
      OuterOptimizer.Kind kind =
          k >= AUTO_DILOCO_MIN_STEPS && partitions > 1
              ? OuterOptimizer.Kind.DILOCO
              : OuterOptimizer.Kind.AVERAGE;
      r = r.withOuter(kind, outerLearningRate, outerMomentum);
    }
    if (innerState == InnerState.AUTO) {
      r = r.withInnerState(InnerState.auto(k, partitions));
    }
    return r;
  }

  /** The loop as it was before these modes existed. */
  public static final ScaleOut DEFAULT =
      new ScaleOut(
          OuterOptimizer.Kind.AVERAGE,
          0.7,
          0.9,
          InnerState.AVERAGE,
          0,
          BatchMode.GLOBAL,
          LearningRateScaling.NONE,
          0,
          0,
          0);

  public ScaleOut {
    if (!(outerLearningRate > 0) || Double.isInfinite(outerLearningRate)) {
      throw new IllegalArgumentException(
          "train.outer-learning-rate must be > 0, got " + outerLearningRate);
    }
    if (!(outerMomentum >= 0 && outerMomentum < 1)) {
      throw new IllegalArgumentException(
          "train.outer-momentum must lie in [0, 1), got " + outerMomentum);
    }
    if (syncWarmupEpochs < 0) {
      throw new IllegalArgumentException(
          "train.sync-warmup-epochs must be >= 0, got " + syncWarmupEpochs);
    }
    if (outerWarmupEpochs < AUTO_OUTER_WARMUP) {
      throw new IllegalArgumentException(
          "train.outer-warmup-epochs must be >= 0, or -1 (auto), got " + outerWarmupEpochs);
    }
    if (minRowsPerStep < 0) {
      throw new IllegalArgumentException(
          "train.min-rows-per-step must be >= 0, got " + minRowsPerStep);
    }
    if (!(learningRateWarmupEpochs >= 0) || Double.isInfinite(learningRateWarmupEpochs)) {
      throw new IllegalArgumentException(
          "train.learning-rate-warmup-epochs must be >= 0, got " + learningRateWarmupEpochs);
    }
  }

  public ScaleOut withOuter(OuterOptimizer.Kind kind, double learningRate, double momentum) {
    return new ScaleOut(
        kind,
        learningRate,
        momentum,
        innerState,
        syncWarmupEpochs,
        batchMode,
        learningRateScaling,
        learningRateWarmupEpochs,
        minRowsPerStep,
        outerWarmupEpochs);
  }

  public ScaleOut withInnerState(InnerState s) {
    return new ScaleOut(
        outer,
        outerLearningRate,
        outerMomentum,
        s,
        syncWarmupEpochs,
        batchMode,
        learningRateScaling,
        learningRateWarmupEpochs,
        minRowsPerStep,
        outerWarmupEpochs);
  }

  public ScaleOut withSyncWarmupEpochs(int epochs) {
    return new ScaleOut(
        outer,
        outerLearningRate,
        outerMomentum,
        innerState,
        epochs,
        batchMode,
        learningRateScaling,
        learningRateWarmupEpochs,
        minRowsPerStep,
        outerWarmupEpochs);
  }

  public ScaleOut withBatchMode(BatchMode mode, LearningRateScaling scaling, double warmupEpochs) {
    return new ScaleOut(
        outer,
        outerLearningRate,
        outerMomentum,
        innerState,
        syncWarmupEpochs,
        mode,
        scaling,
        warmupEpochs,
        minRowsPerStep,
        outerWarmupEpochs);
  }

  public ScaleOut withMinRowsPerStep(int rows) {
    return new ScaleOut(
        outer,
        outerLearningRate,
        outerMomentum,
        innerState,
        syncWarmupEpochs,
        batchMode,
        learningRateScaling,
        learningRateWarmupEpochs,
        rows,
        outerWarmupEpochs);
  }

  public ScaleOut withOuterWarmupEpochs(int epochs) {
    return new ScaleOut(
        outer,
        outerLearningRate,
        outerMomentum,
        innerState,
        syncWarmupEpochs,
        batchMode,
        learningRateScaling,
        learningRateWarmupEpochs,
        minRowsPerStep,
        epochs);
  }

  /**
   * Whether partitions of {@code sizes} rows with {@code train.batch-size} {@code batchSize} scale
   * the inner learning rate up (a grown or per-partition batch, with a scaling rule).
   */
  public boolean rateGrows(long[] sizes, int batchSize) {
    return rates(sizes, batchSize).grows();
  }

  /**
   * The rule that ends a round of epoch {@code epoch}: plain averaging during the outer warm-up,
   * else {@code rule}.
   */
  OuterOptimizer outerAt(int epoch, OuterOptimizer rule) {
    if (outerWarmupEpochs == AUTO_OUTER_WARMUP) {
      throw new IllegalStateException("resolve auto first (ScaleOut#resolve)");
    }
    return epoch < outerWarmupEpochs ? OuterOptimizer.AVERAGE : rule;
  }

  /**
   * The inner optimizer at each step: {@code learningRateScaling} for a global batch {@code ratio}
   * times the base one, warmed up over {@code warmupEpochs}.
   */
  record Rates(LearningRateScaling scaling, double ratio, double warmupEpochs)
      implements Serializable {
    /** {@code base} as it steps at step {@code step} of {@code steps} in epoch {@code epoch}. */
    Optimizer at(Optimizer base, int epoch, int step, int steps) {
      return base.scaled(scaling.factor(ratio, epoch + (double) step / steps, warmupEpochs));
    }

    /** Whether the rate ends above the base rate. */
    boolean grows() {
      return scaling.factor(ratio, Double.POSITIVE_INFINITY, warmupEpochs) != 1;
    }
  }

  /**
   * The rates of a run over partitions of {@code sizes} rows with {@code train.batch-size} {@code
   * batchSize}: scaled by the ratio of the global batch to it.
   */
  Rates rates(long[] sizes, int batchSize) {
    double ratio =
        batchMode == BatchMode.PER_PARTITION
            ? Math.max(1, holding(sizes))
            : (double) globalBatch(sizes, batchSize) / batchSize;
    return new Rates(learningRateScaling, ratio, learningRateWarmupEpochs);
  }

  /**
   * The rows of a step: {@code batchSize}, or with a global batch and {@code minRowsPerStep} > 0 at
   * least that many per partition that holds rows, so that no partition's step is too small for the
   * kernel to run efficiently.
   */
  public int globalBatch(long[] sizes, int batchSize) {
    if (batchMode != BatchMode.GLOBAL || minRowsPerStep == 0) {
      return batchSize;
    }
    return (int)
        Math.max(batchSize, Math.min(Integer.MAX_VALUE, (long) holding(sizes) * minRowsPerStep));
  }

  private static int holding(long[] sizes) {
    int p = 0;
    for (long n : sizes) {
      p += n > 0 ? 1 : 0;
    }
    return p;
  }

  /** Spelled in lower case with dashes, as the config writes them. */
  static String spelling(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * What a round of local steps carries over of the inner optimizer's state, by the optimizer's
   * state parts ({@link Optimizer#stateParts}: Adam's are the first moment m and the second moment
   * v).
   *
   * <p>Why not "each partition keeps its own state", as DiLoCo's workers do: a Spark partition has
   * no home; after a failure or a rebalance its task runs on another executor, so a state kept on
   * an executor would have to be shipped back to the driver every round anyway (and checkpointed, P
   * times the size of the model), or the run would stop being reproducible. The two designs that
   * stay deterministic without that traffic are to average a part or to restart it at zero.
   */
  public enum InnerState {
    /** Every part is broadcast, and averaged by rows at the round's end (the historical loop). */
    AVERAGE,
    /**
     * Adam's second moment is broadcast and averaged, the first restarts at zero every round. m
     * forgets in about 10 steps (0.9ᵏ), v in about 1000 (0.999ᵏ): averaging m over a round of 128
     * steps carries almost nothing, averaging v keeps the per-weight step sizes.
     */
    SECOND_MOMENT,
    /** Every part restarts at zero every round; only parameters travel. */
    RESET,
    /**
     * {@link #RESET} on rounds of at least {@link ScaleOut#AUTO_DILOCO_MIN_STEPS} local steps on
     * {@link ScaleOut#AUTO_RESET_MIN_PARTITIONS} to {@link ScaleOut#AUTO_RESET_MAX_PARTITIONS}
     * partitions, {@link #AVERAGE} otherwise (measured by time to target: training.md, "The
     * defaults").
     */
    AUTO;

    public String configName() {
      return spelling(this);
    }

    /** What {@link #AUTO} stands for on rounds of {@code k} local steps over P partitions. */
    static InnerState auto(int k, int partitions) {
      return k >= AUTO_DILOCO_MIN_STEPS
              && partitions >= AUTO_RESET_MIN_PARTITIONS
              && partitions <= AUTO_RESET_MAX_PARTITIONS
          ? RESET
          : AVERAGE;
    }

    /** Whether part {@code part} of the state is carried across rounds (else zeroed). */
    boolean carries(int part) {
      if (this == AUTO) {
        throw new IllegalStateException("resolve auto first (ScaleOut#resolve)");
      }
      return this == AVERAGE || (this == SECOND_MOMENT && part >= 1);
    }

    /**
     * The slices of {@code opt}'s state that a round broadcasts and averages, as {@code [from₀,
     * to₀, from₁, to₁, …]}: all of it for {@link #AVERAGE}, else the carried parts.
     */
    int[] carriedRanges(Optimizer opt, int numParams) {
      if (this == AUTO) {
        throw new IllegalStateException("resolve auto first (ScaleOut#resolve)");
      }
      if (this == AVERAGE) {
        return new int[] {0, opt.stateSize(numParams)};
      }
      int[] r = new int[0];
      for (int part = 0; part < opt.stateParts(); part++) {
        if (carries(part)) {
          r = java.util.Arrays.copyOf(r, r.length + 2);
          r[r.length - 2] = part * numParams;
          r[r.length - 1] = (part + 1) * numParams;
        }
      }
      return r;
    }

    /**
     * For {@link Optimizer#update(float[], float[], float, float[], long, long[])}: the update
     * count at which each state part was last zeroed, when a round starts after {@code
     * updatesBefore} updates; null for {@link #AVERAGE}, which zeroes nothing.
     */
    long[] zeroedAt(Optimizer opt, long updatesBefore) {
      if (this == AVERAGE) {
        return null;
      }
      long[] z = new long[opt.stateParts()];
      for (int part = 0; part < z.length; part++) {
        z[part] = carries(part) ? 0 : updatesBefore;
      }
      return z;
    }
  }

  /** What {@code train.batch-size} counts. */
  public enum BatchMode {
    /**
     * B rows per synchronous step summed over all partitions: each partition's slice is about B/P
     * rows, and an epoch is ⌈N / B⌉ steps whatever P is.
     */
    GLOBAL,
    /**
     * B rows per step on every partition: the global batch is about P·B rows, an epoch is max ⌈nₚ /
     * B⌉ steps, P times fewer than with a global batch on P even partitions.
     */
    PER_PARTITION;

    public String configName() {
      return spelling(this);
    }

    /** Steps of an epoch over partitions of {@code sizes} rows with batch {@code batchSize}. */
    public int stepsPerEpoch(long[] sizes, int batchSize) {
      if (this == GLOBAL) {
        return io.sparkvae.kernel.Schedule.stepsPerEpoch(sizes, batchSize);
      }
      long most = 0;
      for (long n : sizes) {
        most = Math.max(most, (n + batchSize - 1) / batchSize);
      }
      if (most > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("too many steps per epoch: " + most);
      }
      return (int) most;
    }
  }

  /**
   * The inner learning rate's factor for a global batch r times {@code train.batch-size} (r = the
   * partitions that hold rows, in {@link BatchMode#PER_PARTITION} mode; with a global batch, the
   * growth that {@code minRowsPerStep} asks for, else 1).
   */
  public enum LearningRateScaling {
    /** The base rate. */
    NONE,
    /** √r: the rule that keeps Adam's updates' noise constant (Malladi et al. 2022). */
    SQRT,
    /** r: the linear scaling rule of Goyal et al. 2017 (for SGD; with a gradual warm-up). */
    LINEAR;

    public String configName() {
      return spelling(this);
    }

    /**
     * The factor at {@code progress} epochs into training (epoch + step / steps), reaching the
     * target linearly from 1 over {@code warmupEpochs}.
     */
    public double factor(double r, double progress, double warmupEpochs) {
      double target =
          switch (this) {
            case NONE -> 1;
            case SQRT -> Math.sqrt(r);
            case LINEAR -> r;
          };
      if (target == 1 || warmupEpochs <= 0 || progress >= warmupEpochs) {
        return target;
      }
      return 1 + (target - 1) * (progress / warmupEpochs);
    }
  }
}
