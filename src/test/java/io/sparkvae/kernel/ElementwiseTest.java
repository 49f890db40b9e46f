package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SIMD loops against the scalar ones on the same inputs. */
class ElementwiseTest {
  private final Elementwise scalar = new ScalarElementwise();
  private final Elementwise vector = new VectorElementwise();

  @Test
  void theTestJvmRunsTheVectorPath() {
    assertTrue(Elementwise.current().startsWith("vector"),
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
    assertEquals(ls, lv, 1e-5 * Math.abs(ls));
    for (int j = 0; j < dim; j++) {
      assertEquals(ys[j], yv[j], 1e-6f, "gradient " + j);
    }
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
    for (int i = 0; i < n; i++) {
      assertEquals(ps[i], pv[i], 1e-6f, "param " + i);
      assertEquals(ss[i], sv[i], 1e-7f, "m " + i);
      assertEquals(ss[n + i], sv[n + i], 1e-7f, "v " + i);
    }
    assertEquals(0f, sv[3]);
    assertEquals(scalar.sumOfSquares(g), vector.sumOfSquares(g), 1e-4);
  }
}
