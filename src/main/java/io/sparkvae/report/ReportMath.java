// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import io.sparkvae.linalg.SymmetricEigen;
import java.util.Locale;

/**
 * The little numerics behind the figures: standard normal quantiles for the latent-manifold grid,
 * and a two-component PCA for scattering latent means of more than two dimensions.
 */
public final class ReportMath {
  // Acklam's rational approximations: central region, then tails.
  private static final double[] A = {
    -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
  };
  private static final double[] B = {
    -5.447609879822406e+01,
    1.615858368580409e+02,
    -1.556989798598866e+02,
    6.680131188771972e+01,
    -1.328068155288572e+01
  };
  private static final double[] C = {
    -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
  };
  private static final double[] D = {
    7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
  };
  private static final double TAIL = 0.02425;

  private ReportMath() {}

  /**
   * Φ⁻¹(p), the quantile function of the standard normal distribution: the z with P(Z ≤ z) = p.
   *
   * <p>Peter Acklam's algorithm: a rational function of p − ½ on [0.02425, 0.97575] and one of √(−2
   * log p) in each tail, with relative error below 1.15·10⁻⁹ everywhere, far finer than any axis
   * label. The upper tail is computed as −Φ⁻¹(1 − p), so the result is exactly antisymmetric.
   *
   * @return −∞ for p = 0 and +∞ for p = 1
   * @throws IllegalArgumentException if p is NaN or outside [0, 1]
   */
  public static double inverseNormalCdf(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("a probability must lie in [0, 1], got " + p);
    }
    if (p == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p == 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (p < TAIL) {
      return lowerTail(p);
    }
    if (p > 1 - TAIL) {
      return -lowerTail(1 - p);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5])
        * q
        / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }

  private static double lowerTail(double p) {
    double q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
        / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }

  /**
   * {@code n} standard normal quantiles at probabilities evenly spaced from {@code pLow} to {@code
   * pHigh}, ascending.
   *
   * <p>This is how Kingma and Welling lay out their latent manifold figures: a grid even in
   * probability rather than in z puts as many grid points in each slice of prior mass, so every
   * tile shows a latent code the decoder was trained to handle, and none is wasted far out in the
   * tails. With (0.05, 0.95) the grid spans z ∈ [−1.645, 1.645].
   */
  public static double[] normalQuantiles(int n, double pLow, double pHigh) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least 1 grid point, got " + n);
    }
    if (!(pLow > 0 && pLow <= pHigh && pHigh < 1)) {
      throw new IllegalArgumentException(
          "quantile range must satisfy 0 < pLow <= pHigh < 1, got " + pLow + ", " + pHigh);
    }
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      double p = n == 1 ? (pLow + pHigh) / 2 : pLow + (pHigh - pLow) * i / (n - 1);
      z[i] = inverseNormalCdf(p);
    }
    return z;
  }

  /**
   * The projection of points onto their first two principal components, with what it keeps.
   *
   * @param xs the coordinates along the first component (the direction of largest variance)
   * @param ys the coordinates along the second
   * @param pc1 the first component, a unit vector in the input space
   * @param pc2 the second, orthogonal to the first (all zeros for 1-dimensional input)
   * @param variance1 the variance along pc1
   * @param variance2 the variance along pc2
   * @param totalVariance the total variance (trace of the covariance), so that {@code variance1 /
   *     totalVariance} is the share the first axis shows
   */
  public record Pca2(
      float[] xs,
      float[] ys,
      double[] pc1,
      double[] pc2,
      double variance1,
      double variance2,
      double totalVariance) {

    /** The share of the total variance along component 1 or 2, in [0, 1] (0 if none at all). */
    public double explained(int component) {
      if (component != 1 && component != 2) {
        throw new IllegalArgumentException("component must be 1 or 2, got " + component);
      }
      double v = component == 1 ? variance1 : variance2;
      return totalVariance > 0 ? v / totalVariance : 0;
    }

    /** An axis label such as "PC1 (41.3% of variance)", which tells a reader what is hidden. */
    public String axisLabel(int component) {
      return String.format(
          Locale.ROOT, "PC%d (%.1f%% of variance)", component, 100 * explained(component));
    }
  }

  /**
   * Projects points (e.g. latent means of dimension 10–64) onto their first two principal
   * components, for a 2-D scatter.
   *
   * <p>The data are centred, their covariance (divided by n − 1) is diagonalized with the Jacobi
   * method ({@link SymmetricEigen}), and each point's offset from the mean is projected on the two
   * eigenvectors of largest eigenvalue. A principal component is only defined up to sign, so each
   * is flipped to make its largest-magnitude loading positive (the first such on ties): the same
   * data then give the same picture on every run and machine, not a mirror image. (Two equal
   * eigenvalues leave the directions within their plane arbitrary; no convention can fix that, and
   * nor does it matter for a scatter.)
   *
   * <p>Cost is O(n d²) for the covariance plus O(d³) per Jacobi sweep, a handful of sweeps: meant
   * for latent dimensions, not for pixels.
   *
   * @param points n ≥ 1 points of equal dimension d ≥ 1, all finite
   */
  public static Pca2 pca2(float[][] points) {
    if (points == null || points.length == 0) {
      throw new IllegalArgumentException("PCA needs at least one point");
    }
    if (points[0] == null || points[0].length == 0) {
      throw new IllegalArgumentException("point 0 is null or empty");
    }
    int n = points.length;
    int d = points[0].length;
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      float[] p = points[i];
      if (p == null || p.length != d) {
        throw new IllegalArgumentException(
            "point "
                + i
                + " has "
                + (p == null ? "no" : String.valueOf(p.length))
                + " coordinates; point 0 has "
                + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(p[j])) {
          throw new IllegalArgumentException(
              "point " + i + " coordinate " + j + " is " + p[j] + "; PCA needs finite values");
        }
        mean[j] += p[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[][] cov = new double[d][d];
    double[] centred = new double[d];
    for (float[] p : points) {
      for (int j = 0; j < d; j++) {
        centred[j] = p[j] - mean[j];
      }
      for (int a = 0; a < d; a++) {
        double ca = centred[a];
        for (int b = a; b < d; b++) {
          cov[a][b] += ca * centred[b];
        }
      }
    }
    double denom = n > 1 ? n - 1 : 1;
    double trace = 0;
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        cov[a][b] /= denom;
        cov[b][a] = cov[a][b];
      }
      trace += cov[a][a];
    }

    // Descending eigenvalues, vectors signed by their largest loading: the sign rule above.
    SymmetricEigen eigen = SymmetricEigen.of(cov);
    double[] pc1 = eigen.vector(0);
    double[] pc2 = d > 1 ? eigen.vector(1) : new double[d];
    double var1 = Math.max(0, eigen.value(0));
    double var2 = d > 1 ? Math.max(0, eigen.value(1)) : 0;

    float[] xs = new float[n];
    float[] ys = new float[n];
    for (int i = 0; i < n; i++) {
      double x = 0;
      double y = 0;
      for (int j = 0; j < d; j++) {
        double c = points[i][j] - mean[j];
        x += c * pc1[j];
        y += c * pc2[j];
      }
      xs[i] = (float) x;
      ys[i] = (float) y;
    }
    return new Pca2(xs, ys, pc1, pc2, var1, var2, trace);
  }
}
