// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linalg;

import java.util.Arrays;

/**
 * The eigen-decomposition A = V Λ Vᵀ of a real symmetric matrix, by the cyclic Jacobi method.
 *
 * <p><b>The method.</b> A plane rotation J in the (p, q) plane, chosen so that JᵀAJ has a zero at
 * (p, q), changes only rows and columns p and q and leaves the sum of squares of the matrix
 * unchanged; it moves a_pq² onto the diagonal. Sweeping such rotations over every off-diagonal
 * entry, again and again, drives A to diagonal form: the diagonal is then Λ and the product of the
 * rotations is V. Convergence is quadratic once the off-diagonal part is small, so a handful of
 * sweeps suffice; each costs O(d³). That is slower than reduction to tridiagonal form plus QR
 * (LAPACK's {@code dsyev}), but the method is short, unconditionally stable and computes small
 * eigenvalues to high relative accuracy, which a pseudo-inverse threshold and a PCA of nearly
 * degenerate data both need. Fine for d up to a few hundred (about a second at d = 300).
 *
 * <p><b>When it stops.</b> Only when every off-diagonal entry is exactly zero. Rotations set their
 * own entry to zero exactly; from the fifth sweep on, an entry so small that 100·|a_pq| does not
 * change either |a_pp| or |a_qq| in double precision is set to zero instead of rotated (the rule of
 * Rutishauser's and Numerical Recipes' {@code jacobi}). This is stricter than a norm-wise test such
 * as ‖offdiag(A)‖ ≤ 10⁻¹⁵‖A‖, which can stop while an off-diagonal entry still exceeds a tiny
 * diagonal entry and so spoil the small eigenvalues. At most {@link #MAX_SWEEPS} sweeps are made;
 * well-scaled matrices need fewer than ten.
 *
 * <p><b>What you get.</b> Eigenvalues in descending order and unit eigenvectors, each signed so
 * that its largest-magnitude entry is positive (the first such on ties): an eigenvector is only
 * defined up to sign, and this makes the same matrix give the same vectors on every run. Equal
 * eigenvalues leave the directions within their eigenspace arbitrary.
 *
 * <pre>{@code
 * SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
 * e.values();   // {3, 1}
 * e.vector(0);  // {0.7071…, 0.7071…}
 * }</pre>
 *
 * <p>Immutable; the accessors return copies.
 */
public final class SymmetricEigen {
  /** The most sweeps made before the current diagonal is returned as it is. */
  public static final int MAX_SWEEPS = 100;

  // From this sweep on, negligible entries are set to zero rather than rotated.
  private static final int FIRST_SWEEP_TO_DROP = 4;

  private final double[] values;
  // Eigenvectors as columns: vectors[i][k] is entry i of eigenvector k.
  private final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes a symmetric matrix. Only the upper triangle is read (the lower is taken as its
   * mirror), as LAPACK does; the argument is not changed.
   *
   * @param symmetric a d × d matrix, d ≥ 1, of finite entries, as rows
   * @throws IllegalArgumentException if it is empty, not square or holds NaN or infinity
   */
  public static SymmetricEigen of(double[][] symmetric) {
    double[][] a = upperMirrored(symmetric);
    int d = a.length;
    double[][] v = new double[d][d];
    for (int i = 0; i < d; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS && !isDiagonal(a); sweep++) {
      for (int p = 0; p < d - 1; p++) {
        for (int q = p + 1; q < d; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          if (sweep >= FIRST_SWEEP_TO_DROP && negligible(a, p, q)) {
            a[p][q] = 0;
            a[q][p] = 0;
          } else {
            rotate(a, v, p, q);
          }
        }
      }
    }
    return sorted(a, v);
  }

  /** d, the order of the matrix. */
  public int dimension() {
    return values.length;
  }

  /** The eigenvalues λ₁ ≥ λ₂ ≥ … ≥ λ_d, a copy. */
  public double[] values() {
    return values.clone();
  }

  /** λ_k (0-based: λ₀ is the largest). */
  public double value(int k) {
    return values[k];
  }

  /** The unit eigenvector of {@link #value(int) λ_k}, signed as the class comment says. */
  public double[] vector(int k) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = vectors[i][k];
    }
    return out;
  }

  /** V, eigenvectors as columns in the order of {@link #values()}: a copy. */
  public double[][] vectors() {
    double[][] out = new double[vectors.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vectors[i].clone();
    }
    return out;
  }

  private static double[][] upperMirrored(double[][] m) {
    if (m == null || m.length == 0) {
      throw new IllegalArgumentException("an eigen-decomposition needs a matrix of order >= 1");
    }
    int d = m.length;
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      if (m[i] == null || m[i].length != d) {
        throw new IllegalArgumentException(
            "matrix is not square: row "
                + i
                + " has "
                + (m[i] == null ? "no" : String.valueOf(m[i].length))
                + " entries, expected "
                + d);
      }
      for (int j = i; j < d; j++) {
        if (!Double.isFinite(m[i][j])) {
          throw new IllegalArgumentException(
              "matrix entry ("
                  + i
                  + ", "
                  + j
                  + ") is "
                  + m[i][j]
                  + "; an eigen-decomposition needs finite entries");
        }
        a[i][j] = m[i][j];
        a[j][i] = m[i][j];
      }
    }
    return a;
  }

  private static boolean isDiagonal(double[][] a) {
    for (int p = 0; p < a.length; p++) {
      for (int q = p + 1; q < a.length; q++) {
        if (a[p][q] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  // Below the last digit of both diagonal entries: rotating would change neither.
  private static boolean negligible(double[][] a, int p, int q) {
    double g = 100 * Math.abs(a[p][q]);
    return Math.abs(a[p][p]) + g == Math.abs(a[p][p]) && Math.abs(a[q][q]) + g == Math.abs(a[q][q]);
  }

  /** A ← JᵀAJ and V ← VJ for the rotation J in the (p, q) plane that zeroes a_pq. */
  private static void rotate(double[][] a, double[][] v, int p, int q) {
    int d = a.length;
    double apq = a[p][q];
    // tan φ = t, the smaller root of t² + 2θt − 1 = 0 (|φ| ≤ π/4), without cancellation; for a
    // huge θ, t ≈ 1/(2θ), which keeps θ² from overflowing.
    double theta = (a[q][q] - a[p][p]) / (2 * apq);
    double t =
        Math.abs(theta) > 1e150
            ? 0.5 / theta
            : (theta >= 0 ? 1.0 : -1.0) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    double[] rowP = a[p];
    double[] rowQ = a[q];
    // Rows p and q change; mirror them into the columns to keep A exactly symmetric.
    for (int i = 0; i < d; i++) {
      if (i != p && i != q) {
        double api = rowP[i];
        double aqi = rowQ[i];
        rowP[i] = c * api - s * aqi;
        rowQ[i] = s * api + c * aqi;
        a[i][p] = rowP[i];
        a[i][q] = rowQ[i];
      }
    }
    // The 2 × 2 block in closed form: no cancellation in the diagonal, an exact zero beside it.
    rowP[p] -= t * apq;
    rowQ[q] += t * apq;
    rowP[q] = 0;
    rowQ[p] = 0;
    for (int i = 0; i < d; i++) {
      double vip = v[i][p];
      double viq = v[i][q];
      v[i][p] = c * vip - s * viq;
      v[i][q] = s * vip + c * viq;
    }
  }

  /** Descending eigenvalues, columns to match, each column signed (see the class comment). */
  private static SymmetricEigen sorted(double[][] a, double[][] v) {
    int d = a.length;
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    // Stable: equal eigenvalues keep their index order, so the result is deterministic.
    Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[] values = new double[d];
    double[][] vectors = new double[d][d];
    for (int k = 0; k < d; k++) {
      int e = order[k];
      values[k] = a[e][e];
      int big = 0;
      for (int i = 0; i < d; i++) {
        if (Math.abs(v[i][e]) > Math.abs(v[big][e])) {
          big = i;
        }
      }
      double sign = v[big][e] < 0 ? -1 : 1;
      for (int i = 0; i < d; i++) {
        vectors[i][k] = sign * v[i][e];
      }
    }
    return new SymmetricEigen(values, vectors);
  }
}
