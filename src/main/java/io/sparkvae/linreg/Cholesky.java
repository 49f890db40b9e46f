// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import java.util.Arrays;

/**
 * Cholesky factorization A = L Lᵀ of a symmetric matrix with unit diagonal, column by column, that
 * sets aside (instead of failing on) every column whose pivot is at most the tolerance. A set-aside
 * column gets no column in L, so the factor is that of the remaining features, and its pivot is the
 * Schur complement of the column against the accepted ones before it: 1 − R² of that feature
 * regressed on them.
 */
final class Cholesky {
  final double[][] l;
  final double[] pivot;
  final boolean[] isDropped;
  final int[] dropped;

  private Cholesky(double[][] l, double[] pivot, boolean[] isDropped) {
    this.l = l;
    this.pivot = pivot;
    this.isDropped = isDropped;
    int c = 0;
    int[] idx = new int[isDropped.length];
    for (int j = 0; j < isDropped.length; j++) {
      if (isDropped[j]) {
        idx[c++] = j;
      }
    }
    this.dropped = Arrays.copyOf(idx, c);
  }

  static Cholesky factor(double[][] a, double tolerance) {
    int k = a.length;
    double[][] l = new double[k][k];
    double[] pivot = new double[k];
    boolean[] isDropped = new boolean[k];
    for (int j = 0; j < k; j++) {
      double p = a[j][j];
      for (int q = 0; q < j; q++) {
        p -= l[j][q] * l[j][q];
      }
      pivot[j] = p;
      if (p <= tolerance) {
        isDropped[j] = true;
        continue;
      }
      double ljj = Math.sqrt(p);
      l[j][j] = ljj;
      for (int i = j + 1; i < k; i++) {
        double v = a[i][j];
        for (int q = 0; q < j; q++) {
          v -= l[i][q] * l[j][q];
        }
        l[i][j] = v / ljj;
      }
    }
    return new Cholesky(l, pivot, isDropped);
  }

  /**
   * Coefficients of a set-aside feature regressed on the accepted features before it: row j of L
   * below the diagonal is L_PP⁻¹ a_Pj, so one back substitution with L_PPᵀ gives them. Zero for
   * features not in P.
   */
  double[] partners(int j) {
    double[] beta = new double[l.length];
    for (int q = j - 1; q >= 0; q--) {
      if (isDropped[q]) {
        continue;
      }
      double v = l[j][q];
      for (int i = q + 1; i < j; i++) {
        v -= l[i][q] * beta[i];
      }
      beta[q] = v / l[q][q];
    }
    return beta;
  }

  /** Solves A x = b by forward and back substitution (no column set aside). */
  double[] solve(double[] b) {
    int k = l.length;
    double[] z = new double[k];
    for (int i = 0; i < k; i++) {
      double v = b[i];
      for (int q = 0; q < i; q++) {
        v -= l[i][q] * z[q];
      }
      z[i] = v / l[i][i];
    }
    double[] x = new double[k];
    for (int i = k - 1; i >= 0; i--) {
      double v = z[i];
      for (int q = i + 1; q < k; q++) {
        v -= l[q][i] * x[q];
      }
      x[i] = v / l[i][i];
    }
    return x;
  }

  /** A⁻¹ = L⁻ᵀ L⁻¹ (no column set aside). */
  double[][] inverse() {
    int k = l.length;
    double[][] inv = new double[k][k];
    // Columns of L⁻¹ by forward substitution; L⁻¹ is lower triangular.
    double[][] li = new double[k][k];
    for (int c = 0; c < k; c++) {
      li[c][c] = 1.0 / l[c][c];
      for (int i = c + 1; i < k; i++) {
        double v = 0;
        for (int q = c; q < i; q++) {
          v -= l[i][q] * li[q][c];
        }
        li[i][c] = v / l[i][i];
      }
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double v = 0;
        for (int q = i; q < k; q++) {
          v += li[q][i] * li[q][j];
        }
        inv[i][j] = v;
        inv[j][i] = v;
      }
    }
    return inv;
  }
}
