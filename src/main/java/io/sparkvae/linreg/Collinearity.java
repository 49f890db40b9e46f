// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The warnings that name collinear features: which feature is (nearly) a linear combination of
 * which others.
 *
 * <p>A vanishing Cholesky pivot, or a large diagonal entry of R⁻¹, says that feature j is nearly a
 * combination of the rest, but a regression of j on all the others gives every feature some
 * coefficient, if only from sampling noise. So the partners named are the fewest features, taken by
 * decreasing |standardized coefficient|, that on their own explain j up to the tolerance ({@link
 * #namedPartners}). A user can then drop one of them.
 */
final class Collinearity {
  private static final int MAX_NAMED_PARTNERS = 8;

  private Collinearity() {}

  /** The warning for feature a of R set aside by the Cholesky factorization {@code chol}. */
  static String collinear(
      double[][] corr, Cholesky chol, int a, double pivotTolerance, int[] active, String[] names) {
    return "feature '"
        + names[active[a]]
        + "' is collinear with "
        + partnerList(namedPartners(corr, a, chol.partners(a), pivotTolerance), active, names)
        + " (pivot "
        + String.format(Locale.ROOT, "%.2g", chol.pivot[a])
        + "); used a least-squares (pseudo-inverse) solution";
  }

  /**
   * The warning for an ill-conditioned R with inverse {@code cov}: it names the feature with the
   * largest (R⁻¹)_jj = 1/(1 − R²_j), the one best explained by the others.
   */
  static String nearlyCollinear(
      double[][] corr, double[][] cov, double condition, int[] active, String[] names) {
    int k = corr.length;
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
    return "features are nearly collinear (condition number "
        + String.format(Locale.ROOT, "%.2g", condition)
        + "): '"
        + names[active[worst]]
        + "' is nearly a combination of "
        + partnerList(namedPartners(corr, worst, beta, 2 / cov[worst][worst]), active, names)
        + "; used a least-squares (pseudo-inverse) solution";
  }

  /**
   * The features to name as the partners of collinear feature j: the smallest prefix, by decreasing
   * |β|, of the features in its regression {@code beta} (standardized coefficients) on which j
   * regressed alone leaves a share 1 − R² of its variance at most {@code target}. A full regression
   * gives every feature some coefficient, if only from sampling noise; this keeps the ones the
   * collinearity needs, including those with small coefficients. Grows a Cholesky factor of the
   * chosen features' correlations one column at a time, with z = L⁻¹ corr[S, j], so that 1 − R² = 1
   * − ‖z‖²: O(d³) at worst. Returns feature order.
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
   * "'x1', 'x2'" for the chosen features (indices into the active features); beyond {@link
   * #MAX_NAMED_PARTNERS} of them, the rest are counted.
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
}
