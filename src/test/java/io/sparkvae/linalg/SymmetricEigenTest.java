// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

  /**
   * A tridiagonal matrix with known eigenpairs: det(A − λI) = (3 − λ)(λ² − 6λ + 6), so λ = 3 + √3,
   * 3, 3 − √3. numpy.linalg.eigh gives [4.73205081, 3, 1.26794919] and, for λ = 3, ±(1, −1, −1)/√3,
   * signed here by the first of its equal-magnitude entries.
   */
  @Test
  void matchesTheEigenpairsOfASmallKnownMatrix() {
    SymmetricEigen e = SymmetricEigen.of(new double[][] {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}});
    double r3 = Math.sqrt(3);
    assertArrayEquals(new double[] {3 + r3, 3, 3 - r3}, e.values(), 1e-14);
    assertArrayEquals(new double[] {1 / r3, -1 / r3, -1 / r3}, e.vector(1), 1e-14);
    // numpy: [0.78867513, 0.57735027, 0.21132487] for λ = 3 + √3, up to sign.
    assertArrayEquals(new double[] {(3 + r3) / 6, 1 / r3, (3 - r3) / 6}, e.vector(0), 1e-14);
  }

  /**
   * The 4 × 4 Hilbert matrix as doubles (condition number 1.55e4). Reference: mpmath.eigsy at 40
   * digits on the same double entries: 1.5002142800592428117, 0.16914122022145004103,
   * 0.0067382736057607222822, 9.6702304022600176023e-05 (numpy.linalg.eigvalsh: ...2426, ...5003,
   * ...7606165, 9.670230402260835e-05). The smallest can be off by about ε·κ ≈ 2e-12 relative; the
   * others by about ε.
   */
  @Test
  void matchesTheHilbertMatrixEigenvalues() {
    double[][] h = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        h[i][j] = 1.0 / (i + j + 1);
      }
    }
    double[] expected = {
      1.5002142800592428117,
      0.16914122022145004103,
      0.0067382736057607222822,
      9.6702304022600176023e-05
    };
    double[] relative = {1e-15, 1e-14, 1e-13, 1e-12};
    double[] got = SymmetricEigen.of(h).values();
    for (int k = 0; k < 4; k++) {
      assertEquals(expected[k], got[k], relative[k] * expected[k], "λ" + k);
    }
  }

  /**
   * [[1, 1e−9], [1e−9, 1e−12]]: λ_min = det/λ_max = (1e−12 − 1e−18)/(1 + 1e−18) = 9.99999e−13 to 18
   * digits (numpy: 9.99999e-13). A stopping rule relative to ‖A‖ alone could stop with the
   * off-diagonal 1e−9 still there, beside a diagonal entry a thousand times smaller.
   */
  @Test
  void findsATinyEigenvalueToRelativeAccuracy() {
    double[] got = SymmetricEigen.of(new double[][] {{1, 1e-9}, {1e-9, 1e-12}}).values();
    assertEquals(1.0, got[0], 1e-15);
    assertEquals(9.99999e-13, got[1], 1e-12 * 9.99999e-13);
  }

  @Test
  void readsOnlyTheUpperTriangleAndLeavesTheArgumentAlone() {
    double[][] a = {{2, 1}, {99, 2}};
    SymmetricEigen e = SymmetricEigen.of(a);
    assertArrayEquals(new double[] {3, 1}, e.values(), 1e-15);
    assertEquals(99, a[1][0]);
    assertArrayEquals(new double[] {5}, SymmetricEigen.of(new double[][] {{5}}).values());
  }

  @Test
  void rejectsWhatIsNotAFiniteSquareMatrix() {
    assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[0][]));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}, {3}}));
    assertEquals("matrix is not square: row 1 has 1 entries, expected 2", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SymmetricEigen.of(new double[][] {{1, Double.NaN}, {0, 1}}));
  }
}
