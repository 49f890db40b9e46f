// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdamTest {

  /**
   * Three steps worked by hand (lr = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8):
   *
   * <pre>
   * θ₀ = 1,  g = 1, −1, 0.5
   * t=1: m = 0.1,     v = 0.001;     m̂ = 1,          v̂ = 1          ⇒ θ = 1 − 0.1 = 0.9
   * t=2: m = −0.01,   v = 0.001999;  m̂ = −0.0526316, v̂ = 1          ⇒ θ = 0.9 + 0.00526316 = 0.90526316
   * t=3: m = 0.041,   v = 0.002247001; m̂ = 0.1512915, v̂ = 0.7497498 ⇒ θ = 0.90526316 − 0.0174726 = 0.8877906
   * </pre>
   *
   * A second coordinate with zero gradient must not move at all.
   */
  @Test
  void matchesHandComputedSteps() {
    Adam adam = new Adam(0.1);
    float[] theta = {1f, 2f};
    float[] state = new float[adam.stateSize(2)];
    float[][] grads = {{1f, 0f}, {-1f, 0f}, {0.5f, 0f}};
    float[] expected = {0.9f, 0.90526316f, 0.8877906f};
    for (int t = 0; t < 3; t++) {
      adam.update(theta, grads[t].clone(), 1f, state, t + 1);
      assertEquals(expected[t], theta[0], 2e-6f, "after step " + (t + 1));
      assertEquals(2f, theta[1], 0f);
    }
    assertArrayEquals(new float[] {0.041f, 0f, 0.002247f, 0f}, state, 1e-6f);
  }

  /**
   * A round that restarts both moments at zero after 100 updates takes, at update 101, exactly the
   * first step of a fresh Adam: each moment is bias-corrected by the updates since its zeroing.
   *
   * <p>With only m restarted (v carried: 100 updates of g = 0.5 give v̂ = 0.25), the step is lr ·
   * m̂ / √v̂ = 0.1 · 0.5 / 0.5 = 0.1; bias-correcting m by the global count instead would give m̂ =
   * 0.05 and a step of 0.01, ten times too short.
   */
  @Test
  void aMomentZeroedAtARoundsStartIsBiasCorrectedFromThere() {
    Adam adam = new Adam(0.1);
    float[] fresh = {1f};
    adam.update(fresh, new float[] {0.5f}, 1f, new float[2], 1);
    float[] restarted = {1f};
    adam.update(restarted, new float[] {0.5f}, 1f, new float[2], 101, new long[] {100, 100});
    assertArrayEquals(fresh, restarted);

    float v100 = (float) (0.25 * (1 - Math.pow(0.999, 100)));
    float[] mOnly = {1f};
    adam.update(mOnly, new float[] {0.5f}, 1f, new float[] {0f, v100}, 101, new long[] {100, 0});
    assertEquals(0.9f, mOnly[0], 1e-4f);
    float[] global = {1f};
    adam.update(global, new float[] {0.5f}, 1f, new float[] {0f, v100}, 101);
    assertEquals(0.99f, global[0], 1e-4f);
  }

  @Test
  void updateAndClearIsUpdateThenAZeroGradient() {
    Rng rng = new Rng(9);
    for (Optimizer opt : new Optimizer[] {new Adam(0.01), new Sgd(0.1)}) {
      for (long[] zeroedAt : new long[][] {null, {3, 0}}) {
        float[] p = new float[37];
        float[] g = new float[37];
        float[] st = new float[opt.stateSize(37)];
        for (int i = 0; i < 37; i++) {
          p[i] = (float) rng.nextDouble();
          g[i] = (float) (rng.nextDouble() - 0.5);
        }
        for (int i = 0; i < st.length; i++) {
          st[i] = (float) rng.nextDouble() * 0.01f;
        }
        float[] p1 = p.clone();
        float[] st1 = st.clone();
        float[] g1 = g.clone();
        if (zeroedAt == null) {
          opt.update(p1, g1, 0.5f, st1, 5);
        } else {
          opt.update(p1, g1, 0.5f, st1, 5, zeroedAt);
        }
        float[] p2 = p.clone();
        float[] st2 = st.clone();
        float[] g2 = g.clone();
        opt.updateAndClear(p2, g2, 0.5f, st2, 5, zeroedAt);
        String what = opt.describe() + (zeroedAt == null ? "" : " restarted");
        assertArrayEquals(p1, p2, what);
        assertArrayEquals(st1, st2, what);
        assertArrayEquals(new float[37], g2, what);
      }
    }
  }

  @Test
  void scalingTheRateByOneIsTheSameOptimizer() {
    Adam adam = new Adam(1e-3);
    assertTrue(adam.scaled(1) == adam);
    assertEquals(2e-3f, (float) adam.scaled(2).learningRate());
    assertEquals(0.75f, (float) new Sgd(0.5).scaled(1.5).learningRate());
  }

  @Test
  void sgdStepsAgainstTheGradient() {
    float[] theta = {1f, -1f};
    new Sgd(0.5).update(theta, new float[] {2f, -4f}, 1f, new float[0], 1);
    assertArrayEquals(new float[] {0f, 1f}, theta);
  }

  @Test
  void tinyMomentsAreFlushedToZeroInsteadOfBecomingDenormal() {
    Adam adam = new Adam(1e-3);
    float[] theta = {0f};
    float[] state = new float[2];
    adam.update(theta, new float[] {1e-12f}, 1f, state, 1);
    for (int t = 2; t < 3000; t++) {
      adam.update(theta, new float[] {0f}, 1f, state, t);
    }
    assertEquals(0f, state[0], "m decays to exactly zero, never through denormals");
    assertEquals(0f, state[1]);
  }

  @Test
  void clippingBoundsTheGlobalNorm() {
    float[] g = {30f, 40f}; // sum over 10 rows: mean (3, 4), norm 5
    assertEquals(0.1f, Gradients.stepScale(g, 10, 0), 1e-9f, "no clipping: 1/rows");
    assertEquals(0.1f / 5, Gradients.stepScale(g, 10, 1.0), 1e-9f, "clipped to norm 1");
    assertEquals(0.1f, Gradients.stepScale(g, 10, 6.0), 1e-9f, "under the bound: unchanged");
    assertTrue(Float.isNaN(Gradients.stepScale(new float[] {Float.NaN}, 1, 1.0)));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(-1e-3));
  }
}
