// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SIMD loops against the scalar ones on the same inputs. */
class ElementwiseTest {
  private final Elementwise scalar = new ScalarElementwise();
  private final Elementwise vector = new VectorElementwise();

  @Test
  void theTestJvmRunsTheVectorPath() {
    assertTrue(
        Elementwise.current().startsWith("vector"),
        "surefire passes --add-modules=jdk.incubator.vector; got " + Elementwise.current());
  }

  @Test
  void bernoulliRowsAgree() {
    Rng rng = new Rng(4);
    int dim = 787; // not a multiple of any lane count: the tail loop runs too
    float[] y = new float[dim];
    float[] x = new float[dim];
    for (int j = 0; j < dim; j++) {
      y[j] = (float) (rng.nextDouble() * 60 - 30);
      x[j] = (float) rng.nextDouble();
    }
    y[0] = 100f;
    y[1] = -100f;
    float[] ys = y.clone();
    float[] yv = y.clone();
    double ls = scalar.bernoulliRow(ys, 0, x, 0, dim, true, 0.5f);
    double lv = vector.bernoulliRow(yv, 0, x, 0, dim, true, 0.5f);
    assertEquals(ls, lv, 1e-5 * Math.abs(ls), "row loss (summed in another order)");
    assertArrayEquals(ys, yv, "gradients bit-identical");
  }

  @Test
  void expAndLogFromBasicOperationsAreAccurate() {
    double worstExp = 0;
    double worstLog = 0;
    for (int i = 0; i <= 200_000; i++) {
      float x = -87f * i / 200_000;
      double exact = Math.exp(x);
      worstExp = Math.max(worstExp, Math.abs(Elementwise.expNonPositive(x) - exact) / exact);
      float e = (float) i / 200_000;
      double l = Math.log1p(e);
      if (l > 0) {
        worstLog = Math.max(worstLog, Math.abs(Elementwise.log1pUnit(e) - l) / l);
      }
    }
    assertTrue(worstExp < 3e-7, "exp relative error " + worstExp);
    assertTrue(worstLog < 3e-7, "log1p relative error " + worstLog);
    assertEquals(0f, Elementwise.expNonPositive(-100f));
    assertEquals(1f, Elementwise.expNonPositive(0f));
    assertEquals(0f, Elementwise.log1pUnit(0f));
  }

  @Test
  void adamAgrees() {
    Rng rng = new Rng(5);
    int n = 1003;
    float[] p = new float[n];
    float[] g = new float[n];
    float[] st = new float[2 * n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) rng.nextDouble();
      g[i] = (float) (rng.nextDouble() - 0.5);
      st[i] = (float) (rng.nextDouble() - 0.5) * 0.1f;
      st[n + i] = (float) rng.nextDouble() * 0.01f;
    }
    g[3] = 0f;
    st[3] = 1e-21f; // decays below the flush threshold
    float[] ps = p.clone();
    float[] pv = p.clone();
    float[] ss = st.clone();
    float[] sv = st.clone();
    scalar.adam(ps, g, 0.25f, ss, 0.9f, 0.999f, 1e-3f, 1.3f, 1e-8f);
    vector.adam(pv, g, 0.25f, sv, 0.9f, 0.999f, 1e-3f, 1.3f, 1e-8f);
    assertArrayEquals(ps, pv, "parameters bit-identical");
    assertArrayEquals(ss, sv, "moments bit-identical");
    assertEquals(0f, sv[3]);
    assertEquals(scalar.sumOfSquares(g), vector.sumOfSquares(g), 1e-4);
  }
}
