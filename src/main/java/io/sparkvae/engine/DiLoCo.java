// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

/**
 * DiLoCo's outer step (Douillard et al. 2023, arXiv 2311.08105): Nesterov momentum on the
 * pseudo-gradient Δ = θ − θ̄,
 *
 * <pre>
 *   m ← β m + Δ
 *   θ ← θ − η (β m + Δ)
 * </pre>
 *
 * <p>With η = 1 and β = 0 it is plain averaging (up to the rounding of θ − (θ − θ̄)); η > 1
 * extrapolates past θ̄, and β carries the direction of the last rounds. The published values are η
 * = 0.7, β = 0.9; Charles et al. 2025 (arXiv 2503.09799) find the best η grows with the worker
 * count and with k. State: m, one float per parameter.
 */
final class DiLoCo implements OuterOptimizer {
  private static final long serialVersionUID = 1L;
  private final float eta;
  private final float beta;

  DiLoCo(double learningRate, double momentum) {
    this.eta = (float) learningRate;
    this.beta = (float) momentum;
  }

  @Override
  public int stateSize(int numParams) {
    return numParams;
  }

  @Override
  public void step(float[] params, float[] average, float[] m, double innerLearningRate) {
    for (int i = 0; i < params.length; i++) {
      float delta = params[i] - average[i];
      float mi = beta * m[i] + delta;
      m[i] = mi;
      params[i] -= eta * (beta * mi + delta);
    }
  }
}
