// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.FloatRows;
import io.sparkvae.kernel.Rng;
import io.sparkvae.linalg.SymmetricEigen;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalEquationsTest {

  /** A standard normal draw in double precision (Box-Muller). */
  private static double gaussian(Rng rng) {
    double u1 = 1.0 - rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** x[r][j] = offset[j] + spread[j]·N(0, 1). */
  private static double[][] features(int n, double[] offset, double[] spread, long seed) {
    Rng rng = new Rng(seed);
    double[][] x = new double[n][offset.length];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < offset.length; j++) {
        x[r][j] = offset[j] + spread[j] * gaussian(rng);
      }
    }
    return x;
  }

  private static double[] labels(double[][] x, double[] w, double b, double noise, long seed) {
    Rng rng = new Rng(seed);
    double[] y = new double[x.length];
    for (int r = 0; r < x.length; r++) {
      y[r] = b + noise * gaussian(rng);
      for (int j = 0; j < w.length; j++) {
        y[r] += w[j] * x[r][j];
      }
    }
    return y;
  }

  private static SufficientStats stats(double[][] x, double[] y, int from, int to) {
    SufficientStats s = new SufficientStats(x[0].length);
    for (int r = from; r < to; r++) {
      s.add(x[r], y[r]);
    }
    return s;
  }

  private static SufficientStats stats(double[][] x, double[] y) {
    return stats(x, y, 0, x.length);
  }

  /** Inverse of a small symmetric positive definite matrix by Gauss-Jordan elimination. */
  private static double[][] invert(double[][] a) {
    int k = a.length;
    double[][] m = new double[k][2 * k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(a[i], 0, m[i], 0, k);
      m[i][k + i] = 1;
    }
    for (int c = 0; c < k; c++) {
      int best = c;
      for (int i = c + 1; i < k; i++) {
        if (Math.abs(m[i][c]) > Math.abs(m[best][c])) {
          best = i;
        }
      }
      double[] t = m[c];
      m[c] = m[best];
      m[best] = t;
      double p = m[c][c];
      for (int j = 0; j < 2 * k; j++) {
        m[c][j] /= p;
      }
      for (int i = 0; i < k; i++) {
        if (i != c) {
          double f = m[i][c];
          for (int j = 0; j < 2 * k; j++) {
            m[i][j] -= f * m[c][j];
          }
        }
      }
    }
    double[][] inv = new double[k][k];
    for (int i = 0; i < k; i++) {
      System.arraycopy(m[i], k, inv[i], 0, k);
    }
    return inv;
  }

  /** Ordinary least squares with an intercept, the textbook way: θ = (AᵀA)⁻¹Aᵀy, A = [1 X]. */
  private record Direct(double[] theta, double[][] inverse, double rss) {}

  private static Direct direct(double[][] x, double[] y, int[] columns) {
    int p = columns.length + 1;
    double[][] ata = new double[p][p];
    double[] aty = new double[p];
    double[] row = new double[p];
    for (int r = 0; r < x.length; r++) {
      row[0] = 1;
      for (int c = 0; c < columns.length; c++) {
        row[c + 1] = x[r][columns[c]];
      }
      for (int i = 0; i < p; i++) {
        aty[i] += row[i] * y[r];
        for (int j = 0; j < p; j++) {
          ata[i][j] += row[i] * row[j];
        }
      }
    }
    double[][] inv = invert(ata);
    double[] theta = new double[p];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < p; j++) {
        theta[i] += inv[i][j] * aty[j];
      }
    }
    double rss = 0;
    for (int r = 0; r < x.length; r++) {
      double e = y[r] - theta[0];
      for (int c = 0; c < columns.length; c++) {
        e -= theta[c + 1] * x[r][columns[c]];
      }
      rss += e * e;
    }
    return new Direct(theta, inv, rss);
  }

  @Test
  void recoversExactDataToRoundingError() {
    double[] w = {1.5, -2, 0.25};
    double[][] x = features(40, new double[] {0, 5, -2}, new double[] {1, 10, 0.1}, 1);
    double[] y = labels(x, w, 3, 0, 2);
    RegressionFit fit = NormalEquations.solve(stats(x, y), new String[] {"a", "b", "c"});
    assertArrayEquals(w, fit.weights(), 1e-9);
    assertEquals(3, fit.intercept(), 1e-9);
    assertEquals(1.0, fit.r2(), 1e-12);
    assertEquals(3, fit.rank());
    assertEquals(36, fit.residualDf());
    assertEquals(List.of(), fit.warnings());
    assertEquals(List.of("a", "b", "c"), fit.featureNames());
    assertEquals(w[1], fit.weightCoefficient(1).estimate(), 1e-9);
    assertEquals(3, fit.interceptCoefficient().estimate(), 1e-9);
  }

  @Test
  void noisyEstimatesLieWithinFourStandardErrorsOfTheTruth() {
    int n = 5000;
    double sigma = 0.5;
    double[] w = {0.8, -1.2, 3.0};
    double b = -2;
    double[][] x = features(n, new double[] {1, -3, 0.5}, new double[] {1, 2, 0.3}, 11);
    double[] y = labels(x, w, b, sigma, 12);
    RegressionFit fit = NormalEquations.solve(stats(x, y), null);
    for (int j = 0; j < 3; j++) {
      double se = fit.weightCoefficient(j).stdError();
      assertTrue(
          Math.abs(fit.weights()[j] - w[j]) < 4 * se,
          "W" + j + " = " + fit.weights()[j] + " ± " + se + ", truth " + w[j]);
    }
    double seB = fit.interceptCoefficient().stdError();
    assertTrue(Math.abs(fit.intercept() - b) < 4 * seB, fit.intercept() + " ± " + seB);

    // ŝ² = RSS/n has mean σ²(n − p)/n and standard deviation ≈ σ² √(2/n).
    double s2 = sigma * sigma;
    assertEquals(s2 * (n - 4) / n, fit.sigma2Mle(), 4 * s2 * Math.sqrt(2.0 / n), "ŝ²");
    assertEquals(fit.rss() / n, fit.sigma2Mle(), 0.0);
    assertEquals(fit.mse(), fit.sigma2Mle(), 0.0);
    assertEquals(-0.5 * Math.log(2 * Math.PI * fit.sigma2Mle()) - 0.5, fit.meanLogLik(), 1e-15);
    assertEquals(n - 4, fit.residualDf());
    assertEquals(Math.sqrt(fit.rss() / (n - 4)), fit.residualStandardError(), 1e-15);
    assertEquals(List.of("x1", "x2", "x3"), fit.featureNames());

    // RSS from the statistics equals RSS from the residuals.
    double rss = 0;
    for (int r = 0; r < n; r++) {
      double e = y[r] - fit.predict(x[r]);
      rss += e * e;
    }
    assertEquals(rss, fit.rss(), 1e-9 * rss);
  }

  @Test
  void standardErrorsTAndPValuesMatchADirectComputationWithTheInverseOfXtX() {
    double[][] x = {
      {1, 2.5}, {2, 1.0}, {3, 3.5}, {4, 2.0}, {5, 5.5}, {6, 4.0}, {7, 6.5}, {8, 5.0}, {9, 8.0}
    };
    double[] y = {3.1, 3.9, 7.2, 6.8, 11.5, 10.1, 14.9, 13.2, 18.8};
    int n = y.length;
    RegressionFit fit = NormalEquations.solve(stats(x, y), null);
    Direct ref = direct(x, y, new int[] {0, 1});
    double sigma2 = ref.rss() / (n - 3);
    double[] estimates = {fit.intercept(), fit.weights()[0], fit.weights()[1]};
    for (int i = 0; i < 3; i++) {
      Coefficient c = fit.coefficients().get(i);
      double se = Math.sqrt(sigma2 * ref.inverse()[i][i]);
      assertEquals(ref.theta()[i], estimates[i], 1e-10 * Math.abs(ref.theta()[i]), "estimate " + i);
      assertEquals(se, c.stdError(), 1e-9 * se, "standard error " + i);
      assertEquals(ref.theta()[i] / se, c.tValue(), 1e-8 * Math.abs(c.tValue()), "t " + i);
      assertEquals(
          Distributions.studentTTwoSidedP(ref.theta()[i] / se, n - 3),
          c.pValue(),
          1e-8 * c.pValue(),
          "p " + i);
    }
    assertEquals(ref.rss(), fit.rss(), 1e-9 * ref.rss());
  }

  /**
   * R's {@code summary(lm(dist ~ speed, data = cars))}: Estimate −17.5791 and 3.9324, Std. Error
   * 6.7584 and 0.4155, t −2.601 and 9.464, Pr 0.0123 and 1.49e-12; residual standard error 15.38 on
   * 48 degrees of freedom; R² 0.6511, adjusted 0.6438; F 89.57 on 1 and 48 DF. The full-digit
   * references below are SciPy's and agree with R's printout.
   */
  @Test
  void matchesRsSummaryOfLmOnTheCarsData() {
    double[] speed = {
      4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15,
      15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24,
      24, 25
    };
    double[] dist = {
      2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80, 20,
      26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92,
      93, 120, 85
    };
    SufficientStats s = new SufficientStats(1);
    for (int r = 0; r < speed.length; r++) {
      s.add(new double[] {speed[r]}, dist[r]);
    }
    RegressionFit fit = NormalEquations.solve(s, new String[] {"speed"});
    Coefficient b = fit.interceptCoefficient();
    Coefficient w = fit.weightCoefficient(0);
    assertEquals(-17.579094890510937, b.estimate(), 1e-12);
    assertEquals(3.9324087591240864, w.estimate(), 1e-13);
    assertEquals(6.758440169379241, b.stdError(), 1e-12);
    assertEquals(0.41551277665712255, w.stdError(), 1e-13);
    assertEquals(-2.601058, b.tValue(), 1e-6);
    assertEquals(9.46398999, w.tValue(), 1e-7);
    assertEquals(1.23188162e-02, b.pValue(), 1e-10);
    assertEquals(1.4898364962951263e-12, w.pValue(), 1e-20);
    assertEquals(15.379586748819907, fit.residualStandardError(), 1e-11);
    assertEquals(48, fit.residualDf());
    assertEquals(0.8068949006892102 * 0.8068949006892102, fit.r2(), 1e-13);
    assertEquals(0.6438, fit.adjustedR2(), 5e-5);
    assertEquals(89.56710653646769, fit.fStatistic(), 1e-9);
    assertEquals(1.4898364962950985e-12, fit.fPValue(), 1e-20);
    assertEquals("*", b.stars());
    assertEquals("***", w.stars());

    String summary = fit.toSummaryString();
    assertTrue(summary.contains("Estimate Std. Error t value Pr(>|t|)"), summary);
    assertTrue(
        summary.contains(
            "            Estimate Std. Error t value Pr(>|t|)    \n"
                + "(Intercept) -17.5791     6.7584  -2.601   0.0123 *  \n"
                + "speed         3.9324     0.4155   9.464 1.49e-12 ***\n"),
        summary);
    assertTrue(
        summary.contains("Residual standard error: 15.38 on 48 degrees of freedom"), summary);
    assertTrue(summary.contains("Multiple R-squared: 0.6511"), summary);
    assertTrue(summary.contains("F-statistic: 89.57 on 1 and 48 DF,  p-value: 1.49e-12"), summary);
    assertTrue(summary.contains("50 rows, 1 feature"), summary);
  }

  @Test
  void collinearFeatureIsNamedAndTheFittedValuesAreThoseOfLeastSquares() {
    int n = 300;
    double[][] x = features(n, new double[] {1, 2, 0, -1}, new double[] {1, 3, 1, 2}, 21);
    for (double[] row : x) {
      // Small integers: x3 = x1 + x2 is then exact in floating point.
      row[0] = Math.rint(4 * row[0]);
      row[1] = Math.rint(4 * row[1]);
      row[2] = row[0] + row[1];
    }
    double[] y = labels(x, new double[] {2, -1, 0, 0.5}, 1, 0.2, 22);
    RegressionFit fit = NormalEquations.solve(stats(x, y), null);

    assertEquals(1, fit.warnings().size(), fit.warnings().toString());
    String warning = fit.warnings().get(0);
    assertTrue(warning.startsWith("feature 'x3' is collinear with 'x1', 'x2' (pivot "), warning);
    assertTrue(warning.endsWith("); used a least-squares (pseudo-inverse) solution"), warning);
    assertFalse(warning.contains("x4"), warning);
    assertEquals(3, fit.rank());
    assertEquals(n - 4, fit.residualDf());
    assertEquals(Double.POSITIVE_INFINITY, fit.conditionNumber());

    // Any least-squares solution has the same fitted values: compare with x3 left out.
    Direct ref = direct(x, y, new int[] {0, 1, 3});
    for (double[] row : x) {
      double expected =
          ref.theta()[0]
              + ref.theta()[1] * row[0]
              + ref.theta()[2] * row[1]
              + ref.theta()[3] * row[3];
      assertEquals(expected, fit.predict(row), 1e-9 * (1 + Math.abs(expected)));
    }
    for (double v : fit.weights()) {
      assertTrue(Double.isFinite(v));
    }
    assertEquals(ref.rss(), fit.rss(), 1e-8 * ref.rss());
    // x4 is identifiable: its estimate and standard error are those of the reduced model.
    double sigma2 = ref.rss() / (n - 4);
    assertEquals(ref.theta()[3], fit.weights()[3], 1e-10);
    assertEquals(Math.sqrt(sigma2 * ref.inverse()[3][3]), fit.weightStdErrors()[3], 1e-10);
    // The split among x1, x2, x3 is arbitrary, so their standard errors are undefined.
    for (int j = 0; j < 3; j++) {
      assertTrue(Double.isNaN(fit.weightStdErrors()[j]), "SE of x" + (j + 1));
    }
    assertTrue(fit.toSummaryString().contains("Warning: feature 'x3' is collinear"));
  }

  @Test
  void aDuplicatedFeatureSharesItsWeightEquallyUnderTheMinimumNorm() {
    double[][] x = features(100, new double[] {0, 0}, new double[] {1, 1}, 31);
    for (double[] row : x) {
      row[1] = row[0];
    }
    double[] y = labels(x, new double[] {3, 0}, 1, 0.1, 32);
    RegressionFit fit = NormalEquations.solve(stats(x, y), new String[] {"a", "a_copy"});
    Direct ref = direct(x, y, new int[] {0});
    assertEquals(ref.theta()[1] / 2, fit.weights()[0], 1e-10);
    assertEquals(ref.theta()[1] / 2, fit.weights()[1], 1e-10);
    assertEquals(ref.theta()[0], fit.intercept(), 1e-10);
    assertTrue(
        fit.warnings().get(0).startsWith("feature 'a_copy' is collinear with 'a' "),
        fit.warnings().toString());
  }

  @Test
  void aHighConditionNumberAlsoSelectsThePseudoInverseAndNamesTheWorstFeature() {
    double[][] x = features(400, new double[] {0, 0, 0, 0}, new double[] {1, 1, 1, 1}, 41);
    Rng rng = new Rng(43);
    for (double[] row : x) {
      row[2] = row[0] + row[1] + 0.05 * gaussian(rng);
    }
    double[] y = labels(x, new double[] {1, 2, 3, 4}, 5, 0.3, 42);
    RegressionFit plain = NormalEquations.solve(stats(x, y), null);
    assertEquals(List.of(), plain.warnings(), "well within the default limit");
    assertTrue(plain.conditionNumber() > 100, "condition " + plain.conditionNumber());

    RegressionFit strict =
        NormalEquations.solve(stats(x, y), null, NormalEquations.PIVOT_TOLERANCE, 100);
    assertEquals(1, strict.warnings().size(), strict.warnings().toString());
    String warning = strict.warnings().get(0);
    assertTrue(warning.startsWith("features are nearly collinear (condition number "), warning);
    assertTrue(warning.contains("'x3' is nearly a combination of 'x1', 'x2';"), warning);
    // Nothing is below the pseudo-inverse cut, so the answer is the ordinary one, and says so.
    assertTrue(warning.contains("which kept every direction"), warning);
    assertTrue(warning.endsWith("so the weights are the ordinary ones"), warning);
    assertArrayEquals(plain.weights(), strict.weights(), 1e-9);
    assertArrayEquals(plain.weightStdErrors(), strict.weightStdErrors(), 1e-9);
    assertEquals(4, strict.rank());
  }

  @Test
  void constantFeatureIsReportedAndCanBeRejectedByName() {
    double[][] x = features(60, new double[] {0, 0, 0}, new double[] {1, 1, 1}, 51);
    for (double[] row : x) {
      row[1] = 5.0;
    }
    double[] y = labels(x, new double[] {2, 7, -1}, 0.5, 0.1, 52);
    SufficientStats s = stats(x, y);
    assertArrayEquals(new int[] {1}, s.constantFeatures());
    String[] names = {"age", "version", "income"};

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NormalEquations.requireNoConstantFeatures(s, names));
    assertEquals(
        "feature 'version' (every row is 5) is constant: a constant column cannot"
            + " be told apart from the intercept; drop it",
        e.getMessage());

    RegressionFit fit = NormalEquations.solve(s, names);
    assertEquals(
        List.of(
            "feature 'version' is constant (every row is 5); it cannot be told"
                + " apart from the intercept, so its weight is set to 0"),
        fit.warnings());
    Direct ref = direct(x, y, new int[] {0, 2});
    assertEquals(ref.theta()[1], fit.weights()[0], 1e-10);
    assertEquals(0.0, fit.weights()[1]);
    assertEquals(ref.theta()[2], fit.weights()[2], 1e-10);
    assertEquals(ref.theta()[0], fit.intercept(), 1e-10);
    assertEquals(2, fit.rank());
    assertTrue(Double.isNaN(fit.weightStdErrors()[1]));
    double se0 = Math.sqrt(ref.rss() / (60 - 3) * ref.inverse()[0][0]);
    assertEquals(se0, fit.interceptCoefficient().stdError(), 1e-10);

    assertEquals("0.125", NormalEquations.shortNumber(0.125));
    assertEquals("-7", NormalEquations.shortNumber(-7.0));
    assertEquals("1.23457e+09", NormalEquations.shortNumber(1234567890.0));

    // A feature that varies in its 13th digit of 10⁶ is noise on a constant, but 1e-6 is not.
    SufficientStats t = new SufficientStats(2);
    for (int r = 0; r < 10; r++) {
      t.add(new double[] {1e6 + (r % 2) * 1e-7, 1 + r * 1e-6}, r);
    }
    assertArrayEquals(new int[] {0}, t.constantFeatures());
  }

  @Test
  void mergingTwoPartsGivesTheStatisticsOfTheUnion() {
    int n = 200;
    double[][] x = features(n, new double[] {3, -50, 0.1}, new double[] {1, 4, 0.01}, 61);
    // The second part is shifted, so the parts' means differ and the δδᵀ term matters.
    for (int r = 37; r < n; r++) {
      x[r][0] += 10;
    }
    double[] y = labels(x, new double[] {1, 0.5, 30}, 2, 1, 62);
    SufficientStats whole = stats(x, y);
    SufficientStats merged = stats(x, y, 0, 37).merge(stats(x, y, 37, n));
    assertEquals(whole.count(), merged.count());
    assertArrayEquals(whole.meanX(), merged.meanX(), 1e-12);
    assertEquals(whole.meanY(), merged.meanY(), 1e-12);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(whole.sxx(i, j), merged.sxx(i, j), 1e-12 * Math.abs(whole.sxx(i, i)));
      }
      assertEquals(whole.sxy(i), merged.sxy(i), 1e-11 * Math.abs(whole.sxy(i)));
    }
    assertEquals(whole.syy(), merged.syy(), 1e-12 * whole.syy());
    assertArrayEquals(whole.xtx(), merged.xtx(), 1e-9);
    assertArrayEquals(whole.xty(), merged.xty(), 1e-9);
    assertEquals(whole.yty(), merged.yty(), 1e-12 * whole.yty());
    assertArrayEquals(whole.sumX(), merged.sumX(), 1e-9);
    assertEquals(whole.sumY(), merged.sumY(), 1e-9);

    // The raw sums are what their names say.
    double[] sumX = new double[3];
    double xtx01 = 0;
    double yty = 0;
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < 3; j++) {
        sumX[j] += x[r][j];
      }
      xtx01 += x[r][0] * x[r][1];
      yty += y[r] * y[r];
    }
    assertArrayEquals(sumX, whole.sumX(), 1e-9);
    assertEquals(xtx01, whole.xtx()[1], 1e-9 * Math.abs(xtx01));
    assertEquals(xtx01, whole.xtx()[3], 1e-9 * Math.abs(xtx01));
    assertEquals(yty, whole.yty(), 1e-12 * yty);

    // Empty statistics are the identity of merge, on either side.
    SufficientStats fromEmpty = new SufficientStats(3).merge(whole);
    assertEquals(whole.syy(), fromEmpty.syy());
    assertArrayEquals(whole.xtx(), fromEmpty.xtx());
    assertEquals(whole.syy(), stats(x, y).merge(new SufficientStats(3)).syy());
    assertThrows(IllegalArgumentException.class, () -> whole.merge(new SufficientStats(2)));

    // Rows in objective layout (floats, label last) add the same statistics.
    float[] rows = new float[n * 4];
    SufficientStats fromFloats = new SufficientStats(3);
    SufficientStats fromDoubles = new SufficientStats(3);
    for (int r = 0; r < n; r++) {
      double[] xr = new double[3];
      for (int j = 0; j < 3; j++) {
        rows[r * 4 + j] = (float) x[r][j];
        xr[j] = rows[r * 4 + j];
      }
      rows[r * 4 + 3] = (float) y[r];
      fromDoubles.add(xr, rows[r * 4 + 3]);
    }
    fromFloats.addRows(new FloatRows(rows, n, 4));
    assertArrayEquals(fromDoubles.xtx(), fromFloats.xtx(), 0.0);
    assertEquals(fromDoubles.syy(), fromFloats.syy(), 0.0);
  }

  /**
   * Features with mean 10⁶ and spread 1: raw XᵀX would hold ~10¹² n in every entry and lose 12
   * digits to cancellation; the centered statistics keep the answer to rounding level.
   */
  @Test
  void largeMeansWithUnitSpreadStillGiveAccurateWeights() {
    int n = 1000;
    double[] w = {2, -3, 0.5};
    double[][] x = features(n, new double[] {1e6, 1e6, -3e6}, new double[] {1, 1, 1}, 71);
    double[] exact = labels(x, w, 7, 0, 72);
    SufficientStats parts = stats(x, exact, 0, 250);
    parts.merge(stats(x, exact, 250, 500)).merge(stats(x, exact, 500, n));
    for (SufficientStats s : List.of(stats(x, exact), parts)) {
      RegressionFit fit = NormalEquations.solve(s, null);
      for (int j = 0; j < 3; j++) {
        assertEquals(w[j], fit.weights()[j], 1e-6 * Math.abs(w[j]), "W" + j);
      }
      assertEquals(List.of(), fit.warnings());
    }

    // With noise, against a two-pass reference (means first, then centered sums).
    double[] y = labels(x, w, 7, 0.5, 73);
    double[] mean = new double[3];
    double meanY = 0;
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < 3; j++) {
        mean[j] += x[r][j] / n;
      }
      meanY += y[r] / n;
    }
    double[][] sxx = new double[3][3];
    double[] sxy = new double[3];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < 3; i++) {
        sxy[i] += (x[r][i] - mean[i]) * (y[r] - meanY);
        for (int j = 0; j < 3; j++) {
          sxx[i][j] += (x[r][i] - mean[i]) * (x[r][j] - mean[j]);
        }
      }
    }
    double[][] inv = invert(sxx);
    RegressionFit fit = NormalEquations.solve(stats(x, y), null);
    for (int i = 0; i < 3; i++) {
      double ref = 0;
      for (int j = 0; j < 3; j++) {
        ref += inv[i][j] * sxy[j];
      }
      assertEquals(ref, fit.weights()[i], 1e-8 * Math.abs(ref), "W" + i);
    }
  }

  @Test
  void anExactlyDeterminedFitHasNoResidualDegreesOfFreedom() {
    double[][] x = {{0, 1}, {1, 0}, {2, 3}};
    double[] y = {1, 2, 0};
    RegressionFit fit = NormalEquations.solve(stats(x, y), null);
    assertEquals(0, fit.residualDf());
    assertEquals(0.0, fit.rss(), 1e-12);
    assertTrue(Double.isNaN(fit.residualStandardError()));
    assertTrue(Double.isNaN(fit.interceptCoefficient().pValue()));
    assertTrue(
        fit.warnings().get(0).startsWith("no residual degrees of freedom (3 rows, 3"),
        fit.warnings().toString());
    for (double[] row : x) {
      assertTrue(Double.isFinite(fit.predict(row)));
    }
  }

  @Test
  void failsFastWithMessagesThatNameWhatIsWrong() {
    SufficientStats s = new SufficientStats(3);
    for (int r = 0; r < 3; r++) {
      s.add(new double[] {r, r * r, 1.0 / (r + 1)}, r);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NormalEquations.solve(s, null));
    assertEquals(
        "linear regression with 3 features has 4 parameters (weights and intercept)"
            + " and needs at least 4 rows; got 3",
        e.getMessage());
    s.add(new double[] {5, 1, 2}, 0);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NormalEquations.solve(s, new String[] {"a", "b"}));
    assertEquals("2 feature names given for 3 features", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SufficientStats(0));
    e = assertThrows(IllegalArgumentException.class, () -> s.add(new double[2], 1));
    assertEquals("row has 2 features, expected 3", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> s.add(new double[] {1, Double.NaN, 2}, 1));
    assertTrue(e.getMessage().startsWith("feature 2 of a row is NaN"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> s.add(new double[] {1, 2, 3}, Double.POSITIVE_INFINITY));
    assertEquals(4, s.count(), "rejected rows are not counted");
  }

  @Test
  void jacobiDecomposesASymmetricMatrix() {
    int k = 6;
    Rng rng = new Rng(81);
    double[][] a = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        a[i][j] = a[j][i] = gaussian(rng);
      }
    }
    SymmetricEigen eig = SymmetricEigen.of(a);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double rebuilt = 0;
        double gram = 0;
        for (int e = 0; e < k; e++) {
          rebuilt += eig.vectors()[i][e] * eig.values()[e] * eig.vectors()[j][e];
          gram += eig.vectors()[e][i] * eig.vectors()[e][j];
        }
        assertEquals(a[i][j], rebuilt, 1e-13, "V Λ Vᵀ = A at " + i + "," + j);
        assertEquals(i == j ? 1.0 : 0.0, gram, 1e-14, "VᵀV = I at " + i + "," + j);
      }
    }
  }
}
