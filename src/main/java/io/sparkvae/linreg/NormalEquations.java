package io.sparkvae.linreg;

import io.sparkvae.kernel.RowBlock;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The exact maximum-likelihood fit of ŷ = W·x + b (src/site/markdown/training.md, "The models" §1), from sufficient statistics, in double
 * precision, with the classical inference of ordinary least squares beside it.
 *
 * <p><b>What is solved.</b> Maximizing the Gaussian likelihood is minimizing the residual sum of
 * squares RSS(W, b) = Σ (y − W·x − b)². Setting ∂/∂b to zero gives b = ȳ − W·x̄; putting that
 * back leaves the centered normal equations
 *
 * <pre>
 *   Sxx W = Sxy,   Sxx = Σ (x − x̄)(x − x̄)ᵀ  (d × d),   Sxy = Σ (x − x̄)(y − ȳ)  (d).
 * </pre>
 *
 * The centered form is the covariance form of the usual XᵀX θ = Xᵀy with an intercept column:
 * it has the same solution, but its matrix does not carry the features' means, which for a
 * feature like a timestamp (mean 10⁹, spread 10³) would otherwise dominate every entry.
 *
 * <p><b>How.</b> The system is scaled to the features' correlation matrix
 * R = D⁻¹ Sxx D⁻¹, D = diag(√Sxx_jj), so that thresholds mean the same in any units, and factored
 * by Cholesky, R = L Lᵀ. The j-th pivot of that factorization, L_jj², is exactly 1 − R²_j, where
 * R²_j is the coefficient of determination of feature j regressed on the features before it: a
 * pivot near zero (or a tiny negative one: exact collinearity plus rounding) says feature j is
 * (nearly) a linear combination of earlier ones. When a pivot is ≤ {@link #PIVOT_TOLERANCE},
 * or the condition number ‖R‖₁‖R⁻¹‖₁ exceeds {@link #CONDITION_LIMIT} (the solve could lose
 * all but ~4 of 16 digits), the fit falls back to the least-squares solution of minimum norm:
 * an eigen-decomposition R = V Λ Vᵀ (cyclic Jacobi, fine for d up to a few hundred; about a
 * second at d = 300) and the pseudo-inverse that ignores eigenvalues
 * ≤ {@link #PIVOT_TOLERANCE}·λ_max. The norm minimized is that of the standardized weights
 * (W_j·√Sxx_jj), so the choice among equally good solutions does not depend on the features'
 * units; the fitted values are those of any least-squares solution. Each feature that made a
 * pivot vanish is named in {@link Fit#warnings()}, with the earlier features it is a combination
 * of.
 *
 * <p>A constant feature (zero variance, see {@link SufficientStats#constantFeatures()}) cannot
 * be told apart from the intercept. It is left out of the system and given weight 0, with a
 * warning; {@link #requireNoConstantFeatures} turns it into an error instead.
 *
 * <p><b>Inference.</b> The MLE of the noise variance is ŝ² = RSS/n (divide by N, not N − d − 1: the maximum-likelihood estimate), and the
 * mean log-likelihood at the optimum is −½ log(2π ŝ²) − ½. Standard errors, t values and p-values
 * are those of classical OLS, as R's {@code summary(lm(...))} prints them: they use the unbiased
 * σ̂² = RSS/(n − p), p = rank + 1 parameters, and Cov(Ŵ) = σ̂² Sxx⁻¹,
 * Var(b̂) = σ̂² (1/n + x̄ᵀ Sxx⁻¹ x̄). They need n > p; below that they are NaN. Under the
 * pseudo-inverse the weights of features caught in a collinearity are not identifiable (another
 * split fits equally well), so their standard errors are NaN too. The intercept's is always
 * given: it is the sampling error of the b̂ reported, which, when a collinear combination of
 * features has a nonzero mean, depends on the minimum-norm convention (R would instead drop the
 * last aliased column and report NA for it).
 *
 * <p>Accuracy: normal equations square the condition of the data, so a weight carries a relative
 * error of about 10⁻¹⁶ × (condition number of R); RSS, computed from the statistics as
 * Syy − 2 Wᵀ Sxy + Wᵀ Sxx W, has an absolute error of about 10⁻¹⁶ × Syy, so an R² within 10⁻¹³ of
 * 1 is rounding noise. A QR factorization of the rows (its d × d R factors merge too, as in
 * tall-skinny QR) would avoid squaring the condition; centering removes the common cause of bad
 * conditioning, large means, at the cost of plain sums.
 */
public final class NormalEquations {
  /**
   * Cholesky pivots of the correlation matrix at or below this (1 − R² of a feature on the
   * earlier ones) count as collinear; also the pseudo-inverse's eigenvalue cut, relative to λ_max.
   */
  public static final double PIVOT_TOLERANCE = 1e-12;
  /** A condition number of the correlation matrix above this also selects the pseudo-inverse. */
  public static final double CONDITION_LIMIT = 1e12;
  /**
   * A feature is constant when its standard deviation is at most this times its root mean
   * square: its deviations from the mean are then rounding noise of its values.
   */
  public static final double CONSTANT_TOLERANCE = 1e-12;
  // An eigenvector entry above this (entries of a unit vector) ties a feature to a null direction.
  private static final double LOADING_TOLERANCE = 1e-6;
  private static final int MAX_NAMED_PARTNERS = 8;

  private NormalEquations() {}

  /**
   * What the fit needs from the data, in one pass: n, the means x̄ and ȳ, and the centered
   * co-moments Sxx = Σ (x − x̄)(x − x̄)ᵀ (upper triangle, packed), Sxy = Σ (x − x̄)(y − ȳ) and
   * Syy = Σ (y − ȳ)². The raw sums Σx, XᵀX, Xᵀy, yᵀy follow from them ({@link #xtx()} …).
   *
   * <p>Why centered. Accumulating the raw XᵀX and subtracting n·x̄x̄ᵀ at the end cancels
   * catastrophically when the means are large against the spread: for features with mean 10⁶
   * and spread 1 the raw entries are ~10¹² n and the centered ones ~n, so 12 of the 16 digits are
   * lost before the solve starts. Here each row updates the means and co-moments directly
   * (Welford's update; for one new row, Sxx += n/(n+1) · δδᵀ with δ = x − x̄ before the row), and
   * two partitions' statistics combine by the pairwise formula of Chan, Golub and LeVeque:
   * Sxx = Sxx_A + Sxx_B + (n_A n_B / n) δδᵀ with δ = x̄_B − x̄_A. No step subtracts large
   * numbers, so the statistics keep full relative accuracy whatever the means; Spark's
   * tree-aggregation makes the merges pairwise as well. The cost is the same as for raw sums:
   * O(d²) per row.
   *
   * <p>{@link Serializable} so that Spark can ship partial statistics between executors and the
   * driver; it is not a file format, and the serialized form may change between versions. Not
   * thread-safe: one instance per task, combined with {@link #merge}.
   */
  public static final class SufficientStats implements Serializable {
    private static final long serialVersionUID = 1L;
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
        throw new IllegalArgumentException("linear regression needs >= 1 feature, got "
            + features);
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
          throw new IllegalArgumentException("feature " + (j + 1) + " of a row is " + x[j]
              + "; linear regression needs finite values");
        }
      }
      if (!Double.isFinite(y)) {
        throw new IllegalArgumentException("a row's label is " + y
            + "; linear regression needs finite values");
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
     * Adds one row laid out as {@link LinearRegressionObjective} expects it: d features, then
     * the label, at {@code row[off..off+d]}.
     */
    public void add(float[] row, int off) {
      if (off < 0 || off + d + 1 > row.length) {
        throw new IllegalArgumentException("a row of " + (d + 1) + " floats at offset " + off
            + " does not fit in " + row.length + " floats");
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
        throw new IllegalArgumentException("rows have width " + block.width() + "; " + d
            + " features and a label need " + (d + 1));
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
        throw new IllegalArgumentException("cannot merge statistics of " + other.d
            + " features into statistics of " + d);
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
     * Indices of the features whose standard deviation is at most {@link #CONSTANT_TOLERANCE}
     * times their root mean square (exactly zero variance included; the update keeps a column
     * of equal values at exactly zero). With fewer than two rows every feature qualifies.
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

  /** One row of the coefficient table. */
  public record Coefficient(String name, double estimate, double stdError, double tValue,
      double pValue) {
    /** R's significance code: *** p < 0.001, ** < 0.01, * < 0.05, . < 0.1; blank otherwise. */
    public String stars() {
      if (Double.isNaN(pValue)) {
        return "";
      }
      return pValue < 0.001 ? "***" : pValue < 0.01 ? "**" : pValue < 0.05 ? "*"
          : pValue < 0.1 ? "." : "";
    }
  }

  /**
   * The fitted model and its diagnostics. Arrays are the fit's own; do not modify them.
   *
   * @param featureNames names of the d features, in order
   * @param weights Ŵ (d); 0 for a constant feature
   * @param intercept b̂ = ȳ − Ŵ·x̄
   * @param n rows
   * @param rank identified features: d minus constant features minus collinear directions
   * @param rss residual sum of squares Σ (y − ŷ)²
   * @param mse RSS/n, the objective L(Ŵ, b̂) of src/site/markdown/training.md, "The models" §1
   * @param sigma2Mle ŝ² = RSS/n, the MLE of the noise variance (equal to {@code mse})
   * @param meanLogLik −½ log(2π ŝ²) − ½, nats per row (+∞ for an exact fit)
   * @param r2 1 − RSS/Syy (NaN when y is constant)
   * @param adjustedR2 1 − (1 − R²)(n − 1)/(n − p)
   * @param residualDf n − p, p = rank + 1
   * @param residualStandardError √(RSS/(n − p)), the unbiased σ̂ (NaN without residual df)
   * @param coefficients the table: the intercept first, then the features, as R prints it
   * @param fStatistic ((Syy − RSS)/rank) / σ̂², against the intercept-only model
   * @param fPValue P(F(rank, n − p) > fStatistic)
   * @param conditionNumber of the features' correlation matrix: ‖R‖₁‖R⁻¹‖₁ when Cholesky is
   *     used, λ_max/λ_min after the fallback (∞ when singular); 1 for uncorrelated features
   * @param warnings constant or collinear features, missing degrees of freedom; empty if none
   */
  public record Fit(List<String> featureNames, double[] weights, double intercept, long n,
      int rank, double rss, double mse, double sigma2Mle, double meanLogLik, double r2,
      double adjustedR2, long residualDf, double residualStandardError,
      List<Coefficient> coefficients, double fStatistic, double fPValue, double conditionNumber,
      List<String> warnings) {

    /** The intercept's row of the table. */
    public Coefficient interceptCoefficient() {
      return coefficients.get(0);
    }

    /** Feature j's row of the table (0-based). */
    public Coefficient weightCoefficient(int j) {
      return coefficients.get(j + 1);
    }

    /** Standard errors of Ŵ (d), a new array. */
    public double[] weightStdErrors() {
      double[] se = new double[weights.length];
      for (int j = 0; j < se.length; j++) {
        se[j] = weightCoefficient(j).stdError();
      }
      return se;
    }

    /** ŷ = Ŵ·x + b̂. */
    public double predict(double[] x) {
      if (x.length != weights.length) {
        throw new IllegalArgumentException("row has " + x.length + " features, the model "
            + weights.length);
      }
      double y = intercept;
      for (int j = 0; j < x.length; j++) {
        y += weights[j] * x[j];
      }
      return y;
    }

    /** The coefficient table and fit statistics, laid out as R's {@code summary.lm} does. */
    public String toSummaryString() {
      String[] head = {"", "Estimate", "Std. Error", "t value", "Pr(>|t|)", ""};
      int rows = coefficients.size();
      double[][] columns = new double[3][rows];
      for (int r = 0; r < rows; r++) {
        Coefficient c = coefficients.get(r);
        columns[0][r] = c.estimate();
        columns[1][r] = c.stdError();
        columns[2][r] = c.tValue();
      }
      String[] estimates = column(columns[0], 5);
      String[] errors = column(columns[1], 4);
      String[] tValues = column(columns[2], 4);
      String[][] cells = new String[rows + 1][];
      cells[0] = head;
      for (int r = 0; r < rows; r++) {
        Coefficient c = coefficients.get(r);
        cells[r + 1] = new String[] {c.name(), estimates[r], errors[r], tValues[r],
            pValue(c.pValue()), c.stars()};
      }
      int[] width = new int[head.length];
      for (String[] row : cells) {
        for (int k = 0; k < row.length; k++) {
          width[k] = Math.max(width[k], row[k].length());
        }
      }
      StringBuilder sb = new StringBuilder();
      sb.append("Linear regression by maximum likelihood (normal equations): ").append(n)
          .append(n == 1 ? " row, " : " rows, ").append(weights.length)
          .append(weights.length == 1 ? " feature\n\n" : " features\n\n");
      sb.append("Coefficients:\n");
      for (String[] row : cells) {
        sb.append(pad(row[0], width[0], false));
        for (int k = 1; k < row.length - 1; k++) {
          sb.append(' ').append(pad(row[k], width[k], true));
        }
        sb.append(' ').append(pad(row[row.length - 1], 3, false)).append('\n');
      }
      sb.append("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
      sb.append("Residual standard error: ").append(num(residualStandardError, 4)).append(" on ")
          .append(residualDf).append(" degrees of freedom\n");
      sb.append("Multiple R-squared: ").append(num(r2, 4)).append(",\tAdjusted R-squared: ")
          .append(num(adjustedR2, 4)).append('\n');
      sb.append("F-statistic: ").append(num(fStatistic, 4)).append(" on ").append(rank)
          .append(" and ").append(residualDf).append(" DF,  p-value: ").append(pValue(fPValue))
          .append('\n');
      sb.append("MLE noise variance RSS/n: ").append(num(sigma2Mle, 4))
          .append(",  mean log-likelihood: ").append(num(meanLogLik, 5)).append(" nats/row\n");
      for (String w : warnings) {
        sb.append("Warning: ").append(w).append('\n');
      }
      return sb.toString();
    }

    /**
     * A column with one number of decimals, so the points line up: enough for the smallest
     * nonzero magnitude to show {@code digits} significant digits (as R's {@code format} does),
     * or each in %g when that would take more than 10 decimals or the values are huge.
     */
    private static String[] column(double[] values, int digits) {
      double min = Double.POSITIVE_INFINITY;
      double max = 0;
      for (double v : values) {
        if (Double.isFinite(v) && v != 0) {
          min = Math.min(min, Math.abs(v));
          max = Math.max(max, Math.abs(v));
        }
      }
      int decimals = min == Double.POSITIVE_INFINITY ? digits - 1
          : Math.max(0, digits - 1 - (int) Math.floor(Math.log10(min)));
      boolean fixed = decimals <= 10 && max < 1e15;
      String[] out = new String[values.length];
      for (int i = 0; i < values.length; i++) {
        double v = values[i];
        out[i] = !Double.isFinite(v) || !fixed ? num(v, digits)
            : String.format(Locale.ROOT, "%." + decimals + "f", v);
      }
      return out;
    }

    private static String num(double v, int digits) {
      if (Double.isNaN(v)) {
        return "NA";
      }
      if (Double.isInfinite(v)) {
        return v > 0 ? "Inf" : "-Inf";
      }
      return String.format(Locale.ROOT, "%." + digits + "g", v);
    }

    // Below R's cut-off a p-value is printed as a bound: its digits are rounding noise.
    private static String pValue(double p) {
      if (Double.isNaN(p)) {
        return "NA";
      }
      return p < 2e-16 ? "<2e-16" : String.format(Locale.ROOT, "%.3g", p);
    }

    private static String pad(String s, int width, boolean right) {
      String fill = " ".repeat(Math.max(0, width - s.length()));
      return right ? fill + s : s + fill;
    }
  }

  /** Names x1 … xd, for callers without column names. */
  public static String[] defaultNames(int features) {
    String[] names = new String[features];
    for (int j = 0; j < features; j++) {
      names[j] = "x" + (j + 1);
    }
    return names;
  }

  /**
   * Throws, naming the columns, when some feature is constant (see
   * {@link SufficientStats#constantFeatures()}): for callers that would rather reject such data
   * than fit it with that weight at 0.
   */
  public static void requireNoConstantFeatures(SufficientStats s, String[] featureNames) {
    String[] names = checkNames(featureNames, s.features());
    int[] constant = s.constantFeatures();
    if (constant.length == 0) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < constant.length; c++) {
      int j = constant[c];
      sb.append(c == 0 ? "" : "; ").append('\'').append(names[j]).append("' (every row is ")
          .append(shortNumber(s.meanX(j))).append(')');
    }
    throw new IllegalArgumentException((constant.length == 1 ? "feature " : "features ")
        + sb + (constant.length == 1 ? " is" : " are") + " constant: a constant column cannot"
        + " be told apart from the intercept; drop it");
  }

  /** The maximum-likelihood fit; see the class comment. {@code featureNames} may be null. */
  public static Fit solve(SufficientStats s, String[] featureNames) {
    return solve(s, featureNames, PIVOT_TOLERANCE, CONDITION_LIMIT);
  }

  /** {@link #solve(SufficientStats, String[])} with the thresholds given (tests use it). */
  static Fit solve(SufficientStats s, String[] featureNames, double pivotTolerance,
      double conditionLimit) {
    int d = s.features();
    String[] names = checkNames(featureNames, d);
    long n = s.count();
    if (n < d + 1) {
      throw new IllegalArgumentException("linear regression with " + d + (d == 1 ? " feature"
          : " features") + " has " + (d + 1) + " parameters (weights and intercept) and needs at"
          + " least " + (d + 1) + " rows; got " + n);
    }
    List<String> warnings = new ArrayList<>();

    // Constant features leave the system; the others ("active") are scaled to unit spread.
    boolean[] constant = new boolean[d];
    for (int j : s.constantFeatures()) {
      constant[j] = true;
      warnings.add("feature '" + names[j] + "' is constant (every row is "
          + shortNumber(s.meanX(j)) + "); it cannot be told apart from"
          + " the intercept, so its weight is set to 0");
    }
    int[] active = new int[d];
    int k = 0;
    for (int j = 0; j < d; j++) {
      if (!constant[j]) {
        active[k++] = j;
      }
    }
    active = Arrays.copyOf(active, k);
    double[] scale = new double[k];
    for (int a = 0; a < k; a++) {
      scale[a] = Math.sqrt(s.sxx(active[a], active[a]));
    }
    double[][] corr = new double[k][k];
    double[] r = new double[k];
    double[] m = new double[k];
    for (int a = 0; a < k; a++) {
      for (int c = 0; c < k; c++) {
        corr[a][c] = a == c ? 1.0 : s.sxx(active[a], active[c]) / (scale[a] * scale[c]);
      }
      r[a] = s.sxy(active[a]) / scale[a];
      m[a] = s.meanX(active[a]) / scale[a];
    }

    // Solve corr·u = r for the standardized weights u; cov holds corr⁻¹ (or its pseudo-inverse).
    double[] u = new double[k];
    double[][] cov = null;
    boolean[] identified = new boolean[k];
    Arrays.fill(identified, true);
    int rank;
    double condition;
    Cholesky chol = Cholesky.factor(corr, pivotTolerance);
    boolean fallback = false;
    if (chol.dropped.length > 0) {
      for (int a : chol.dropped) {
        warnings.add("feature '" + names[active[a]] + "' is collinear with "
            + partnerList(namedPartners(corr, a, chol.partners(a), pivotTolerance), active, names)
            + " (pivot " + String.format(Locale.ROOT, "%.2g", chol.pivot[a])
            + "); used a least-squares (pseudo-inverse) solution");
      }
      fallback = true;
      condition = Double.NaN;
    } else {
      cov = chol.inverse();
      condition = norm1(corr) * norm1(cov);
      if (condition > conditionLimit) {
        int worst = 0;
        for (int a = 1; a < k; a++) {
          if (cov[a][a] > cov[worst][worst]) {
            worst = a;
          }
        }
        // Row `worst` of corr⁻¹ gives the regression of that feature on all the others.
        double[] beta = new double[k];
        for (int c = 0; c < k; c++) {
          beta[c] = c == worst ? 0.0 : -cov[worst][c] / cov[worst][worst];
        }
        warnings.add("features are nearly collinear (condition number "
            + String.format(Locale.ROOT, "%.2g", condition) + "): '" + names[active[worst]]
            + "' is nearly a combination of "
            + partnerList(namedPartners(corr, worst, beta, 2 / cov[worst][worst]), active, names)
            + "; used a least-squares (pseudo-inverse) solution");
        fallback = true;
      }
    }
    if (fallback) {
      Eigen eig = Eigen.jacobi(corr);
      double lambdaMax = 0;
      double lambdaMin = Double.POSITIVE_INFINITY;
      for (double l : eig.values) {
        lambdaMax = Math.max(lambdaMax, l);
        lambdaMin = Math.min(lambdaMin, l);
      }
      // Below the cut the matrix is singular to working precision: λ_min is rounding noise.
      condition = lambdaMin > pivotTolerance * lambdaMax ? lambdaMax / lambdaMin
          : Double.POSITIVE_INFINITY;
      cov = new double[k][k];
      rank = 0;
      for (int e = 0; e < k; e++) {
        double[] v = eig.vector(e);
        if (eig.values[e] > pivotTolerance * lambdaMax) {
          rank++;
          double proj = dot(v, r) / eig.values[e];
          for (int a = 0; a < k; a++) {
            u[a] += proj * v[a];
            for (int c = 0; c < k; c++) {
              cov[a][c] += v[a] * v[c] / eig.values[e];
            }
          }
        } else {
          // A null direction: features with weight in it are not identifiable.
          for (int a = 0; a < k; a++) {
            if (Math.abs(v[a]) > LOADING_TOLERANCE) {
              identified[a] = false;
            }
          }
        }
      }
    } else {
      u = chol.solve(r);
      rank = k;
    }
    if (k == 0) {
      condition = Double.NaN;
    }

    double[] weights = new double[d];
    double intercept = s.meanY();
    for (int a = 0; a < k; a++) {
      weights[active[a]] = u[a] / scale[a];
      intercept -= weights[active[a]] * s.meanX(active[a]);
    }
    // RSS for any W: Syy − 2 uᵀr + uᵀ corr u (in standardized units), never below 0.
    double rss = s.syy() - 2 * dot(u, r) + quadratic(corr, u);
    rss = Math.max(0.0, rss);
    double sigma2Mle = rss / n;
    double meanLogLik = -0.5 * Math.log(2 * Math.PI * sigma2Mle) - 0.5;
    double r2 = s.syy() > 0 ? 1 - rss / s.syy() : Double.NaN;
    long df = n - rank - 1;
    double sigma2 = df > 0 ? rss / df : Double.NaN;
    if (df <= 0) {
      warnings.add("no residual degrees of freedom (" + n + " rows, " + (rank + 1)
          + " identified parameters): the fit is exact and standard errors are undefined");
    }
    double adjustedR2 = df > 0 ? 1 - (1 - r2) * (n - 1) / df : Double.NaN;
    double fStatistic = rank > 0 && df > 0 ? (s.syy() - rss) / rank / sigma2 : Double.NaN;
    double fPValue = Double.isNaN(fStatistic) ? Double.NaN
        : Distributions.fUpperTail(fStatistic, rank, df);

    List<Coefficient> table = new ArrayList<>(d + 1);
    double interceptVar = sigma2 * (1.0 / n + quadratic(cov, m));
    table.add(coefficient("(Intercept)", intercept, Math.sqrt(interceptVar), df));
    double[] se = new double[d];
    Arrays.fill(se, Double.NaN);
    for (int a = 0; a < k; a++) {
      if (identified[a]) {
        se[active[a]] = Math.sqrt(sigma2 * cov[a][a]) / scale[a];
      }
    }
    for (int j = 0; j < d; j++) {
      table.add(coefficient(names[j], weights[j], se[j], df));
    }
    return new Fit(List.of(names), weights, intercept, n, rank, rss, sigma2Mle, sigma2Mle,
        meanLogLik, r2, adjustedR2, df, Math.sqrt(sigma2), Collections.unmodifiableList(table),
        fStatistic, fPValue, condition, List.copyOf(warnings));
  }

  private static Coefficient coefficient(String name, double estimate, double se, long df) {
    double t = estimate / se;
    double p = df > 0 && !Double.isNaN(t) ? Distributions.studentTTwoSidedP(t, df) : Double.NaN;
    return new Coefficient(name, estimate, se, t, p);
  }

  private static String[] checkNames(String[] names, int d) {
    if (names == null) {
      return defaultNames(d);
    }
    if (names.length != d) {
      throw new IllegalArgumentException(names.length + " feature names given for " + d
          + " features");
    }
    for (int j = 0; j < d; j++) {
      if (names[j] == null || names[j].isEmpty()) {
        throw new IllegalArgumentException("feature " + (j + 1) + " has no name");
      }
    }
    return names.clone();
  }

  /**
   * The features to name as the partners of collinear feature j: the smallest prefix, by
   * decreasing |β|, of the features in its regression {@code beta} (standardized coefficients)
   * on which j regressed alone leaves a share 1 − R² of its variance at most {@code target}.
   * A full regression gives every feature some coefficient, if only from sampling noise; this
   * keeps the ones the collinearity needs, including those with small coefficients. Grows a
   * Cholesky factor of the chosen features' correlations one column at a time, with
   * z = L⁻¹ corr[S, j], so that 1 − R² = 1 − ‖z‖²: O(d³) at worst. Returns feature order.
   */
  static int[] namedPartners(double[][] corr, int j, double[] beta, double target) {
    int k = beta.length;
    List<Integer> order = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      if (a != j && beta[a] != 0) {
        order.add(a);
      }
    }
    order.sort((p, q) -> Double.compare(Math.abs(beta[q]), Math.abs(beta[p])));
    int[] chosen = new int[order.size()];
    double[][] l = new double[order.size()][];
    double[] z = new double[order.size()];
    double explained = 0;
    int s = 0;
    for (int c : order) {
      double[] row = new double[s + 1];
      double pivot = 1.0;
      for (int i = 0; i < s; i++) {
        double v = corr[c][chosen[i]];
        for (int q = 0; q < i; q++) {
          v -= row[q] * l[i][q];
        }
        row[i] = v / l[i][i];
        pivot -= row[i] * row[i];
      }
      if (pivot <= 0) {
        continue; // c adds nothing beyond the features already chosen
      }
      row[s] = Math.sqrt(pivot);
      double v = corr[c][j];
      for (int q = 0; q < s; q++) {
        v -= row[q] * z[q];
      }
      z[s] = v / row[s];
      explained += z[s] * z[s];
      l[s] = row;
      chosen[s++] = c;
      if (1 - explained <= target) {
        break;
      }
    }
    int[] out = Arrays.copyOf(chosen, s);
    Arrays.sort(out);
    return out;
  }

  /**
   * "'x1', 'x2'" for the chosen features (indices into the active features); beyond
   * {@link #MAX_NAMED_PARTNERS} of them, the rest are counted.
   */
  private static String partnerList(int[] chosen, int[] active, String[] names) {
    if (chosen.length == 0) {
      return "the intercept";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(chosen.length, MAX_NAMED_PARTNERS); i++) {
      sb.append(i == 0 ? "" : ", ").append('\'').append(names[active[chosen[i]]]).append('\'');
    }
    if (chosen.length > MAX_NAMED_PARTNERS) {
      sb.append(" and ").append(chosen.length - MAX_NAMED_PARTNERS).append(" more");
    }
    return sb.toString();
  }

  /** Six significant digits without trailing zeros: 7, 0.125, 1.23457e+09. */
  static String shortNumber(double v) {
    String g = String.format(Locale.ROOT, "%.6g", v);
    int e = g.indexOf('e');
    String mantissa = e < 0 ? g : g.substring(0, e);
    if (mantissa.indexOf('.') >= 0) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return e < 0 ? mantissa : mantissa + g.substring(e);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** vᵀ A v. */
  private static double quadratic(double[][] a, double[] v) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * dot(a[i], v);
    }
    return s;
  }

  /** The 1-norm (largest column sum of absolute values) of a symmetric matrix. */
  private static double norm1(double[][] a) {
    double max = 0;
    for (double[] row : a) {
      double s = 0;
      for (double v : row) {
        s += Math.abs(v);
      }
      max = Math.max(max, s);
    }
    return max;
  }

  /**
   * Cholesky factorization A = L Lᵀ of a symmetric matrix with unit diagonal, column by column,
   * that sets aside (instead of failing on) every column whose pivot is at most the tolerance.
   * A set-aside column gets no column in L, so the factor is that of the remaining features, and
   * its pivot is the Schur complement of the column against the accepted ones before it: 1 − R²
   * of that feature regressed on them.
   */
  static final class Cholesky {
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
     * Coefficients of a set-aside feature regressed on the accepted features before it:
     * row j of L below the diagonal is L_PP⁻¹ a_Pj, so one back substitution with L_PPᵀ gives
     * them. Zero for features not in P.
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

  /**
   * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method: plane rotations, each
   * zeroing one off-diagonal entry, swept over all pairs until none is left. Slower than
   * tridiagonal QR but simple, and accurate for small eigenvalues, which is what a pseudo-inverse
   * threshold needs.
   */
  static final class Eigen {
    final double[] values;
    // Eigenvectors as columns: vectors[i][e] is entry i of eigenvector e.
    final double[][] vectors;

    private Eigen(double[] values, double[][] vectors) {
      this.values = values;
      this.vectors = vectors;
    }

    double[] vector(int e) {
      double[] v = new double[values.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = vectors[i][e];
      }
      return v;
    }

    static Eigen jacobi(double[][] matrix) {
      int k = matrix.length;
      double[][] a = new double[k][];
      double[][] v = new double[k][k];
      for (int i = 0; i < k; i++) {
        a[i] = matrix[i].clone();
        v[i][i] = 1.0;
      }
      for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0;
        for (int p = 0; p < k; p++) {
          for (int q = p + 1; q < k; q++) {
            off += Math.abs(a[p][q]);
          }
        }
        if (off == 0) {
          break;
        }
        for (int p = 0; p < k; p++) {
          for (int q = p + 1; q < k; q++) {
            double apq = a[p][q];
            if (apq == 0) {
              continue;
            }
            // After a few sweeps, an entry below the diagonals' last digit is set to zero
            // rather than rotated: rotating it would change nothing but the loop's end.
            double g = 100 * Math.abs(apq);
            if (sweep > 3 && Math.abs(a[p][p]) + g == Math.abs(a[p][p])
                && Math.abs(a[q][q]) + g == Math.abs(a[q][q])) {
              a[p][q] = 0;
              a[q][p] = 0;
              continue;
            }
            // tan φ = t, the smaller root of t² + 2θt − 1 = 0, zeroes a_pq (|φ| ≤ π/4).
            double theta = (a[q][q] - a[p][p]) / (2 * apq);
            double t = (theta >= 0 ? 1.0 : -1.0) / (Math.abs(theta) + Math.sqrt(theta * theta
                + 1));
            double c = 1 / Math.sqrt(t * t + 1);
            double sn = t * c;
            // A ← JᵀAJ touches rows and columns p, q only; by symmetry, update the rows and
            // mirror them. The 2×2 block has a closed form that needs no cancellation.
            double[] rowP = a[p];
            double[] rowQ = a[q];
            for (int i = 0; i < k; i++) {
              if (i != p && i != q) {
                double api = rowP[i];
                double aqi = rowQ[i];
                rowP[i] = c * api - sn * aqi;
                rowQ[i] = sn * api + c * aqi;
                a[i][p] = rowP[i];
                a[i][q] = rowQ[i];
              }
            }
            rowP[p] -= t * apq;
            rowQ[q] += t * apq;
            rowP[q] = 0;
            rowQ[p] = 0;
            for (int i = 0; i < k; i++) {
              double vip = v[i][p];
              double viq = v[i][q];
              v[i][p] = c * vip - sn * viq;
              v[i][q] = sn * vip + c * viq;
            }
          }
        }
      }
      double[] values = new double[k];
      for (int i = 0; i < k; i++) {
        values[i] = a[i][i];
      }
      return new Eigen(values, v);
    }
  }
}
