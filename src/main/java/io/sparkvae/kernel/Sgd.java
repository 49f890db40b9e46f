// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/** Plain stochastic gradient descent, {@code θ ← θ − lr · g}; it has no state. */
public final class Sgd implements Optimizer {
  private static final long serialVersionUID = 1L;
  private final float lr;

  public Sgd(double learningRate) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    this.lr = (float) learningRate;
  }

  @Override
  public int stateSize(int numParams) {
    return 0;
  }

  @Override
  public void update(float[] params, float[] grad, float gradScale, float[] state, long t) {
    if (grad.length != params.length) {
      throw new IllegalArgumentException(
          "SGD: " + params.length + " params but " + grad.length + " gradient floats");
    }
    float s = lr * gradScale;
    for (int i = 0; i < params.length; i++) {
      params[i] -= s * grad[i];
    }
  }

  @Override
  public double learningRate() {
    return lr;
  }

  @Override
  public Optimizer scaled(double factor) {
    return factor == 1 ? this : new Sgd((double) lr * factor);
  }

  @Override
  public String describe() {
    return "sgd(lr=" + lr + ")";
  }
}
