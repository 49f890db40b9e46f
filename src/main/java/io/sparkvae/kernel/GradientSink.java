// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * Where a training step hands parts of its gradient the moment they are final, so that the
 * optimizer updates those parameters while their gradient is still in cache ({@link
 * Objective.Evaluator#accumulateAndApply}).
 */
@FunctionalInterface
public interface GradientSink {
  /**
   * The gradient, summed over the step's rows, of parameters [from, from + len) is {@code g[gOff ..
   * gOff + len)}: update them now, and zero that gradient when {@code clear}.
   */
  void apply(int from, int len, float[] g, int gOff, boolean clear);
}
