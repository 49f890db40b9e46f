// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.io.Serializable;

/**
 * A first-order update rule over one flat parameter vector, with its state in one flat array too,
 * so that averaging, broadcasting and checkpointing it are one array operation each.
 */
public interface Optimizer extends Serializable {

  /** Floats of state for a model of {@code numParams} parameters. */
  int stateSize(int numParams);

  /**
   * Applies update number {@code t} (1-based) for the gradient {@code grad · gradScale} (the engine
   * passes a summed gradient and 1/rows, clipping folded in: one pass over memory). Updates {@code
   * params} and {@code state} in place; allocates nothing.
   */
  void update(float[] params, float[] grad, float gradScale, float[] state, long t);

  /**
   * {@link #update} when parts of the state were zeroed after training began: state part i (of
   * {@link #stateParts}) has accumulated {@code t − zeroedAt[i]} updates, this one included. Adam
   * bias-corrects each moment by its own count, so a moment restarted at zero at the start of a
   * round of local steps is scaled as the young average it is, not as one over t gradients (which
   * would shrink the round's first steps about tenfold). With every {@code zeroedAt[i] = 0} this is
   * {@link #update}; rules without bias correction ignore it.
   */
  default void update(
      float[] params, float[] grad, float gradScale, float[] state, long t, long[] zeroedAt) {
    update(params, grad, gradScale, state, t);
  }

  /**
   * {@link #update(float[], float[], float, float[], long, long[])} ({@code zeroedAt} null: no part
   * restarted), then leaves {@code grad} all zeros, ready for the next step's sum. Adam does both
   * in its one pass over memory, with the same bits as update then fill.
   */
  default void updateAndClear(
      float[] params, float[] grad, float gradScale, float[] state, long t, long[] zeroedAt) {
    if (zeroedAt == null) {
      update(params, grad, gradScale, state, t);
    } else {
      update(params, grad, gradScale, state, t, zeroedAt);
    }
    java.util.Arrays.fill(grad, 0f);
  }

  /**
   * How many consecutive blocks of {@code numParams} floats the state holds, each a statistic of
   * its own (Adam: 2, the first moment then the second; SGD: 0). The training engine may keep some
   * parts and zero others between rounds of local steps.
   */
  default int stateParts() {
    return 0;
  }

  /** The step size γ (before any {@link #scaled} factor is applied). */
  double learningRate();

  /**
   * The same rule with its learning rate multiplied by {@code factor} (the large-batch scaling
   * rules); {@code this} when the factor is 1, so the default path is unchanged to the bit.
   */
  Optimizer scaled(double factor);

  /** For example {@code adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-08)}. */
  String describe();

  /**
   * The update rules by their config spelling ({@code train.optimizer}, {@code linreg.optimizer}).
   */
  enum Kind {
    ADAM("adam"),
    SGD("sgd");

    private final String configName;

    Kind(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    /** The kind spelled {@code name} (any case). */
    public static Kind fromName(String name) {
      String n = name.trim().toLowerCase(java.util.Locale.ROOT);
      for (Kind k : values()) {
        if (k.configName.equals(n)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected adam or sgd");
    }
  }

  /** Builds an optimizer by name ({@code adam} or {@code sgd}). */
  static Optimizer named(String name, double learningRate) {
    return Kind.fromName(name) == Kind.ADAM ? new Adam(learningRate) : new Sgd(learningRate);
  }
}
