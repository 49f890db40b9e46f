// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import io.sparkvae.kernel.Optimizer;
import io.sparkvae.linalg.SymmetricEigen;
import java.util.Locale;

/**
 * How close a gradient fit of linear regression on the engine must come to the exact MLE, given its
 * settings: the tolerance "its settings imply", derived from the data's own spectrum.
 *
 * <p><b>The model of the fit.</b> The engine minimizes L(θ) = mean (ỹ − θ·a)² over θ = (w, c),
 * where a = (x̃, 1) are the rows as the engine sees them: with {@code standardize}, x̃_j = (x_j −
 * x̄_j)/σ_j and ỹ = (y − ȳ)/σ_y (σ the population standard deviations, so that the weights are W_j
 * = σ_y w_j/σ_j and b = ȳ + σ_y c − W·x̄); without, x̃ = x and ỹ = y. L is a quadratic with Hessian
 * H = 2A, A = mean a aᵀ (with standardizing, A = diag(R, 1), R the features' correlation matrix),
 * and minimum θ*, the exact MLE in these coordinates. Plain gradient descent from θ₀ = 0 with
 * learning rate η therefore has the error
 *
 * <pre>
 *   e_T = θ_T − θ* = (I − 2ηA)^T (θ₀ − θ*)      after T updates,
 * </pre>
 *
 * computed here exactly through the eigen-decomposition of A: each eigen-direction shrinks by |1 −
 * 2ηλ| per update, so the fit is stable only for η &lt; 1/λ_max ({@link #maxStableLearningRate}),
 * and fastest at η = 1/(λ_min + λ_max).
 *
 * <p><b>Minibatches</b> (S &gt; 1 steps per epoch, m ≈ n/S rows per update) add gradient noise:
 * with per-row gradient covariance 4σ²A at the optimum (σ² the residual variance in these units,
 * rows drawn without replacement: factor 1 − m/n), SGD's iterates settle into a stationary spread Σ
 * = (ησ²/m)(1 − m/n)(I − ηA)⁻¹ around θ*; the tolerance allows 4 standard deviations of it.
 *
 * <p><b>Float precision.</b> The engine keeps rows and parameters in float (ε = 2⁻²⁴): rounding the
 * data moves the optimum by about κ(A)·ε relative, and an update smaller than half a unit in the
 * last place of a parameter is lost, which stalls descent within about ε/(2ηλ_min) of the optimum.
 * The floor allowed is {@link #FLOAT_FACTOR}·ε·(κ(A) + 1/(2ηλ_min))·max|θ*|.
 *
 * <p>Per coefficient, the three parts (|e_T|, 4√Σ, floor) are added in the engine's coordinates,
 * carried to the original scale (ΔW_j = σ_y δ_j/σ_j, Δb = σ_y δ_c + Σ|ΔW_j x̄_j|) and divided by
 * the coefficient's exact value; the tolerance is the largest of these relative errors, directly
 * comparable with the largest measured relative difference.
 *
 * <p>Derived for {@code sgd} with one local step per synchronization (k = 1, which full batches
 * always give). Adam rescales every coordinate by its own gradient history and k &gt; 1 averages
 * locally diverging steps; neither has a closed form like the above, so for them the tolerance is
 * NaN and only the measured difference is reported.
 */
public final class GradientFitTolerance {
  /** Safety factor on the float-precision floor (measured errors sit well inside it). */
  public static final double FLOAT_FACTOR = 4;

  /** Standard deviations of minibatch noise allowed. */
  public static final double NOISE_SIGMAS = 4;

  private static final double EPS = Math.ulp(1.0f) / 2; // 2^-24

  private GradientFitTolerance() {}

  /**
   * The outcome.
   *
   * @param tolerance the largest relative error per coefficient the settings allow (NaN when not
   *     derived, +∞ when some exact coefficient is 0)
   * @param coefficients the same per coefficient: W₁ … W_d, then b
   * @param optimization the part of {@code tolerance} due to stopping after T updates alone
   * @param lambdaMax the largest eigenvalue of A
   * @param lambdaMin the smallest eigenvalue of A above rounding noise
   * @param maxStableLearningRate 1/λ_max: gradient descent diverges at or above it
   * @param contraction max |1 − 2ηλ| over the eigenvalues: the error's shrink factor per update
   * @param updates T
   * @param basis how it was derived, in one sentence, for reports
   */
  public record Result(
      double tolerance,
      double[] coefficients,
      double optimization,
      double lambdaMax,
      double lambdaMin,
      double maxStableLearningRate,
      double contraction,
      long updates,
      String basis) {}

  /**
   * The tolerance for a fit with these settings.
   *
   * @param s the exact pass's statistics
   * @param exact the exact fit of those statistics
   * @param standardize whether the engine sees standardized features and label
   * @param optimizer "sgd" or "adam"
   * @param learningRate η
   * @param epochs passes over the data
   * @param stepsPerEpoch S, updates per epoch (1 = full batch)
   * @param syncEvery k, local steps between synchronizations
   */
  public static Result of(
      SufficientStats s,
      RegressionFit exact,
      boolean standardize,
      String optimizer,
      double learningRate,
      int epochs,
      int stepsPerEpoch,
      int syncEvery) {
    int d = s.features();
    int p = d + 1;
    long n = s.count();
    double[] sx = scales(s, standardize);
    double sy = labelScale(s, standardize);
    double[][] a = new double[p][p];
    double[] theta = new double[p];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        a[i][j] = s.sxx(i, j) / n / (sx[i] * sx[j]);
        if (!standardize) {
          a[i][j] += s.meanX(i) * s.meanX(j);
        }
      }
      a[i][d] = standardize ? 0 : s.meanX(i);
      a[d][i] = a[i][d];
      theta[i] = exact.weights()[i] * sx[i] / sy;
    }
    a[d][d] = 1;
    double c = exact.intercept();
    if (standardize) {
      c -= s.meanY();
      for (int j = 0; j < d; j++) {
        c += exact.weights()[j] * s.meanX(j);
      }
    }
    theta[d] = c / sy;
    double sigma2 = exact.sigma2Mle() / (sy * sy);

    SymmetricEigen eig = SymmetricEigen.of(a);
    double lambdaMax = 0;
    for (double l : eig.values()) {
      lambdaMax = Math.max(lambdaMax, l);
    }
    double lambdaMin = Double.POSITIVE_INFINITY;
    for (double l : eig.values()) {
      if (l > NormalEquations.PIVOT_TOLERANCE * lambdaMax) {
        lambdaMin = Math.min(lambdaMin, l);
      }
    }
    double eta = learningRate;
    double contraction = 0;
    for (double l : eig.values()) {
      if (l > NormalEquations.PIVOT_TOLERANCE * lambdaMax) {
        contraction = Math.max(contraction, Math.abs(1 - 2 * eta * l));
      }
    }
    int steps = Math.max(1, stepsPerEpoch);
    long updates = (long) epochs * steps;
    double maxStable = 1 / lambdaMax;
    String name = optimizer.trim().toLowerCase(Locale.ROOT);
    boolean sgd = Optimizer.Kind.fromName(name) == Optimizer.Kind.SGD;
    int k = Math.min(syncEvery, steps);
    if (!sgd || k > 1) {
      String why =
          !sgd
              ? name + " has no closed-form error bound"
              : "sync-every > 1 with minibatches averages local steps, which has no closed-form "
                  + "error bound";
      return new Result(
          Double.NaN,
          nanArray(p),
          Double.NaN,
          lambdaMax,
          lambdaMin,
          maxStable,
          contraction,
          updates,
          "not derived: " + why + " (derived for sgd with sync-every 1 " + "or full batches)");
    }

    // Deterministic part: e_T = V diag((1 − 2ηλ)^T) Vᵀ (0 − θ*).
    double[] bias = new double[p];
    double[] noiseVar = new double[p];
    double m = (double) n / steps;
    double noiseScale = steps > 1 ? eta * sigma2 / m * Math.max(0, 1 - m / n) : 0;
    for (int e = 0; e < p; e++) {
      double[] v = eig.vector(e);
      double l = eig.value(e);
      double proj = 0;
      for (int i = 0; i < p; i++) {
        proj -= v[i] * theta[i];
      }
      double factor = Math.pow(1 - 2 * eta * l, updates);
      for (int i = 0; i < p; i++) {
        bias[i] += v[i] * proj * factor;
        if (noiseScale > 0 && eta * l < 1) {
          noiseVar[i] += v[i] * v[i] * noiseScale / (1 - eta * l);
        }
      }
    }
    double thetaMax = 0;
    for (double t : theta) {
      thetaMax = Math.max(thetaMax, Math.abs(t));
    }
    double kappa = lambdaMax / lambdaMin;
    double floor = FLOAT_FACTOR * EPS * (kappa + 1 / (2 * eta * lambdaMin)) * thetaMax;
    double[] total = new double[p];
    double[] optOnly = new double[p];
    for (int i = 0; i < p; i++) {
      total[i] = Math.abs(bias[i]) + NOISE_SIGMAS * Math.sqrt(noiseVar[i]) + floor;
      optOnly[i] = Math.abs(bias[i]);
    }
    double[] rel = relative(s, exact, sx, sy, standardize, total);
    double[] relOpt = relative(s, exact, sx, sy, standardize, optOnly);
    double tol = 0;
    double opt = 0;
    for (int i = 0; i < p; i++) {
      tol = Math.max(tol, rel[i]);
      opt = Math.max(opt, relOpt[i]);
    }
    String basis =
        String.format(
            Locale.ROOT,
            "gradient descent on a quadratic: along each "
                + "eigen-direction of the %s features' second-moment matrix the error shrinks by "
                + "|1 - 2 lr lambda| per update (lambda in [%.3g, %.3g], worst factor %.3g, %d updates)"
                + "%s, plus float32 rounding",
            standardize ? "standardized" : "raw",
            lambdaMin,
            lambdaMax,
            contraction,
            updates,
            steps > 1
                ? String.format(
                    Locale.ROOT,
                    ", plus %.0f "
                        + "standard deviations of minibatch noise (%.0f rows per update)",
                    NOISE_SIGMAS,
                    m)
                : "");
    if (contraction >= 1) {
      tol = Double.POSITIVE_INFINITY;
      basis =
          "the learning rate is at or above 1/lambda_max = "
              + String.format(Locale.ROOT, "%.4g", maxStable)
              + ": gradient descent does not converge";
    }
    return new Result(tol, rel, opt, lambdaMax, lambdaMin, maxStable, contraction, updates, basis);
  }

  /** The feature scales σ_j the engine divides by (1 without standardizing). */
  public static double[] scales(SufficientStats s, boolean standardize) {
    double[] sx = new double[s.features()];
    for (int j = 0; j < sx.length; j++) {
      double sd = Math.sqrt(s.sxx(j, j) / s.count());
      sx[j] = standardize && sd > 0 ? sd : 1;
    }
    return sx;
  }

  /** The label scale σ_y the engine divides by (1 without standardizing or for a constant y). */
  public static double labelScale(SufficientStats s, boolean standardize) {
    double sd = Math.sqrt(s.syy() / s.count());
    return standardize && sd > 0 ? sd : 1;
  }

  /** Absolute errors in engine coordinates to relative errors of W₁ … W_d, b. */
  private static double[] relative(
      SufficientStats s,
      RegressionFit exact,
      double[] sx,
      double sy,
      boolean standardize,
      double[] delta) {
    int d = s.features();
    double[] out = new double[d + 1];
    double db = sy * delta[d];
    for (int j = 0; j < d; j++) {
      double dw = sy * delta[j] / sx[j];
      out[j] = dw / Math.abs(exact.weights()[j]);
      if (standardize) {
        db += dw * Math.abs(s.meanX(j));
      }
    }
    out[d] = db / Math.abs(exact.intercept());
    return out;
  }

  private static double[] nanArray(int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, Double.NaN);
    return a;
  }
}
