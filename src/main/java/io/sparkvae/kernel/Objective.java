// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.io.Serializable;
import java.util.List;

/**
 * What the training engine optimizes: flat parameters and a block of rows in, loss parts and the
 * gradient out. The engine knows nothing else about the model, so the VAE and linear regression
 * ride the same loop.
 *
 * <p>An objective is an immutable description, shipped to executors; each task asks it for an
 * {@link Evaluator}, which owns the scratch memory of one thread.
 */
public interface Objective extends Serializable {

  /** Length of the flat parameter vector. */
  int numParams();

  /** Floats per row in the blocks passed to {@link Evaluator#accumulate}. */
  int rowWidth();

  /**
   * Names of the per-row loss parts, in the order of the {@code lossSums} array. The first is the
   * quantity reported as "the loss" (for a VAE: −ELBO at β = 1).
   */
  List<String> lossNames();

  /** Writes initial parameters, a pure function of the seed. */
  void initialize(float[] params, long seed);

  /**
   * Scratch for blocks of at most {@code maxRows} rows; not thread-safe, cheap to reuse. Objectives
   * have value equality, so executors can reuse an evaluator across rounds for an equal
   * (re-deserialized) objective.
   */
  Evaluator newEvaluator(int maxRows);

  /** Where a minibatch sits in training; objectives key their randomness and schedules on it. */
  record Step(long seed, int epoch, int partition, int step, double progress) {
    public Step {
      if (progress < 0) {
        throw new IllegalArgumentException("progress must be >= 0, got " + progress);
      }
    }
  }

  /** Per-thread computation of loss sums and gradients. */
  interface Evaluator {
    /**
     * Adds the gradient of the loss summed over the {@code n} rows of {@code rows} (row-major,
     * {@code n × rowWidth()}) into {@code grad}, and each loss part summed over the rows into
     * {@code lossSums}. Allocates nothing.
     */
    void accumulate(
        float[] params, float[] rows, int n, Step step, float[] grad, double[] lossSums);

    /**
     * Adds each loss part summed over the rows into {@code lossSums}, without a gradient (for
     * evaluation). Randomness is keyed by {@code step} on a stream separate from training's.
     */
    void lossOnly(float[] params, float[] rows, int n, Step step, double[] lossSums);
  }
}
