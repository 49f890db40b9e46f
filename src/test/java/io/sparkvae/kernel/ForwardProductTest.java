// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The forward product's two formulations: plain for many rows, operands swapped for few. */
class ForwardProductTest {

  @Test
  void fewRowsThroughALargeWeightMatrixTakeTheSwappedProduct() {
    assertTrue(Kernel.swappedForward(16, 784, 400), "a 16-row step of the reference MLP");
    assertTrue(Kernel.swappedForward(32, 400, 784));
    assertFalse(Kernel.swappedForward(33, 784, 400), "past 32 rows the transpose eats the gain");
    assertFalse(Kernel.swappedForward(16, 20, 400), "a small matrix gains nothing");
    assertFalse(Kernel.swappedForward(128, 784, 400), "the 128-row step keeps the plain one");
  }

  @ParameterizedTest(name = "{0} rows, {1} → {2}")
  @CsvSource({"1, 784, 400", "5, 784, 400", "16, 784, 400", "16, 400, 784", "32, 400, 784"})
  void bothFormulationsMatchADoublePrecisionReferenceAtOffsets(int n, int in, int out) {
    SplittableRandom r = new SplittableRandom(n * 7919L + in);
    int xOff = 3, wOff = 5, yOff = 7;
    float[] x = new float[xOff + n * in];
    float[] w = new float[wOff + out * in];
    for (int i = xOff; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    for (int i = wOff; i < w.length; i++) {
      w[i] = (float) (r.nextGaussian() * 0.05);
    }
    float[] plain = new float[yOff + n * out + 4];
    float[] swapped = new float[yOff + n * out + 4];
    java.util.Arrays.fill(plain, -9f);
    java.util.Arrays.fill(swapped, -9f);
    Kernel.linearForward(x, xOff, n, in, w, wOff, out, plain, yOff, false);
    Kernel.linearForward(x, xOff, n, in, w, wOff, out, swapped, yOff, true);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < out; j++) {
        double ref = 0;
        for (int k = 0; k < in; k++) {
          ref += (double) x[xOff + i * in + k] * w[wOff + j * in + k];
        }
        int at = yOff + i * out + j;
        // Float sums of 784 terms of size ~0.05: 1e-4 absolute is ~100 ulps of the sum.
        assertEquals(ref, plain[at], 1e-4, "plain, row " + i + ", column " + j);
        assertEquals(ref, swapped[at], 1e-4, "swapped, row " + i + ", column " + j);
      }
    }
    for (int i = 0; i < yOff; i++) {
      assertEquals(-9f, swapped[i], "nothing written before yOff");
    }
    for (int i = yOff + n * out; i < swapped.length; i++) {
      assertEquals(-9f, swapped[i], "nothing written past the result");
    }
  }
}
