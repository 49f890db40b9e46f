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
  void eightBitPixelsBecomeExactlyTheirValueOver255OnBothPaths() {
    byte[] src = new byte[3 + 256 + 5]; // odd offsets and a tail that is not a lane multiple
    for (int v = 0; v < 256; v++) {
      src[3 + v] = (byte) v;
    }
    float[] s = new float[src.length + 7];
    float[] w = new float[src.length + 7];
    scalar.unitBytes(src, 3, s, 7, 256 + 5);
    vector.unitBytes(src, 3, w, 7, 256 + 5);
    for (int v = 0; v < 256; v++) {
      assertEquals(Float.floatToRawIntBits(v / 255f), Float.floatToRawIntBits(s[7 + v]), "v=" + v);
      assertEquals(Float.floatToRawIntBits(v / 255f), Float.floatToRawIntBits(w[7 + v]), "v=" + v);
    }
    assertEquals(1f, w[7 + 255]);
    assertArrayEquals(s, w, "the tail and the untouched ends agree too");
    assertEquals(0f, w[6], "nothing written before dOff");
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
    scalar.adam(ps, g, 0.25f, ss, 0.9f, 0.999f, 1e-3f, 1.3f, 1e-8f, false);
    vector.adam(pv, g, 0.25f, sv, 0.9f, 0.999f, 1e-3f, 1.3f, 1e-8f, false);
    assertArrayEquals(ps, pv, "parameters bit-identical");
    assertArrayEquals(ss, sv, "moments bit-identical");
    assertEquals(0f, sv[3]);
    assertEquals(scalar.sumOfSquares(g), vector.sumOfSquares(g), 1e-4);
  }

  @Test
  void sumsOfSquaresAreBitIdenticalOnBothPathsWhateverTheLength() {
    // A clipped step's scale is computed from this sum: its bits must not depend on the path
    // (or the vector width, which the scalar path's fixed 16-lane order stands for).
    Rng rng = new Rng(11);
    for (int n : new int[] {0, 1, 15, 16, 17, 100_003}) {
      float[] g = new float[n];
      for (int i = 0; i < n; i++) {
        g[i] = (float) ((rng.nextDouble() - 0.5) * 2e-3);
      }
      assertEquals(
          Double.doubleToRawLongBits(scalar.sumOfSquares(g)),
          Double.doubleToRawLongBits(vector.sumOfSquares(g)),
          "n = " + n);
    }
    float[] ones = new float[33];
    java.util.Arrays.fill(ones, 1f);
    assertEquals(33.0, vector.sumOfSquares(ones));
  }

  @Test
  void reluForwardAndBackwardAgreeToTheBit() {
    Rng rng = new Rng(7);
    int n = 1003;
    float[] a = new float[n];
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rng.nextDouble() - 0.5);
      g[i] = (float) (rng.nextDouble() - 0.5);
    }
    float[] specials = {0f, -0f, Float.NaN, 1e-21f, -1e-21f, 1e-19f, Float.MIN_VALUE, -3f};
    for (int i = 0; i < specials.length; i++) {
      a[i] = specials[i];
      g[i + 8] = specials[i];
      a[i + 8] = 1f;
      g[i + 16] = specials[i];
      a[i + 16] = -1f;
    }
    for (boolean leaky : new boolean[] {false, true}) {
      float[] fs = a.clone();
      float[] fv = a.clone();
      scalar.relu(fs, n, leaky, Activation.LEAK);
      vector.relu(fv, n, leaky, Activation.LEAK);
      assertArrayEquals(fs, fv, "forward, leaky " + leaky);
      assertEquals(leaky ? Float.NaN : 0f, fs[2], "NaN input: not > 0");
      float[] bs = a.clone();
      float[] bv = a.clone();
      scalar.reluBackward(bs, g, bs, n, leaky, Activation.LEAK);
      vector.reluBackward(bv, g, bv, n, leaky, Activation.LEAK);
      assertArrayEquals(bs, bv, "backward in place, leaky " + leaky);
      assertEquals(0f, bs[11], "a tiny gradient is flushed");
      assertEquals(1e-19f, bs[13], "a small one is kept");
    }
  }

  @Test
  void biasAddAndBiasGradientAgreeToTheBit() {
    Rng rng = new Rng(8);
    int n = 13;
    int out = 37; // a tail after the full vectors
    float[] y = new float[n * out];
    float[] b = new float[out + 5];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) (rng.nextDouble() - 0.5) * 1e3f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (rng.nextDouble() - 0.5);
    }
    float[] ys = y.clone();
    float[] yv = y.clone();
    scalar.addBias(ys, n, out, b, 5);
    vector.addBias(yv, n, out, b, 5);
    assertArrayEquals(ys, yv, "bias added");
    assertEquals(y[out + 2] + b[7], ys[out + 2]);
    float[] gs = b.clone();
    float[] gv = b.clone();
    scalar.biasGrad(y, n, out, gs, 5);
    vector.biasGrad(y, n, out, gv, 5);
    assertArrayEquals(gs, gv, "row sums in the same order");
    assertEquals(b[4], gs[4], "before the offset: untouched");
  }

  @Test
  void adamThatClearsTheGradientGivesTheSameBitsAndLeavesZeros() {
    Rng rng = new Rng(6);
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
    for (Elementwise e : new Elementwise[] {scalar, vector}) {
      float[] p1 = p.clone();
      float[] s1 = st.clone();
      float[] g1 = g.clone();
      e.adam(p1, g1, 0.25f, s1, 0.9f, 0.999f, 1e-3f, 1.3f, 1e-8f, false);
      float[] p2 = p.clone();
      float[] s2 = st.clone();
      float[] g2 = g.clone();
      e.adam(p2, g2, 0.25f, s2, 0.9f, 0.999f, 1e-3f, 1.3f, 1e-8f, true);
      assertArrayEquals(p1, p2, e.name() + ": parameters");
      assertArrayEquals(s1, s2, e.name() + ": moments");
      assertArrayEquals(g, g1, e.name() + ": without clear the gradient is kept");
      assertArrayEquals(new float[n], g2, e.name() + ": cleared");
    }
  }
}
