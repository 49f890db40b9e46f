// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.linalg.SymmetricEigen;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReportMathTest {

  /**
   * Reference quantiles from Python's statistics.NormalDist().inv_cdf (Wichura's AS 241, accurate
   * to about 1e-16). Acklam's approximation promises a relative error below 1.15e-9.
   */
  @Test
  void inverseNormalCdfMatchesKnownQuantiles() {
    double[][] known = {
      {0.975, 1.9599639845400536},
      {0.05, -1.6448536269514726},
      {0.95, 1.6448536269514715},
      {0.5, 0.0},
      {0.99, 2.3263478740408408},
      {0.999, 3.090232306167813},
      {0.8, 0.8416212335729144},
      {0.3, -0.5244005127080407},
      {0.02425, -1.9729610513118845}, // the seam between the central and tail formulas
      {0.01, -2.3263478740408408},
      {1e-10, -6.361340902404056},
    };
    for (double[] k : known) {
      double z = ReportMath.inverseNormalCdf(k[0]);
      assertEquals(k[1], z, 1.2e-9 * Math.max(1, Math.abs(k[1])), "Φ⁻¹(" + k[0] + ")");
    }
    assertEquals(1.959964, ReportMath.inverseNormalCdf(0.975), 1e-6);
    assertEquals(-1.644854, ReportMath.inverseNormalCdf(0.05), 1e-6);
  }

  @Test
  void inverseNormalCdfIsAntisymmetricIncreasingAndInfiniteAtTheEnds() {
    double previous = Double.NEGATIVE_INFINITY;
    for (int i = 1; i < 10000; i++) {
      double p = i / 10000.0;
      double z = ReportMath.inverseNormalCdf(p);
      assertTrue(z > previous, "increasing at p = " + p);
      assertEquals(-z, ReportMath.inverseNormalCdf(1 - p), 1e-12, "antisymmetric at p = " + p);
      previous = z;
    }
    assertEquals(Double.NEGATIVE_INFINITY, ReportMath.inverseNormalCdf(0));
    assertEquals(Double.POSITIVE_INFINITY, ReportMath.inverseNormalCdf(1));
    for (double bad : new double[] {-0.1, 1.1, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> ReportMath.inverseNormalCdf(bad));
    }
  }

  @Test
  void normalQuantilesSpanTheCentralNinetyPercent() {
    double[] z = ReportMath.normalQuantiles(15, 0.05, 0.95);
    assertEquals(15, z.length);
    assertEquals(-1.644854, z[0], 1e-6);
    assertEquals(1.644854, z[14], 1e-6);
    assertEquals(0, z[7], 1e-12);
    assertArrayEquals(new double[] {0}, ReportMath.normalQuantiles(1, 0.05, 0.95), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ReportMath.normalQuantiles(5, 0, 0.9));
    assertThrows(IllegalArgumentException.class, () -> ReportMath.normalQuantiles(5, 0.9, 0.1));
  }

  @Test
  void jacobiDiagonalizesASymmetricMatrix() {
    SymmetricEigen two = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
    assertArrayEquals(new double[] {3, 1}, two.values(), 1e-12);
    double r = Math.sqrt(0.5);
    assertArrayEquals(new double[] {r, r}, two.vector(0), 1e-12);

    int d = 20;
    Random rnd = new Random(3);
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        a[i][j] = rnd.nextGaussian();
        a[j][i] = a[i][j];
      }
    }
    SymmetricEigen e = SymmetricEigen.of(a);
    for (int k = 0; k < d; k++) {
      if (k > 0) {
        assertTrue(e.values()[k] <= e.values()[k - 1], "descending");
      }
      double[] v = e.vector(k);
      for (int i = 0; i < d; i++) {
        double av = 0;
        for (int j = 0; j < d; j++) {
          av += a[i][j] * v[j];
        }
        assertEquals(e.values()[k] * v[i], av, 1e-10, "A v = λ v, component " + i);
      }
      for (int m = 0; m <= k; m++) {
        double dot = 0;
        double[] w = e.vector(m);
        for (int i = 0; i < d; i++) {
          dot += v[i] * w[i];
        }
        assertEquals(m == k ? 1 : 0, dot, 1e-10, "orthonormal " + k + "·" + m);
      }
    }
  }

  /**
   * Points spread widely along u = (0.8, −0.6, 0, …) and a little along e₂ = (0, 0, 1, 0, …), with
   * slight noise in all 20 dimensions: PC1 must be u, signed so that its largest loading (0.8) is
   * positive, and PC2 must be e₂.
   */
  @Test
  void pcaFindsTheDominantDirectionWithAFixedSign() {
    int n = 2000;
    int d = 20;
    Random rnd = new Random(11);
    float[][] points = new float[n][d];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 5 * rnd.nextGaussian();
      double s = 1.5 * rnd.nextGaussian();
      for (int j = 0; j < d; j++) {
        points[i][j] = (float) (0.05 * rnd.nextGaussian() + 10); // offset: PCA must centre
      }
      points[i][0] += (float) (0.8 * t[i]);
      points[i][1] += (float) (-0.6 * t[i]);
      points[i][2] += (float) s;
    }
    ReportMath.Pca2 pca = ReportMath.pca2(points);
    assertEquals(0.8, pca.pc1()[0], 1e-3);
    assertEquals(-0.6, pca.pc1()[1], 1e-3);
    assertEquals(1.0, pca.pc2()[2], 1e-3);
    assertEquals(25, pca.variance1(), 2.0);
    assertEquals(2.25, pca.variance2(), 0.3);
    assertTrue(pca.explained(1) > 0.85, pca.axisLabel(1));
    assertTrue(pca.axisLabel(1).startsWith("PC1 ("), pca.axisLabel(1));

    double meanT = 0;
    for (double v : t) {
      meanT += v / n;
    }
    for (int i = 0; i < n; i += 97) {
      assertEquals(t[i] - meanT, pca.xs()[i], 0.2, "projection of point " + i);
    }

    // Mirrored data give the same components: the sign convention, not the data, decides.
    float[][] mirrored = new float[n][];
    for (int i = 0; i < n; i++) {
      mirrored[i] = points[i].clone();
      for (int j = 0; j < d; j++) {
        mirrored[i][j] = -mirrored[i][j];
      }
    }
    ReportMath.Pca2 back = ReportMath.pca2(mirrored);
    assertArrayEquals(pca.pc1(), back.pc1(), 1e-9);
    assertEquals(-pca.xs()[0], back.xs()[0], 1e-4);
  }

  @Test
  void pcaOfOneDimensionalOrDegenerateData() {
    ReportMath.Pca2 one = ReportMath.pca2(new float[][] {{1}, {3}, {5}});
    assertArrayEquals(new float[] {-2, 0, 2}, one.xs(), 1e-6f);
    assertArrayEquals(new float[] {0, 0, 0}, one.ys(), 0f);
    assertEquals(0, one.explained(2));
    ReportMath.Pca2 single = ReportMath.pca2(new float[][] {{1, 2, 3}});
    assertArrayEquals(new float[] {0}, single.xs(), 0f);
    assertEquals(0, single.explained(1));
  }

  @Test
  void pcaRejectsRaggedOrNonFiniteInput() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> ReportMath.pca2(new float[][] {{1, 2}, {3}}))
            .getMessage()
            .contains("point 1 has 1 coordinates; point 0 has 2"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ReportMath.pca2(new float[][] {{1, 2}, {3, Float.NaN}}))
            .getMessage()
            .contains("point 1 coordinate 1 is NaN"));
    assertThrows(IllegalArgumentException.class, () -> ReportMath.pca2(new float[0][]));
  }
}
