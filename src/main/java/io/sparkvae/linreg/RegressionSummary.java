// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import java.util.List;
import java.util.Locale;

/**
 * A {@link RegressionFit} as R's {@code summary(lm(...))} prints it: the coefficient table with
 * estimates, standard errors, t values, p-values and significance stars, then the residual standard
 * error, R², the F test against the intercept-only model, and this project's additions (the MLE
 * noise variance, the mean log-likelihood, the warnings).
 *
 * <p>Numbers follow R's conventions so that the two can be compared by eye: a column of estimates
 * shares one number of decimals, NaN prints as {@code NA}, and p-values below 2·10⁻¹⁶ print as
 * {@code <2e-16} (their digits would be rounding noise).
 */
final class RegressionSummary {
  private RegressionSummary() {}

  /** The coefficient table and fit statistics of {@code fit}, laid out as summary.lm does. */
  static String format(RegressionFit fit) {
    List<Coefficient> coefficients = fit.coefficients();
    long n = fit.n();
    int features = fit.weights().length;
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
      cells[r + 1] =
          new String[] {
            c.name(), estimates[r], errors[r], tValues[r], pValue(c.pValue()), c.stars()
          };
    }
    int[] width = new int[head.length];
    for (String[] row : cells) {
      for (int k = 0; k < row.length; k++) {
        width[k] = Math.max(width[k], row[k].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Linear regression by maximum likelihood (normal equations): ")
        .append(n)
        .append(n == 1 ? " row, " : " rows, ")
        .append(features)
        .append(features == 1 ? " feature\n\n" : " features\n\n");
    sb.append("Coefficients:\n");
    for (String[] row : cells) {
      sb.append(pad(row[0], width[0], false));
      for (int k = 1; k < row.length - 1; k++) {
        sb.append(' ').append(pad(row[k], width[k], true));
      }
      sb.append(' ').append(pad(row[row.length - 1], 3, false)).append('\n');
    }
    sb.append("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
    sb.append("Residual standard error: ")
        .append(num(fit.residualStandardError(), 4))
        .append(" on ")
        .append(fit.residualDf())
        .append(" degrees of freedom\n");
    sb.append("Multiple R-squared: ")
        .append(num(fit.r2(), 4))
        .append(",\tAdjusted R-squared: ")
        .append(num(fit.adjustedR2(), 4))
        .append('\n');
    sb.append("F-statistic: ")
        .append(num(fit.fStatistic(), 4))
        .append(" on ")
        .append(fit.rank())
        .append(" and ")
        .append(fit.residualDf())
        .append(" DF,  p-value: ")
        .append(pValue(fit.fPValue()))
        .append('\n');
    sb.append("MLE noise variance RSS/n: ")
        .append(num(fit.sigma2Mle(), 4))
        .append(",  mean log-likelihood: ")
        .append(num(fit.meanLogLik(), 5))
        .append(" nats/row\n");
    for (String w : fit.warnings()) {
      sb.append("Warning: ").append(w).append('\n');
    }
    return sb.toString();
  }

  /**
   * A column with one number of decimals, so the points line up: enough for the smallest nonzero
   * magnitude to show {@code digits} significant digits (as R's {@code format} does), or each in %g
   * when that would take more than 10 decimals or the values are huge.
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
    int decimals =
        min == Double.POSITIVE_INFINITY
            ? digits - 1
            : Math.max(0, digits - 1 - (int) Math.floor(Math.log10(min)));
    boolean fixed = decimals <= 10 && max < 1e15;
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      out[i] =
          !Double.isFinite(v) || !fixed
              ? num(v, digits)
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
