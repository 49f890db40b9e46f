// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

/**
 * SlowMo's outer step (Wang et al. 2019, arXiv 1910.00643): heavy-ball momentum on the
 * pseudo-gradient Δ = θ − θ̄ measured in units of the inner learning rate γ,
 *
 * <pre>
 *   u ← β u + Δ / γ
 *   θ ← θ − α γ u
 * </pre>
 *
 * <p>Dividing by γ and multiplying back makes u a sum of gradient-sized steps, so the momentum
 * buffer keeps its meaning when γ changes (a warm-up or a decay); with a constant γ this is θ ← θ −
 * α (β γu_prev + Δ). With α = 1 and β = 0 it is plain averaging up to rounding. The paper's α is 1
 * and β lies between 0 and 0.6, growing with the worker count. State: u, one float per parameter.
 */
final class SlowMo implements OuterOptimizer {
  private static final long serialVersionUID = 1L;
  private final float alpha;
  private final float beta;

  SlowMo(double learningRate, double momentum) {
    this.alpha = (float) learningRate;
    this.beta = (float) momentum;
  }

  @Override
  public int stateSize(int numParams) {
    return numParams;
  }

  @Override
  public void step(float[] params, float[] average, float[] u, double innerLearningRate) {
    float gamma = (float) innerLearningRate;
    float step = alpha * gamma;
    for (int i = 0; i < params.length; i++) {
      float ui = beta * u[i] + (params[i] - average[i]) / gamma;
      u[i] = ui;
      params[i] -= step * ui;
    }
  }
}
