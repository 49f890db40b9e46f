// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import java.util.List;

/**
 * The fitted model and its diagnostics, as {@link NormalEquations#solve} returns them. Arrays are
 * the fit's own; do not modify them.
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
 * @param conditionNumber of the features' correlation matrix: ‖R‖₁‖R⁻¹‖₁ when Cholesky is used,
 *     λ_max/λ_min after the fallback (∞ when singular); 1 for uncorrelated features
 * @param warnings constant or collinear features, missing degrees of freedom; empty if none
 */
public record RegressionFit(
    List<String> featureNames,
    double[] weights,
    double intercept,
    long n,
    int rank,
    double rss,
    double mse,
    double sigma2Mle,
    double meanLogLik,
    double r2,
    double adjustedR2,
    long residualDf,
    double residualStandardError,
    List<Coefficient> coefficients,
    double fStatistic,
    double fPValue,
    double conditionNumber,
    List<String> warnings) {
  /** Fails fast on a table or weights that do not match the features. */
  public RegressionFit {
    featureNames = List.copyOf(featureNames);
    coefficients = List.copyOf(coefficients);
    warnings = List.copyOf(warnings);
    if (weights.length != featureNames.size()) {
      throw new IllegalArgumentException(
          weights.length + " weights for " + featureNames.size() + " features");
    }
    if (coefficients.size() != weights.length + 1) {
      throw new IllegalArgumentException(
          coefficients.size()
              + " coefficient rows for "
              + weights.length
              + " features; the table has the intercept and one row per feature");
    }
  }

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
      throw new IllegalArgumentException(
          "row has " + x.length + " features, the model " + weights.length);
    }
    double y = intercept;
    for (int j = 0; j < x.length; j++) {
      y += weights[j] * x[j];
    }
    return y;
  }

  /** The coefficient table and fit statistics, laid out as R's {@code summary.lm} does. */
  public String toSummaryString() {
    return RegressionSummary.format(this);
  }
}
