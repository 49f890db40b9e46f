// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The predicted gradient-descent error against gradient descent simulated in double. */
class GradientFitToleranceTest {
  private static final double[] W = {1.5, -2.0, 0.5};
  private static final double B = 3.0;

  /** n rows: x1 ~ N(0,1), x2 = 0.8 x1 + 0.6 N(0,1), x3 ~ N(10, 2²); y = W·x + b + N(0, 1). */
  private static double[][] rows(int n, long seed) {
    Random rng = new Random(seed);
    double[][] r = new double[n][4];
    for (int i = 0; i < n; i++) {
      double x1 = rng.nextGaussian();
      double x2 = 0.8 * x1 + 0.6 * rng.nextGaussian();
      double x3 = 10 + 2 * rng.nextGaussian();
      r[i] = new double[] {x1, x2, x3, W[0] * x1 + W[1] * x2 + W[2] * x3 + B + rng.nextGaussian()};
    }
    return r;
  }

  private static SufficientStats stats(double[][] rows) {
    SufficientStats s = new SufficientStats(3);
    for (double[] r : rows) {
      s.add(new double[] {r[0], r[1], r[2]}, r[3]);
    }
    return s;
  }

  /**
   * Gradient descent in double on the standardized rows, from zero: T updates of batches of m
   * consecutive rows of a per-epoch shuffle (m = n: full batch). Returns W₁..W₃, b.
   */
  private static double[] descend(
      double[][] rows, SufficientStats s, double eta, int epochs, int m, long seed) {
    int n = rows.length;
    double[] sx = GradientFitTolerance.scales(s, true);
    double sy = GradientFitTolerance.labelScale(s, true);
    double[][] z = new double[n][4];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 3; j++) {
        z[i][j] = (rows[i][j] - s.meanX(j)) / sx[j];
      }
      z[i][3] = (rows[i][3] - s.meanY()) / sy;
    }
    double[] th = new double[4];
    Random rng = new Random(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int e = 0; e < epochs; e++) {
      for (int i = n - 1; i > 0; i--) {
        int k = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[k];
        order[k] = t;
      }
      for (int from = 0; from < n; from += m) {
        int to = Math.min(n, from + m);
        double[] g = new double[4];
        for (int q = from; q < to; q++) {
          double[] r = z[order[q]];
          double err = r[3] - (th[0] * r[0] + th[1] * r[1] + th[2] * r[2] + th[3]);
          for (int j = 0; j < 3; j++) {
            g[j] -= 2 * err * r[j];
          }
          g[3] -= 2 * err;
        }
        for (int j = 0; j < 4; j++) {
          th[j] -= eta * g[j] / (to - from);
        }
      }
    }
    double[] out = new double[4];
    double b = s.meanY() + sy * th[3];
    for (int j = 0; j < 3; j++) {
      out[j] = sy * th[j] / sx[j];
      b -= out[j] * s.meanX(j);
    }
    out[3] = b;
    return out;
  }

  private static double maxRel(double[] fit, RegressionFit exact) {
    double max = 0;
    for (int j = 0; j < 4; j++) {
      double e = j < 3 ? exact.weights()[j] : exact.intercept();
      max = Math.max(max, Math.abs(fit[j] - e) / Math.abs(e));
    }
    return max;
  }

  @Test
  void fullBatchErrorIsPredictedExactlyFromTheSpectrum() {
    double[][] rows = rows(2000, 1);
    SufficientStats s = stats(rows);
    RegressionFit exact = NormalEquations.solve(s, null);
    for (int epochs : new int[] {5, 20, 60}) {
      GradientFitTolerance.Result r =
          GradientFitTolerance.of(s, exact, true, "sgd", 0.25, epochs, 1, 1);
      double measured = maxRel(descend(rows, s, 0.25, epochs, rows.length, 0), exact);
      // Stopping early is the only error of gradient descent in double: prediction = simulation.
      assertEquals(measured, r.optimization(), 1e-9 * measured + 1e-13, "epochs " + epochs);
      assertTrue(measured <= r.tolerance(), measured + " > " + r.tolerance());
    }
    GradientFitTolerance.Result r = GradientFitTolerance.of(s, exact, true, "sgd", 0.25, 300, 1, 1);
    // x1 and x2 correlate 0.8: the correlation matrix has eigenvalues near 0.2 and 1.8.
    assertEquals(1.0 / r.lambdaMax(), r.maxStableLearningRate(), 1e-15);
    assertTrue(r.lambdaMax() > 1.7 && r.lambdaMax() < 1.9, "lambda_max " + r.lambdaMax());
    assertTrue(r.lambdaMin() > 0.1 && r.lambdaMin() < 0.3, "lambda_min " + r.lambdaMin());
    assertEquals(
        Math.max(Math.abs(1 - 0.5 * r.lambdaMin()), Math.abs(1 - 0.5 * r.lambdaMax())),
        r.contraction(),
        1e-12);
    // After 300 epochs only the float floor remains, and it is small.
    assertTrue(r.optimization() < 1e-12, "optimization error " + r.optimization());
    assertTrue(r.tolerance() < 1e-4, "tolerance " + r.tolerance());
  }

  @Test
  void minibatchNoiseStaysWithinTheStatedSpread() {
    double[][] rows = rows(4000, 2);
    SufficientStats s = stats(rows);
    RegressionFit exact = NormalEquations.solve(s, null);
    int m = 100;
    int epochs = 20;
    GradientFitTolerance.Result r =
        GradientFitTolerance.of(s, exact, true, "sgd", 0.02, epochs, rows.length / m, 1);
    double worst = 0;
    for (long seed = 0; seed < 8; seed++) {
      double measured = maxRel(descend(rows, s, 0.02, epochs, m, seed), exact);
      assertTrue(
          measured <= r.tolerance(), "seed " + seed + ": " + measured + " > " + r.tolerance());
      worst = Math.max(worst, measured);
    }
    // Noise-dominated: the allowance is not vacuous (4 standard deviations, a few coefficients).
    assertTrue(r.tolerance() < 20 * worst, "tolerance " + r.tolerance() + ", worst " + worst);
    assertTrue(r.basis().contains("minibatch noise"), r.basis());
  }

  @Test
  void adamIsNotDerivedAndTooLargeARateIsFlagged() {
    double[][] rows = rows(500, 3);
    SufficientStats s = stats(rows);
    RegressionFit exact = NormalEquations.solve(s, null);
    GradientFitTolerance.Result adam =
        GradientFitTolerance.of(s, exact, true, "adam", 0.01, 10, 1, 1);
    assertTrue(Double.isNaN(adam.tolerance()));
    assertTrue(adam.basis().startsWith("not derived"), adam.basis());
    GradientFitTolerance.Result local =
        GradientFitTolerance.of(s, exact, true, "sgd", 0.01, 10, 5, 4);
    assertTrue(Double.isNaN(local.tolerance()), "k > 1 with minibatches");
    GradientFitTolerance.Result big =
        GradientFitTolerance.of(s, exact, true, "sgd", 1.01 / adam.lambdaMax(), 10, 1, 1);
    assertTrue(big.contraction() > 1);
    assertEquals(Double.POSITIVE_INFINITY, big.tolerance());
  }

  @Test
  void rawFeaturesUseTheUncenteredMomentMatrix() {
    double[][] rows = rows(1000, 4);
    SufficientStats s = stats(rows);
    RegressionFit exact = NormalEquations.solve(s, null);
    GradientFitTolerance.Result raw =
        GradientFitTolerance.of(s, exact, false, "sgd", 0.001, 100, 1, 1);
    // x3 has mean 10: E[x3²] ≈ 104 dominates the raw second-moment matrix.
    assertTrue(raw.lambdaMax() > 100, "lambda_max " + raw.lambdaMax());
    assertTrue(raw.optimization() > 1e-3, "100 small steps on raw features are far from done");
  }
}
