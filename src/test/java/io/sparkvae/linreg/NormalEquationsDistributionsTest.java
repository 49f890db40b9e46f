// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The t and F tail probabilities behind the p-values of {@link NormalEquations}. Reference values
 * are from SciPy 1.17 ({@code scipy.stats.t.sf}, {@code f.sf}, {@code beta.cdf}, {@code
 * special.gammaln}, {@code special.betaln}) and from closed forms.
 */
class NormalEquationsDistributionsTest {

  private static void assertRelative(double expected, double actual, double rel, String what) {
    assertEquals(expected, actual, rel * Math.abs(expected), what);
  }

  @Test
  void studentTTwoSidedPValuesMatchKnownValues() {
    assertRelative(
        0.07338803477074037, Distributions.studentTTwoSidedP(2.0, 10), 1e-12, "t=2, df=10");
    assertRelative(
        0.07338803477074037, Distributions.studentTTwoSidedP(-2.0, 10), 1e-12, "symmetric");
    assertRelative(
        0.04999606758526985,
        Distributions.studentTTwoSidedP(1.96, 1e6),
        1e-9,
        "t=1.96, df=1e6: nearly the normal 0.05");
    assertRelative(
        0.049995790573729625,
        Distributions.studentTTwoSidedP(1.96, 1e9),
        1e-7,
        "df=1e9, the size of a big Spark fit");
    assertRelative(
        0.7811334098398895, Distributions.studentTTwoSidedP(0.3, 3.5), 1e-12, "fractional df");
    assertRelative(
        1.6144804250662465e-38,
        Distributions.studentTTwoSidedP(40, 48),
        1e-10,
        "a far tail keeps its relative accuracy");
    assertRelative(
        1.5243592290273597e-23,
        Distributions.studentTTwoSidedP(10, 1e7),
        1e-7,
        "far tail at large df");
    assertEquals(1.0, Distributions.studentTTwoSidedP(0, 5), 1e-15);
    assertEquals(0.0, Distributions.studentTTwoSidedP(Double.POSITIVE_INFINITY, 5));
    assertEquals(Double.NaN, Distributions.studentTTwoSidedP(Double.NaN, 5));
    assertRelative(0.020496109292876444, Distributions.studentTCdf(-2.5, 7), 1e-12, "cdf");
    assertRelative(1 - 0.020496109292876444, Distributions.studentTCdf(2.5, 7), 1e-12, "cdf");
  }

  @Test
  void studentTMatchesItsClosedFormsAtOneAndTwoDegreesOfFreedom() {
    for (double t : new double[] {-30, -3, -1, -0.2, 0.5, 1, 2.7, 12, 400}) {
      // df = 1 is the Cauchy distribution; df = 2 has F(t) = ½ + t / (2 √(2 + t²)).
      assertEquals(
          0.5 + Math.atan(t) / Math.PI, Distributions.studentTCdf(t, 1), 1e-14, "df=1, t=" + t);
      assertEquals(
          0.5 + t / (2 * Math.sqrt(2 + t * t)),
          Distributions.studentTCdf(t, 2),
          1e-14,
          "df=2, t=" + t);
    }
  }

  @Test
  void fUpperTailMatchesKnownValuesAndTheSquaredT() {
    assertRelative(0.03940257036466549, Distributions.fUpperTail(3.2, 4, 17), 1e-12, "F(4,17)");
    assertRelative(
        1.4898364962950985e-12,
        Distributions.fUpperTail(89.56710653646769, 1, 48),
        1e-9,
        "F of lm(dist ~ speed, cars)");
    for (double t : new double[] {0.1, 1.3, 2.9, 7}) {
      assertRelative(
          Distributions.studentTTwoSidedP(t, 13),
          Distributions.fUpperTail(t * t, 1, 13),
          1e-12,
          "F(1, ν) is t(ν) squared, t=" + t);
    }
    assertEquals(1.0, Distributions.fUpperTail(0, 3, 4));
  }

  @Test
  void incompleteBetaMatchesKnownValuesAndClosedForms() {
    assertRelative(
        0.6789434858661821, Distributions.regularizedBeta(0.3, 2.5, 7.5), 1e-12, "I_0.3(2.5, 7.5)");
    assertRelative(
        0.5272441070252349,
        Distributions.regularizedBeta(0.999, 200, 0.5),
        1e-11,
        "I_0.999(200, 0.5)");
    for (double x : new double[] {0.01, 0.2, 0.5, 0.77, 0.999}) {
      assertRelative(
          Math.pow(x, 3.7), Distributions.regularizedBeta(x, 3.7, 1), 1e-13, "I_x(a, 1) = x^a");
      assertRelative(
          1 - Math.pow(1 - x, 2.2),
          Distributions.regularizedBeta(x, 1, 2.2),
          1e-13,
          "I_x(1, b) = 1 − (1−x)^b");
    }
    assertEquals(0.0, Distributions.regularizedBeta(0, 2, 3));
    assertEquals(1.0, Distributions.regularizedBeta(1, 2, 3));
  }

  @Test
  void logGammaAndLogBetaMatchKnownValues() {
    assertRelative(0.5 * Math.log(Math.PI), Distributions.lnGamma(0.5), 1e-14, "Γ(½) = √π");
    assertRelative(39.339884187199495, Distributions.lnGamma(20), 1e-15, "log 19!");
    assertRelative(11.512919692895826, Distributions.lnGamma(1e-5), 1e-14, "near 0");
    assertRelative(469.6055471299295, Distributions.lnGamma(123.456), 1e-15, "large");
    // At its zeros log Γ is a difference of two values near log 9! ≈ 12.8: absolute accuracy.
    assertEquals(0.0, Distributions.lnGamma(1), 1e-14);
    assertEquals(0.0, Distributions.lnGamma(2), 1e-14);
    assertRelative(-9.442694385018534, Distributions.lnBeta(5e8, 0.5), 1e-13, "B(5e8, ½)");
    // mpmath at 40 digits; SciPy's betaln gives −29.407404114186647 here, 8e-13 off.
    assertRelative(-29.40740411421146689, Distributions.lnBeta(3.3, 1e4), 1e-14, "B(3.3, 1e4)");
    assertRelative(-Math.log(12), Distributions.lnBeta(2, 3), 1e-14, "B(2, 3) = 1/12");
    assertRelative(Distributions.lnBeta(11, 40), Distributions.lnBeta(40, 11), 1e-15, "symmetric");
  }

  @Test
  void failsFastOnInvalidArguments() {
    assertThrows(IllegalArgumentException.class, () -> Distributions.studentTTwoSidedP(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Distributions.fUpperTail(1, -1, 3));
    assertThrows(IllegalArgumentException.class, () -> Distributions.regularizedBeta(1.5, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Distributions.regularizedBeta(0.5, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> Distributions.lnGamma(0));
  }
}
