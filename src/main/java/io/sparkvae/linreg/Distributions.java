// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

/**
 * The tail probabilities classical regression inference needs: Student's t and Fisher's F, both
 * through the regularized incomplete beta function.
 *
 * <p>If T has Student's t distribution with ν degrees of freedom, then P(|T| > t) = I_x(ν/2, ½)
 * with x = ν / (ν + t²); if F has the F distribution with (d₁, d₂) degrees of freedom, then P(F >
 * f) = I_x(d₂/2, d₁/2) with x = d₂ / (d₂ + d₁ f). Here I_x(a, b) = B(x; a, b) / B(a, b) is the
 * regularized incomplete beta function, evaluated by its continued fraction (Abramowitz and Stegun
 * 26.5.8) with the modified Lentz algorithm. The fraction converges fast for x below the mean of
 * the Beta(a, b) density, roughly (a + 1)/(a + b + 2); above it the symmetry I_x(a, b) = 1 −
 * I_{1−x}(b, a) is used, so the value computed directly is always the smaller tail, and small
 * p-values keep their relative accuracy.
 *
 * <p>Callers pass 1 − x separately where they know it exactly (t²/(ν + t²) rather than 1 − ν/(ν +
 * t²)): forming 1 − x by subtraction would lose the digits a p-value near 1 needs, and would turn a
 * tiny tail into zero.
 */
public final class Distributions {
  private static final double LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  // The continued fraction stops when a step changes the value by less than this (relative).
  private static final double CF_EPS = 1e-15;
  // Lentz replaces exact zeros in its recurrences with this, which only perturbs the 300th digit.
  private static final double CF_TINY = 1e-300;

  private Distributions() {}

  /**
   * Two-sided p-value of a t statistic with {@code df} degrees of freedom: P(|T| ≥ |t|). For
   * example t = 2.0 with 10 degrees of freedom gives 0.07339. NaN when t or df is NaN.
   */
  public static double studentTTwoSidedP(double t, double df) {
    checkDf("t", df);
    if (Double.isNaN(t) || Double.isNaN(df)) {
      return Double.NaN;
    }
    double t2 = t * t;
    if (Double.isInfinite(t2)) {
      return 0.0;
    }
    // x = ν/(ν+t²) and 1 − x = t²/(ν+t²), both without cancellation.
    double denom = df + t2;
    return regularizedBeta(df / denom, t2 / denom, 0.5 * df, 0.5);
  }

  /** P(T ≤ t) for Student's t with {@code df} degrees of freedom. */
  public static double studentTCdf(double t, double df) {
    double tail = 0.5 * studentTTwoSidedP(t, df);
    return t > 0 ? 1.0 - tail : tail;
  }

  /** P(F > f) for Fisher's F with (df1, df2) degrees of freedom; 1 for f ≤ 0. */
  public static double fUpperTail(double f, double df1, double df2) {
    checkDf("F numerator", df1);
    checkDf("F denominator", df2);
    if (Double.isNaN(f) || Double.isNaN(df1) || Double.isNaN(df2)) {
      return Double.NaN;
    }
    if (f <= 0) {
      return 1.0;
    }
    double num = df1 * f;
    if (Double.isInfinite(num)) {
      return 0.0;
    }
    double denom = df2 + num;
    return regularizedBeta(df2 / denom, num / denom, 0.5 * df2, 0.5 * df1);
  }

  /** The regularized incomplete beta function I_x(a, b), for x in [0, 1] and a, b > 0. */
  public static double regularizedBeta(double x, double a, double b) {
    return regularizedBeta(x, 1.0 - x, a, b);
  }

  /**
   * I_x(a, b) with {@code y} = 1 − x supplied by the caller, who often knows it more accurately
   * than the subtraction would give.
   */
  static double regularizedBeta(double x, double y, double a, double b) {
    if (!(a > 0) || !(b > 0)) {
      throw new IllegalArgumentException(
          "incomplete beta needs a, b > 0, got a = " + a + ", b = " + b);
    }
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.NaN;
    }
    if (x < 0 || x > 1) {
      throw new IllegalArgumentException("incomplete beta needs x in [0, 1], got " + x);
    }
    if (x == 0) {
      return 0.0;
    }
    if (y <= 0) {
      return 1.0;
    }
    // log of the prefactor x^a (1−x)^b / B(a, b); log1p keeps the digits of a log near zero.
    double lnX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
    double lnY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
    double lnFront = a * lnX + b * lnY - lnBeta(a, b);
    if (x < (a + 1) / (a + b + 2)) {
      return Math.exp(lnFront) * betaFraction(x, a, b) / a;
    }
    return 1.0 - Math.exp(lnFront) * betaFraction(y, b, a) / b;
  }

  /**
   * The continued fraction 1/(1 + c₁/(1 + c₂/(1 + …))) of I_x(a, b) = x^a (1−x)^b / (a B(a, b))
   * times it, where c_{2m+1} = −(a+m)(a+b+m) x / ((a+2m)(a+2m+1)) and c_{2m} = m (b−m) x /
   * ((a+2m−1)(a+2m)). Evaluated front to back by the modified Lentz method: the value is a running
   * product of ratios of successive convergents, and we stop once a ratio is 1 to within {@link
   * #CF_EPS}.
   */
  private static double betaFraction(double x, double a, double b) {
    // The fraction needs O(√max(a, b)) terms; the cap only guards against a logic error.
    long maxTerms = 1000 + (long) (20 * Math.sqrt(Math.max(a, b)));
    // Convergent 1: 1/(1 + c₁) in Lentz form (value f, ratios C = A_j/A_{j−1}, D = B_{j−1}/B_j).
    double c = 1.0;
    double d = nonZero(1.0 + term(1, x, a, b));
    d = 1.0 / d;
    double f = d;
    for (long j = 2; j <= maxTerms; j++) {
      double cj = term(j, x, a, b);
      d = 1.0 / nonZero(1.0 + cj * d);
      c = nonZero(1.0 + cj / c);
      double ratio = c * d;
      f *= ratio;
      if (Math.abs(ratio - 1.0) < CF_EPS) {
        return f;
      }
    }
    throw new ArithmeticException(
        "incomplete beta continued fraction did not converge for x = "
            + x
            + ", a = "
            + a
            + ", b = "
            + b
            + " within "
            + maxTerms
            + " terms");
  }

  /** Coefficient c_j of the continued fraction (see {@link #betaFraction}). */
  private static double term(long j, double x, double a, double b) {
    long m = j / 2;
    if ((j & 1) == 1) {
      return -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    }
    return m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
  }

  private static double nonZero(double v) {
    return Math.abs(v) < CF_TINY ? CF_TINY : v;
  }

  /**
   * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), arranged so that large arguments do not
   * cancel: for a = 5·10⁸, b = ½ (a t test on a billion rows) the three log-gammas are ~10¹⁰ and
   * their plain difference would keep only six digits. With the Stirling form log Γ(x) = (x − ½)
   * log x − x + ½ log 2π + δ(x), the large parts are combined analytically and only the small
   * corrections δ are subtracted.
   */
  static double lnBeta(double a, double b) {
    double p = Math.min(a, b);
    double q = Math.max(a, b);
    double ratio = p / (p + q);
    if (p >= 10) {
      double corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
      return -0.5 * Math.log(q)
          + LN_SQRT_2PI
          + corr
          + (p - 0.5) * Math.log(ratio)
          + q * Math.log1p(-ratio);
    }
    if (q >= 10) {
      double corr = stirlingCorrection(q) - stirlingCorrection(p + q);
      return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-ratio);
    }
    return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
  }

  /**
   * log Γ(x) for x > 0: Stirling's series at x ≥ 10, where it is accurate to double precision, and
   * below that the recurrence Γ(x) = Γ(x + k) / (x (x+1) … (x+k−1)) to reach 10.
   */
  static double lnGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("log-gamma is implemented for x > 0, got " + x);
    }
    if (Double.isInfinite(x)) {
      return x;
    }
    double shift = 1.0;
    while (x < 10) {
      shift *= x;
      x += 1;
    }
    return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x) - Math.log(shift);
  }

  /**
   * δ(x) = log Γ(x) − [(x − ½) log x − x + ½ log 2π], for x ≥ 10, by the asymptotic series Σ B₂ₖ /
   * (2k (2k−1) x^{2k−1}). Eight terms reach 1e-17 at x = 10.
   */
  private static double stirlingCorrection(double x) {
    double inv = 1.0 / x;
    double inv2 = inv * inv;
    double series =
        1.0 / 12
            + inv2
                * (-1.0 / 360
                    + inv2
                        * (1.0 / 1260
                            + inv2
                                * (-1.0 / 1680
                                    + inv2
                                        * (1.0 / 1188
                                            + inv2
                                                * (-691.0 / 360360
                                                    + inv2
                                                        * (1.0 / 156
                                                            + inv2 * (-3617.0 / 122400)))))));
    return series * inv;
  }

  private static void checkDf(String what, double df) {
    if (!(df > 0) && !Double.isNaN(df)) {
      throw new IllegalArgumentException(what + " degrees of freedom must be > 0, got " + df);
    }
  }
}
