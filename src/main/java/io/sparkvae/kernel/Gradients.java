// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/** Turning a summed gradient into the one an optimizer step uses. */
public final class Gradients {
  private Gradients() {}

  /**
   * The factor that turns a gradient summed over {@code count} rows into the step's gradient:
   * 1/count, times maxNorm/‖mean‖ when {@code maxNorm > 0} and the mean's global L2 norm exceeds
   * it. The norm is only computed when clipping is on. Returns NaN when the norm is not finite.
   */
  public static float stepScale(float[] gradSum, double count, double maxNorm) {
    if (!(count > 0)) {
      throw new IllegalArgumentException("gradient over " + count + " rows");
    }
    double scale = 1.0 / count;
    if (maxNorm > 0) {
      double norm = Math.sqrt(Elementwise.INSTANCE.sumOfSquares(gradSum)) * scale;
      if (!Double.isFinite(norm)) {
        return Float.NaN;
      }
      if (norm > maxNorm) {
        scale *= maxNorm / norm;
      }
    }
    return (float) scale;
  }

  /** The global L2 norm of {@code a}. */
  public static double norm(float[] a) {
    return Math.sqrt(Elementwise.INSTANCE.sumOfSquares(a));
  }
}
