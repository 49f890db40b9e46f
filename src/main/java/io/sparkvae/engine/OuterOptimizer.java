// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;

/**
 * The driver's rule at the end of a round of local steps: from the parameters θ broadcast at the
 * round's start and the row-weighted average θ̄ of the partitions' parameters after their k local
 * steps, the next θ. Plain averaging takes θ̄; the published alternatives treat Δ = θ − θ̄ as a
 * pseudo-gradient and step along it with momentum ({@link DiLoCo}, {@link SlowMo}).
 *
 * <p>Pure float arithmetic on the driver, elementwise and in a fixed order, so a rule is as
 * reproducible as the sum it is given; its state (a momentum buffer) lives in {@link TrainingState}
 * and in checkpoints.
 */
public interface OuterOptimizer extends Serializable {

  /** Floats of state for a model of {@code numParams} parameters. */
  int stateSize(int numParams);

  /**
   * Replaces {@code params} (θ, in place) by the next round's parameters.
   *
   * @param average θ̄ in its first {@code params.length} floats (it may be longer)
   * @param state the rule's state, updated in place
   * @param innerLearningRate γ, the inner optimizer's step size at the round's last step
   */
  void step(float[] params, float[] average, float[] state, double innerLearningRate);

  /** The rules by their config spelling ({@code train.outer-optimizer}). */
  enum Kind {
    /** θ ← θ̄: parameter averaging, local SGD (the historical loop). */
    AVERAGE,
    /** Outer Nesterov momentum on Δ (Douillard et al. 2023). */
    DILOCO,
    /** Outer heavy-ball momentum on Δ / γ (Wang et al. 2019). */
    SLOWMO,
    /**
     * {@link #DILOCO} when a round has at least {@link ScaleOut#AUTO_DILOCO_MIN_STEPS} local steps
     * on two or more partitions, else {@link #AVERAGE}: measured, outer momentum won back what more
     * partitions lose on rounds of 128 steps, cost 30 nats on rounds of 4, and on one partition,
     * where there is nothing to win back, cost the conv model epochs (training.md, "Scale-out
     * modes").
     */
    AUTO;

    public String configName() {
      return ScaleOut.spelling(this);
    }
  }

  /** Plain averaging, the rule of an outer warm-up ({@link ScaleOut#outerWarmupEpochs}). */
  OuterOptimizer AVERAGE = new Average();

  /** The rule of {@code kind} with outer learning rate and momentum (unused by averaging). */
  static OuterOptimizer of(Kind kind, double learningRate, double momentum) {
    return switch (kind) {
      case AVERAGE -> new Average();
      case DILOCO -> new DiLoCo(learningRate, momentum);
      case SLOWMO -> new SlowMo(learningRate, momentum);
      case AUTO -> throw new IllegalArgumentException("resolve auto first (ScaleOut#resolve)");
    };
  }

  /** θ ← θ̄, copied: the historical rule, to the bit. */
  final class Average implements OuterOptimizer {
    private static final long serialVersionUID = 1L;

    @Override
    public int stateSize(int numParams) {
      return 0;
    }

    @Override
    public void step(float[] params, float[] average, float[] state, double innerLearningRate) {
      System.arraycopy(average, 0, params, 0, params.length);
    }
  }
}
