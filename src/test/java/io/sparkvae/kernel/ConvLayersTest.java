// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The convolution layers on their own: adjointness, chunking, and geometry errors. */
class ConvLayersTest {

  private static float[] random(int n, long seed) {
    Rng rng = new Rng(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rng.nextDouble() - 0.5);
    }
    return a;
  }

  private static double dot(float[] a, float[] b, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /** ⟨conv x, y⟩ = ⟨x, convᵀ y⟩ with the same weights and zero biases. */
  @ParameterizedTest(name = "{0}x{1}x{2} to {3} channels, k{4} s{5} p{6}")
  @CsvSource({
    "28, 28, 1, 32, 4, 2, 1",
    "7, 9, 3, 5, 3, 1, 1",
    "11, 6, 2, 4, 3, 2, 0",
    "10, 10, 3, 2, 5, 3, 2",
    "5, 5, 4, 3, 5, 1, 0"
  })
  void transposedConvolutionIsTheExactAdjointOfTheConvolution(
      int h, int w, int cl, int cs, int k, int s, int p) {
    ConvGeometry g = new ConvGeometry(h, w, cl, cs, k, s, p);
    Conv2d conv = new Conv2d("c", g, 0);
    ConvTranspose2d convT = new ConvTranspose2d("t", g, 0);
    int n = 3;
    float[] params = random(conv.numParams(), 1);
    java.util.Arrays.fill(params, conv.biasOffset(), conv.numParams(), 0f);
    float[] tParams = new float[convT.numParams()];
    System.arraycopy(params, 0, tParams, 0, conv.weightCount());
    float[] x = random(n * g.largeSize(), 2);
    float[] y = random(n * g.smallSize(), 3);
    float[] cx = new float[n * g.smallSize()];
    float[] ty = new float[n * g.largeSize()];
    conv.forward(params, x, n, cx, conv.newScratch(n));
    convT.forward(tParams, y, n, ty, convT.newScratch(n));
    double left = dot(cx, y, cx.length);
    double right = dot(x, ty, x.length);
    assertEquals(left, right, 1e-5 * Math.max(1, Math.abs(left)), g.toString());
  }

  /** 64×64×3 images at k4 s2 unfold to 1,024 × 48 each, so 90 rows take two chunks of ≤ 85. */
  @Test
  void aBlockLargerThanOneChunkGivesWhatOneImageAtATimeGives() {
    ConvGeometry g = new ConvGeometry(64, 64, 3, 4, 4, 2, 1);
    assertTrue(g.chunkRows() < 90, "the test needs two chunks, chunk = " + g.chunkRows());
    Conv2d conv = new Conv2d("c", g, 0);
    int n = 90;
    float[] params = random(conv.numParams(), 4);
    float[] x = random(n * g.largeSize(), 5);
    float[] dy = random(n * g.smallSize(), 6);
    float[] y = new float[n * g.smallSize()];
    float[][] scratch = conv.newScratch(n);
    float[] grad = new float[params.length];
    float[] dx = new float[n * g.largeSize()];
    boolean reuse = conv.forward(params, x, n, y, scratch);
    conv.backward(params, x, dy.clone(), n, grad, dx, scratch, reuse);

    float[] one = new float[g.smallSize()];
    float[] oneDx = new float[g.largeSize()];
    float[] sumGrad = new float[params.length];
    float[][] s1 = conv.newScratch(1);
    for (int r = 0; r < n; r++) {
      float[] xr = java.util.Arrays.copyOfRange(x, r * g.largeSize(), (r + 1) * g.largeSize());
      float[] dyr = java.util.Arrays.copyOfRange(dy, r * g.smallSize(), (r + 1) * g.smallSize());
      boolean ru = conv.forward(params, xr, 1, one, s1);
      for (int i = 0; i < one.length; i++) {
        assertEquals(one[i], y[r * g.smallSize() + i], 1e-5f, "output of row " + r);
      }
      conv.backward(params, xr, dyr, 1, sumGrad, oneDx, s1, ru);
      assertArrayEquals(
          oneDx,
          java.util.Arrays.copyOfRange(dx, r * g.largeSize(), (r + 1) * g.largeSize()),
          1e-5f,
          "input gradient of row " + r);
    }
    for (int i = 0; i < grad.length; i++) {
      assertEquals(sumGrad[i], grad[i], 1e-3f * Math.max(1f, Math.abs(grad[i])), "dW " + i);
    }
  }

  @Test
  void aGeometryThatDoesNotDivideNamesTheSizesAndASizeThatWorks() {
    VaeArchitecture.Conv c = new VaeArchitecture.Conv(30, 30, 3, List.of(32, 64, 128), 4, 2, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                VaeArchitecture.conv(
                    c, new int[] {256}, 20, Activation.RELU, Likelihood.BERNOULLI));
    assertTrue(e.getMessage().contains("30×30"), e.getMessage());
    assertTrue(e.getMessage().contains("3 stride-2"), e.getMessage());
    assertTrue(e.getMessage().contains("Resize the images to 32×32"), e.getMessage());
  }

  @Test
  void theReferenceModelHasPyTorchsTensorsInOrder() {
    VaeArchitecture a =
        VaeArchitecture.conv(
            new VaeArchitecture.Conv(28, 28, 1, List.of(32, 64), 4, 2, 1),
            new int[] {256},
            20,
            Activation.RELU,
            Likelihood.BERNOULLI);
    StringBuilder sb = new StringBuilder();
    for (VaeArchitecture.Tensor t : a.tensors()) {
      sb.append(t.name()).append(java.util.Arrays.toString(t.shape())).append(' ');
    }
    assertEquals(
        "encoder.conv.0.weight[32, 1, 4, 4] encoder.conv.0.bias[32] "
            + "encoder.conv.1.weight[64, 32, 4, 4] encoder.conv.1.bias[64] "
            + "encoder.dense.0.weight[256, 3136] encoder.dense.0.bias[256] "
            + "encoder.out.weight[40, 256] encoder.out.bias[40] "
            + "decoder.dense.0.weight[256, 20] decoder.dense.0.bias[256] "
            + "decoder.dense.1.weight[3136, 256] decoder.dense.1.bias[3136] "
            + "decoder.deconv.0.weight[64, 32, 4, 4] decoder.deconv.0.bias[32] "
            + "decoder.out.weight[32, 1, 4, 4] decoder.out.bias[1] ",
        sb.toString());
    // 544 + 32,832 + 803,072 + 10,280 + 5,376 + 805,952 + 32,800 + 513, as PyTorch counts them.
    assertEquals(1_691_369, a.numParams());
  }

  /**
   * PyTorch's default init (kaiming_uniform with a = √5) draws a layer's weight and bias from
   * U(±1/√fan_in) with fan_in = weight.size(1) · k · k: in · k · k for {@code nn.Conv2d}, out · k ·
   * k for {@code nn.ConvTranspose2d} ({@code [in, out, k, k]}). The bound here comes from each
   * tensor's PyTorch shape, not from the layer's own fan-in; the channel counts differ (3, 8, 24)
   * so that a convolution's fan-in taken from the wrong dimension gives another bound.
   */
  @Test
  void uniformInitDrawsEveryTensorWithinPyTorchsBound() {
    VaeArchitecture a =
        VaeArchitecture.conv(
            new VaeArchitecture.Conv(16, 16, 3, List.of(8, 24), 4, 2, 1),
            new int[] {32},
            5,
            Activation.RELU,
            Likelihood.BERNOULLI);
    float[] p = new float[a.numParams()];
    new VaeObjective(a, 1.0, 0, 1).initialize(p, 7);
    double bound = Double.NaN;
    int checked = 0;
    for (VaeArchitecture.Tensor t : a.tensors()) {
      int[] s = t.shape();
      int n = 1;
      for (int d : s) {
        n *= d;
      }
      if (t.name().endsWith(".weight")) {
        int fanIn = n / s[0]; // weight.size(1) · k · k, or in for nn.Linear [out, in]
        bound = 1 / Math.sqrt(fanIn);
      } else {
        assertTrue(t.name().endsWith(".bias"), t.name());
      }
      double max = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, Math.abs(p[t.offset() + i]));
      }
      assertTrue(max <= bound, t.name() + ": largest |value| " + max + " > bound " + bound);
      if (n >= 24) { // U(±b): the largest of 24 draws is below 0.75 b with probability 0.001
        assertTrue(max > 0.75 * bound, t.name() + ": largest |value| " + max + ", bound " + bound);
        checked++;
      }
    }
    assertEquals(12, checked, "tensors with at least 24 values");
  }
}
