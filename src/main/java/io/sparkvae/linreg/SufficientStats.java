// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import io.sparkvae.kernel.RowBlock;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What the fit needs from the data, in one pass: n, the means x̄ and ȳ, and the centered co-moments
 * Sxx = Σ (x − x̄)(x − x̄)ᵀ (upper triangle, packed), Sxy = Σ (x − x̄)(y − ȳ) and Syy = Σ (y − ȳ)².
 * The raw sums Σx, XᵀX, Xᵀy, yᵀy follow from them ({@link #xtx()} …).
 *
 * <p>Why centered. Accumulating the raw XᵀX and subtracting n·x̄x̄ᵀ at the end cancels
 * catastrophically when the means are large against the spread: for features with mean 10⁶ and
 * spread 1 the raw entries are ~10¹² n and the centered ones ~n, so 12 of the 16 digits are lost
 * before the solve starts. Here each row updates the means and co-moments directly (Welford's
 * update; for one new row, Sxx += n/(n+1) · δδᵀ with δ = x − x̄ before the row), and two
 * partitions' statistics combine by the pairwise formula of Chan, Golub and LeVeque: Sxx = Sxx_A +
 * Sxx_B + (n_A n_B / n) δδᵀ with δ = x̄_B − x̄_A. No step subtracts large numbers, so the
 * statistics keep full relative accuracy whatever the means; Spark's tree-aggregation makes the
 * merges pairwise as well. The cost is the same as for raw sums: O(d²) per row.
 *
 * <p>{@link NormalEquations#solve} turns them into the fit; one pass over the data suffices.
 *
 * <p>{@link Serializable} so that Spark can ship partial statistics between executors and the
 * driver; it is not a file format, and the serialized form may change between versions. Not
 * thread-safe: one instance per task, combined with {@link #merge}.
 */
public final class SufficientStats implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A feature is constant when its standard deviation is at most this times its root mean square:
   * its deviations from the mean are then rounding noise of its values.
   */
  public static final double CONSTANT_TOLERANCE = 1e-12;

  private final int d;
  private long n;
  private final double[] meanX;
  private double meanY;
  // Upper triangle of Sxx, row by row: (i, j ≥ i) at i·d − i(i−1)/2 + (j − i).
  private final double[] sxx;
  private final double[] sxy;
  private double syy;
  // Row buffer for the float entry points; rebuilt on demand after deserialization.
  private transient double[] scratch;

  /** Empty statistics for {@code features} features. */
  public SufficientStats(int features) {
    if (features < 1) {
      throw new IllegalArgumentException("linear regression needs >= 1 feature, got " + features);
    }
    this.d = features;
    this.meanX = new double[d];
    this.sxx = new double[d * (d + 1) / 2];
    this.sxy = new double[d];
  }

  /** Adds one row: features {@code x} (length d) and label {@code y}. Allocates nothing. */
  public void add(double[] x, double y) {
    if (x.length != d) {
      throw new IllegalArgumentException("row has " + x.length + " features, expected " + d);
    }
    for (int j = 0; j < d; j++) {
      if (!Double.isFinite(x[j])) {
        throw new IllegalArgumentException(
            "feature "
                + (j + 1)
                + " of a row is "
                + x[j]
                + "; linear regression needs finite values");
      }
    }
    if (!Double.isFinite(y)) {
      throw new IllegalArgumentException(
          "a row's label is " + y + "; linear regression needs finite values");
    }
    // Co-moments first, with the means before this row; then the means.
    double w = (double) n / (n + 1);
    double dy = y - meanY;
    for (int i = 0, k = 0; i < d; i++) {
      double wdi = w * (x[i] - meanX[i]);
      for (int j = i; j < d; j++) {
        sxx[k++] += wdi * (x[j] - meanX[j]);
      }
      sxy[i] += wdi * dy;
    }
    syy += w * dy * dy;
    n++;
    for (int j = 0; j < d; j++) {
      meanX[j] += (x[j] - meanX[j]) / n;
    }
    meanY += dy / n;
  }

  /**
   * Adds one row laid out as {@link LinearRegressionObjective} expects it: d features, then the
   * label, at {@code row[off..off+d]}.
   */
  public void add(float[] row, int off) {
    if (off < 0 || off + d + 1 > row.length) {
      throw new IllegalArgumentException(
          "a row of "
              + (d + 1)
              + " floats at offset "
              + off
              + " does not fit in "
              + row.length
              + " floats");
    }
    if (scratch == null) {
      scratch = new double[d];
    }
    for (int j = 0; j < d; j++) {
      scratch[j] = row[off + j];
    }
    add(scratch, row[off + d]);
  }

  /** Adds every row of a block of width d + 1 (features, then the label). */
  public void addRows(RowBlock block) {
    if (block.width() != d + 1) {
      throw new IllegalArgumentException(
          "rows have width " + block.width() + "; " + d + " features and a label need " + (d + 1));
    }
    float[] row = new float[d + 1];
    for (int r = 0; r < block.rows(); r++) {
      block.copyRow(r, row, 0);
      add(row, 0);
    }
  }

  /**
   * Adds {@code other}'s rows into this (Chan et al.'s pairwise update) and returns this, as
   * Spark's aggregate wants of a combine function. {@code other} is not changed.
   */
  public SufficientStats merge(SufficientStats other) {
    if (other.d != d) {
      throw new IllegalArgumentException(
          "cannot merge statistics of " + other.d + " features into statistics of " + d);
    }
    if (other.n == 0) {
      return this;
    }
    if (n == 0) {
      n = other.n;
      meanY = other.meanY;
      syy = other.syy;
      System.arraycopy(other.meanX, 0, meanX, 0, d);
      System.arraycopy(other.sxx, 0, sxx, 0, sxx.length);
      System.arraycopy(other.sxy, 0, sxy, 0, d);
      return this;
    }
    long total = n + other.n;
    double w = (double) n * other.n / total;
    double shift = (double) other.n / total;
    double dy = other.meanY - meanY;
    for (int i = 0, k = 0; i < d; i++) {
      double wdi = w * (other.meanX[i] - meanX[i]);
      for (int j = i; j < d; j++, k++) {
        sxx[k] += other.sxx[k] + wdi * (other.meanX[j] - meanX[j]);
      }
      sxy[i] += other.sxy[i] + wdi * dy;
    }
    syy += other.syy + w * dy * dy;
    for (int j = 0; j < d; j++) {
      meanX[j] += (other.meanX[j] - meanX[j]) * shift;
    }
    meanY += dy * shift;
    n = total;
    return this;
  }

  /** d, the number of features. */
  public int features() {
    return d;
  }

  /** n, the number of rows added. */
  public long count() {
    return n;
  }

  /** x̄, a copy. */
  public double[] meanX() {
    return meanX.clone();
  }

  public double meanX(int j) {
    return meanX[j];
  }

  /** ȳ. */
  public double meanY() {
    return meanY;
  }

  /** Sxx_ij = Σ (x_i − x̄_i)(x_j − x̄_j). */
  public double sxx(int i, int j) {
    if (i > j) {
      int t = i;
      i = j;
      j = t;
    }
    return sxx[i * d - i * (i - 1) / 2 + (j - i)];
  }

  /** Sxy_j = Σ (x_j − x̄_j)(y − ȳ). */
  public double sxy(int j) {
    return sxy[j];
  }

  /** Syy = Σ (y − ȳ)². */
  public double syy() {
    return syy;
  }

  /** Σx, derived: n·x̄. */
  public double[] sumX() {
    double[] s = new double[d];
    for (int j = 0; j < d; j++) {
      s[j] = n * meanX[j];
    }
    return s;
  }

  /** Σy, derived: n·ȳ. */
  public double sumY() {
    return n * meanY;
  }

  /** XᵀX (d × d, row-major), derived: Sxx + n·x̄x̄ᵀ. */
  public double[] xtx() {
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        m[i * d + j] = sxx(i, j) + n * meanX[i] * meanX[j];
      }
    }
    return m;
  }

  /** Xᵀy, derived: Sxy + n·x̄ȳ. */
  public double[] xty() {
    double[] v = new double[d];
    for (int j = 0; j < d; j++) {
      v[j] = sxy[j] + n * meanX[j] * meanY;
    }
    return v;
  }

  /** yᵀy, derived: Syy + n·ȳ². */
  public double yty() {
    return syy + n * meanY * meanY;
  }

  /**
   * Indices of the features whose standard deviation is at most {@link #CONSTANT_TOLERANCE} times
   * their root mean square (exactly zero variance included; the update keeps a column of equal
   * values at exactly zero). With fewer than two rows every feature qualifies.
   */
  public int[] constantFeatures() {
    int[] out = new int[d];
    int c = 0;
    for (int j = 0; j < d; j++) {
      double var = sxx(j, j);
      double meanSquare = var + n * meanX[j] * meanX[j];
      if (var <= CONSTANT_TOLERANCE * CONSTANT_TOLERANCE * meanSquare) {
        out[c++] = j;
      }
    }
    return Arrays.copyOf(out, c);
  }

  @Override
  public String toString() {
    return "SufficientStats(features=" + d + ", rows=" + n + ")";
  }
}
