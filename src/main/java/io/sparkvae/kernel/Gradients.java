package io.sparkvae.kernel;

/** Turning a summed gradient into the one an optimizer step uses. */
public final class Gradients {
  private Gradients() {}

  /**
   * Divides a gradient summed over {@code count} rows by the count, then, when
   * {@code maxNorm > 0}, rescales it to at most that global L2 norm. Returns the norm before
   * clipping (NaN or infinite when the gradient is).
   */
  public static double meanAndClip(float[] gradSum, double count, double maxNorm) {
    if (!(count > 0)) {
      throw new IllegalArgumentException("gradient over " + count + " rows");
    }
    float inv = (float) (1.0 / count);
    double sq = 0;
    for (int i = 0; i < gradSum.length; i++) {
      float g = gradSum[i] * inv;
      gradSum[i] = g;
      sq += (double) g * g;
    }
    double norm = Math.sqrt(sq);
    if (maxNorm > 0 && norm > maxNorm) {
      float s = (float) (maxNorm / norm);
      for (int i = 0; i < gradSum.length; i++) {
        gradSum[i] *= s;
      }
    }
    return norm;
  }
}
