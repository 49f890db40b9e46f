// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, in the form PyTorch uses: {@code θ ← θ − (lr /
 * (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)}.
 *
 * <p>State layout: {@code [m (n floats) | v (n floats)]}. Moments smaller than {@link Kernel#FLUSH}
 * are stored as zero: a weight whose gradient stays zero (a dead unit, an always-black pixel) would
 * otherwise decay its moments geometrically into denormal floats.
 */
public final class Adam implements Optimizer {
  private static final long serialVersionUID = 1L;
  private final float lr;
  private final float beta1;
  private final float beta2;
  private final float eps;

  public Adam(double learningRate, double beta1, double beta2, double eps) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(
          "Adam betas must lie in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException("Adam epsilon must be > 0, got " + eps);
    }
    this.lr = (float) learningRate;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.eps = (float) eps;
  }

  public Adam(double learningRate) {
    this(learningRate, 0.9, 0.999, 1e-8);
  }

  @Override
  public int stateSize(int numParams) {
    return 2 * numParams;
  }

  @Override
  public void update(float[] params, float[] grad, float gradScale, float[] state, long t) {
    update(params, grad, gradScale, state, t, t, false);
  }

  @Override
  public void update(
      float[] params, float[] grad, float gradScale, float[] state, long t, long[] zeroedAt) {
    update(params, grad, gradScale, state, t - zeroedAt[0], t - zeroedAt[1], false);
  }

  @Override
  public void updateAndClear(
      float[] params, float[] grad, float gradScale, float[] state, long t, long[] zeroedAt) {
    long t1 = zeroedAt == null ? t : t - zeroedAt[0];
    long t2 = zeroedAt == null ? t : t - zeroedAt[1];
    update(params, grad, gradScale, state, t1, t2, true);
  }

  /**
   * One step whose first moment has seen {@code t1} updates and the second {@code t2}; with {@code
   * clear}, zeroes the gradient in the same pass.
   */
  private void update(
      float[] params,
      float[] grad,
      float gradScale,
      float[] state,
      long t1,
      long t2,
      boolean clear) {
    int n = params.length;
    if (grad.length != n || state.length != 2 * n) {
      throw new IllegalArgumentException(
          "Adam: "
              + n
              + " params, "
              + grad.length
              + " gradient floats, "
              + state.length
              + " state floats (expected 2 × params)");
    }
    if (t1 < 1 || t2 < 1) {
      throw new IllegalArgumentException(
          "Adam step counts are 1-based, got " + t1 + (t1 == t2 ? "" : " and " + t2));
    }
    double bc1 = 1.0 - Math.pow(beta1, t1);
    double bc2 = 1.0 - Math.pow(beta2, t2);
    Elementwise.INSTANCE.adam(
        params,
        grad,
        gradScale,
        state,
        beta1,
        beta2,
        (float) (lr / bc1),
        (float) (1.0 / Math.sqrt(bc2)),
        eps,
        clear);
  }

  @Override
  public int stateParts() {
    return 2;
  }

  @Override
  public double learningRate() {
    return lr;
  }

  @Override
  public Optimizer scaled(double factor) {
    // (double) lr · factor, rounded once to float: factor 1 gives back the same float lr.
    return factor == 1 ? this : new Adam((double) lr * factor, beta1, beta2, eps);
  }

  @Override
  public String describe() {
    return "adam(lr=" + lr + ", b1=" + beta1 + ", b2=" + beta2 + ", eps=" + eps + ")";
  }
}
