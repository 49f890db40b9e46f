// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import io.sparkvae.linalg.SymmetricEigen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The exact maximum-likelihood fit of ŷ = W·x + b (src/site/markdown/training.md, "The models" §1),
 * from sufficient statistics, in double precision, with the classical inference of ordinary least
 * squares beside it.
 *
 * <p><b>What is solved.</b> Maximizing the Gaussian likelihood is minimizing the residual sum of
 * squares RSS(W, b) = Σ (y − W·x − b)². Setting ∂/∂b to zero gives b = ȳ − W·x̄; putting that back
 * leaves the centered normal equations
 *
 * <pre>
 *   Sxx W = Sxy,   Sxx = Σ (x − x̄)(x − x̄)ᵀ  (d × d),   Sxy = Σ (x − x̄)(y − ȳ)  (d).
 * </pre>
 *
 * The centered form is the covariance form of the usual XᵀX θ = Xᵀy with an intercept column: it
 * has the same solution, but its matrix does not carry the features' means, which for a feature
 * like a timestamp (mean 10⁹, spread 10³) would otherwise dominate every entry.
 *
 * <p><b>How.</b> The system is scaled to the features' correlation matrix R = D⁻¹ Sxx D⁻¹, D =
 * diag(√Sxx_jj), so that thresholds mean the same in any units, and factored by Cholesky, R = L Lᵀ.
 * The j-th pivot of that factorization, L_jj², is exactly 1 − R²_j, where R²_j is the coefficient
 * of determination of feature j regressed on the features before it: a pivot near zero (or a tiny
 * negative one: exact collinearity plus rounding) says feature j is (nearly) a linear combination
 * of earlier ones. When a pivot is ≤ {@link #PIVOT_TOLERANCE}, or the condition number ‖R‖₁‖R⁻¹‖₁
 * exceeds {@link #CONDITION_LIMIT} (the solve could lose all but ~4 of 16 digits), the fit falls
 * back to the least-squares solution of minimum norm: an eigen-decomposition R = V Λ Vᵀ ({@link
 * SymmetricEigen}, cyclic Jacobi: fine for d up to a few hundred; about a second at d = 300) and
 * the pseudo-inverse that ignores eigenvalues ≤ {@link #PIVOT_TOLERANCE}·λ_max. The norm minimized
 * is that of the standardized weights (W_j·√Sxx_jj), so the choice among equally good solutions
 * does not depend on the features' units; the fitted values are those of any least-squares
 * solution. Each feature that made a pivot vanish is named in {@link RegressionFit#warnings()},
 * with the earlier features it is a combination of.
 *
 * <p>A constant feature (zero variance, see {@link SufficientStats#constantFeatures()}) cannot be
 * told apart from the intercept. It is left out of the system and given weight 0, with a warning;
 * {@link #requireNoConstantFeatures} turns it into an error instead.
 *
 * <p><b>Inference.</b> The MLE of the noise variance is ŝ² = RSS/n (divide by N, not N − p: the
 * likelihood's own estimate), and the mean log-likelihood at the optimum is −½ log(2π ŝ²) − ½.
 * Standard errors, t values and p-values are those of classical OLS, as R's {@code
 * summary(lm(...))} prints them: they use the unbiased σ̂² = RSS/(n − p), p = rank + 1 parameters,
 * and Cov(Ŵ) = σ̂² Sxx⁻¹, Var(b̂) = σ̂² (1/n + x̄ᵀ Sxx⁻¹ x̄). They need n > p; below that they are
 * NaN. Under the pseudo-inverse the weights of features caught in a collinearity are not
 * identifiable (another split fits equally well), so their standard errors are NaN too. The
 * intercept's is always given: it is the sampling error of the b̂ reported, which, when a collinear
 * combination of features has a nonzero mean, depends on the minimum-norm convention (R would
 * instead drop the last aliased column and report NA for it).
 *
 * <p><b>Where the parts are.</b> {@link SufficientStats} gathers the statistics in one pass, {@link
 * Cholesky} factors, {@link SymmetricEigen} decomposes for the fallback, {@link Collinearity} names
 * the features behind a vanishing pivot, and {@link RegressionFit} holds the result, printed by
 * {@link RegressionFit#toSummaryString()}. This class solves.
 *
 * <pre>{@code
 * SufficientStats s = new SufficientStats(2);
 * s.add(new double[] {1, 2}, 3.5);   // ... one call per row, or merge partial statistics
 * RegressionFit fit = NormalEquations.solve(s, new String[] {"speed", "load"});
 * System.out.print(fit.toSummaryString());
 * }</pre>
 *
 * <p>Accuracy: normal equations square the condition of the data, so a weight carries a relative
 * error of about 10⁻¹⁶ × (condition number of R); RSS, computed from the statistics as Syy − 2 Wᵀ
 * Sxy + Wᵀ Sxx W, has an absolute error of about 10⁻¹⁶ × Syy, so an R² within 10⁻¹³ of 1 is
 * rounding noise. A QR factorization of the rows (its d × d R factors merge too, as in tall-skinny
 * QR) would avoid squaring the condition; centering removes the common cause of bad conditioning,
 * large means, at the cost of plain sums.
 */
public final class NormalEquations {
  /**
   * Cholesky pivots of the correlation matrix at or below this (1 − R² of a feature on the earlier
   * ones) count as collinear; also the pseudo-inverse's eigenvalue cut, relative to λ_max.
   */
  public static final double PIVOT_TOLERANCE = 1e-12;

  /** A condition number of the correlation matrix above this also selects the pseudo-inverse. */
  public static final double CONDITION_LIMIT = 1e12;

  // An eigenvector entry above this (entries of a unit vector) ties a feature to a null direction.
  private static final double LOADING_TOLERANCE = 1e-6;

  private NormalEquations() {}

  /**
   * The system in standardized units: the non-constant ("active") features, scaled to unit spread,
   * so that thresholds mean the same in any units.
   *
   * @param active indices of the non-constant features
   * @param scale √Sxx_jj of each active feature
   * @param corr their correlation matrix R = D⁻¹ Sxx D⁻¹
   * @param r D⁻¹ Sxy
   * @param m D⁻¹ x̄, for the intercept's variance
   */
  private record Standardized(
      int[] active, double[] scale, double[][] corr, double[] r, double[] m) {
    int size() {
      return active.length;
    }
  }

  /**
   * The solution of corr·u = r for the standardized weights u.
   *
   * @param cov corr⁻¹, or its pseudo-inverse
   * @param identified false for weights caught in a null direction of corr
   */
  private record Solution(
      double[] u, double[][] cov, boolean[] identified, int rank, double condition) {}

  /** Names x1 … xd, for callers without column names. */
  public static String[] defaultNames(int features) {
    String[] names = new String[features];
    for (int j = 0; j < features; j++) {
      names[j] = "x" + (j + 1);
    }
    return names;
  }

  /**
   * Throws, naming the columns, when some feature is constant (see {@link
   * SufficientStats#constantFeatures()}): for callers that would rather reject such data than fit
   * it with that weight at 0.
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
      sb.append(c == 0 ? "" : "; ")
          .append('\'')
          .append(names[j])
          .append("' (every row is ")
          .append(shortNumber(s.meanX(j)))
          .append(')');
    }
    throw new IllegalArgumentException(
        (constant.length == 1 ? "feature " : "features ")
            + sb
            + (constant.length == 1 ? " is" : " are")
            + " constant: a constant column cannot"
            + " be told apart from the intercept; drop it");
  }

  /** The maximum-likelihood fit; see the class comment. {@code featureNames} may be null. */
  public static RegressionFit solve(SufficientStats s, String[] featureNames) {
    return solve(s, featureNames, PIVOT_TOLERANCE, CONDITION_LIMIT);
  }

  /** {@link #solve(SufficientStats, String[])} with the thresholds given (tests use it). */
  static RegressionFit solve(
      SufficientStats s, String[] featureNames, double pivotTolerance, double conditionLimit) {
    int d = s.features();
    String[] names = checkNames(featureNames, d);
    long n = s.count();
    if (n < d + 1) {
      throw new IllegalArgumentException(
          "linear regression with "
              + d
              + (d == 1 ? " feature" : " features")
              + " has "
              + (d + 1)
              + " parameters (weights and intercept) and needs at"
              + " least "
              + (d + 1)
              + " rows; got "
              + n);
    }
    // Warnings in the order found: constant features, collinearity, degrees of freedom.
    List<String> warnings = new ArrayList<>();
    Standardized z = standardize(s, names, warnings);
    Solution solution = solveStandardized(z, names, pivotTolerance, conditionLimit, warnings);
    return inference(s, names, z, solution, warnings);
  }

  /** Constant features leave the system, with a warning; the others are scaled to unit spread. */
  private static Standardized standardize(
      SufficientStats s, String[] names, List<String> warnings) {
    int d = s.features();
    boolean[] constant = new boolean[d];
    for (int j : s.constantFeatures()) {
      constant[j] = true;
      warnings.add(
          "feature '"
              + names[j]
              + "' is constant (every row is "
              + shortNumber(s.meanX(j))
              + "); it cannot be told apart from"
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
    return new Standardized(active, scale, corr, r, m);
  }

  /** Cholesky when the system is well conditioned, else the pseudo-inverse (class comment). */
  private static Solution solveStandardized(
      Standardized z,
      String[] names,
      double pivotTolerance,
      double conditionLimit,
      List<String> warnings) {
    int k = z.size();
    Cholesky chol = Cholesky.factor(z.corr(), pivotTolerance);
    if (chol.dropped.length > 0) {
      for (int a : chol.dropped) {
        warnings.add(Collinearity.collinear(z.corr(), chol, a, pivotTolerance, z.active(), names));
      }
      return pseudoInverse(z, pivotTolerance);
    }
    double[][] cov = chol.inverse();
    double condition = norm1(z.corr()) * norm1(cov);
    if (condition > conditionLimit) {
      Solution sol = pseudoInverse(z, pivotTolerance);
      String w = Collinearity.nearlyCollinear(z.corr(), cov, condition, z.active(), names);
      if (sol.rank == k) {
        // The trigger is the 1-norm bound, the cut an eigenvalue ratio: the second can keep every
        // direction when the first fires, and the warning must not suggest something was dropped.
        w +=
            String.format(
                Locale.ROOT,
                ", which kept every direction (no eigenvalue below %.0e of the largest; 2-norm"
                    + " condition number %.2g), so the weights are the ordinary ones",
                pivotTolerance,
                sol.condition);
      }
      warnings.add(w);
      return sol;
    }
    boolean[] identified = new boolean[k];
    Arrays.fill(identified, true);
    // No features left: no matrix, so no condition number either.
    return new Solution(chol.solve(z.r()), cov, identified, k, k == 0 ? Double.NaN : condition);
  }

  /**
   * The minimum-norm least-squares solution u = Σ vᵢ(vᵢ·r)/λᵢ over the eigenpairs of corr with λᵢ
   * above {@code pivotTolerance}·λ_max; the others are null directions, and the features with
   * weight in one are not identifiable.
   */
  private static Solution pseudoInverse(Standardized z, double pivotTolerance) {
    int k = z.size();
    SymmetricEigen eig = SymmetricEigen.of(z.corr());
    double[] values = eig.values();
    double lambdaMax = 0;
    double lambdaMin = Double.POSITIVE_INFINITY;
    for (double l : values) {
      lambdaMax = Math.max(lambdaMax, l);
      lambdaMin = Math.min(lambdaMin, l);
    }
    // Below the cut the matrix is singular to working precision: λ_min is rounding noise.
    double condition =
        lambdaMin > pivotTolerance * lambdaMax ? lambdaMax / lambdaMin : Double.POSITIVE_INFINITY;
    double[] u = new double[k];
    double[][] cov = new double[k][k];
    boolean[] identified = new boolean[k];
    Arrays.fill(identified, true);
    int rank = 0;
    for (int e = 0; e < k; e++) {
      double[] v = eig.vector(e);
      if (values[e] > pivotTolerance * lambdaMax) {
        rank++;
        double proj = dot(v, z.r()) / values[e];
        for (int a = 0; a < k; a++) {
          u[a] += proj * v[a];
          for (int c = 0; c < k; c++) {
            cov[a][c] += v[a] * v[c] / values[e];
          }
        }
      } else {
        for (int a = 0; a < k; a++) {
          if (Math.abs(v[a]) > LOADING_TOLERANCE) {
            identified[a] = false;
          }
        }
      }
    }
    return new Solution(u, cov, identified, rank, condition);
  }

  /** Weights in the data's units, then RSS, R², the F test and the coefficient table. */
  private static RegressionFit inference(
      SufficientStats s, String[] names, Standardized z, Solution sol, List<String> warnings) {
    int d = s.features();
    long n = s.count();
    int rank = sol.rank();
    double[] u = sol.u();
    double[] weights = new double[d];
    double intercept = s.meanY();
    for (int a = 0; a < z.size(); a++) {
      weights[z.active()[a]] = u[a] / z.scale()[a];
      intercept -= weights[z.active()[a]] * s.meanX(z.active()[a]);
    }
    // RSS for any W: Syy − 2 uᵀr + uᵀ corr u (in standardized units), never below 0.
    double rss = s.syy() - 2 * dot(u, z.r()) + quadratic(z.corr(), u);
    rss = Math.max(0.0, rss);
    double sigma2Mle = rss / n;
    double meanLogLik = -0.5 * Math.log(2 * Math.PI * sigma2Mle) - 0.5;
    double r2 = s.syy() > 0 ? 1 - rss / s.syy() : Double.NaN;
    long df = n - rank - 1;
    double sigma2 = df > 0 ? rss / df : Double.NaN;
    if (df <= 0) {
      warnings.add(
          "no residual degrees of freedom ("
              + n
              + " rows, "
              + (rank + 1)
              + " identified parameters): the fit is exact and standard errors are undefined");
    }
    double adjustedR2 = df > 0 ? 1 - (1 - r2) * (n - 1) / df : Double.NaN;
    double fStatistic = rank > 0 && df > 0 ? (s.syy() - rss) / rank / sigma2 : Double.NaN;
    double fPValue =
        Double.isNaN(fStatistic) ? Double.NaN : Distributions.fUpperTail(fStatistic, rank, df);
    List<Coefficient> table = coefficientTable(names, weights, intercept, n, z, sol, sigma2, df);
    return new RegressionFit(
        List.of(names),
        weights,
        intercept,
        n,
        rank,
        rss,
        sigma2Mle,
        sigma2Mle,
        meanLogLik,
        r2,
        adjustedR2,
        df,
        Math.sqrt(sigma2),
        table,
        fStatistic,
        fPValue,
        sol.condition(),
        warnings);
  }

  /**
   * The intercept, then every feature: Var(b̂) = σ̂² (1/n + x̄ᵀ Sxx⁻¹ x̄), Var(Ŵ_j) = σ̂²
   * (Sxx⁻¹)_jj; NaN for a constant feature and for a weight that is not identifiable.
   */
  private static List<Coefficient> coefficientTable(
      String[] names,
      double[] weights,
      double intercept,
      long n,
      Standardized z,
      Solution sol,
      double sigma2,
      long df) {
    int d = weights.length;
    List<Coefficient> table = new ArrayList<>(d + 1);
    double interceptVar = sigma2 * (1.0 / n + quadratic(sol.cov(), z.m()));
    table.add(coefficient("(Intercept)", intercept, Math.sqrt(interceptVar), df));
    double[] se = new double[d];
    Arrays.fill(se, Double.NaN);
    for (int a = 0; a < z.size(); a++) {
      if (sol.identified()[a]) {
        se[z.active()[a]] = Math.sqrt(sigma2 * sol.cov()[a][a]) / z.scale()[a];
      }
    }
    for (int j = 0; j < d; j++) {
      table.add(coefficient(names[j], weights[j], se[j], df));
    }
    return table;
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
      throw new IllegalArgumentException(
          names.length + " feature names given for " + d + " features");
    }
    for (int j = 0; j < d; j++) {
      if (names[j] == null || names[j].isEmpty()) {
        throw new IllegalArgumentException("feature " + (j + 1) + " has no name");
      }
    }
    return names.clone();
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
}
