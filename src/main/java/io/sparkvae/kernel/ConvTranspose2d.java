// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A transposed 2-D convolution, the upsampling step of a decoder: the exact adjoint of the {@link
 * Conv2d} with the same {@link ConvGeometry}. Its forward pass is the convolution's input-gradient
 * pass (the input times the filters, then {@code col2im}), and its output is {@code (H − 1)·s − 2p
 * + k} per side. The weight is PyTorch's {@code nn.ConvTranspose2d} layout {@code [cIn, cOut, k,
 * k]}: the same {@code cSmall × (cLarge·k·k)} matrix as the convolution's.
 */
final class ConvTranspose2d extends ConvLayer {
  private static final long serialVersionUID = 1L;

  ConvTranspose2d(String name, ConvGeometry g, int weightOffset) {
    super(name, g, weightOffset);
  }

  @Override
  public int inSize() {
    return g.smallSize();
  }

  @Override
  public int outSize() {
    return g.largeSize();
  }

  @Override
  public int biasCount() {
    return g.cLarge();
  }

  @Override
  public String describe() {
    return "convT " + g.cSmall() + "→" + g.cLarge() + " k" + g.k() + " s" + g.s() + " p" + g.p();
  }

  @Override
  public boolean forward(float[] p, float[] x, int n, float[] y, float[][] scratch) {
    float[] cols = scratch[0];
    float[] taps = scratch[1];
    g.toTapOrder(p, weightOffset, taps);
    int chunk = g.chunkRows();
    int pos = g.positions();
    for (int r0 = 0; r0 < n; r0 += chunk) {
      int c = Math.min(chunk, n - r0);
      Kernel.linearInputGrad(
          x, r0 * g.smallSize(), c * pos, g.cSmall(), taps, 0, g.patch(), cols, 0);
      g.col2im(cols, c, y, r0 * g.largeSize());
    }
    Kernel.addBias(y, n * g.h() * g.w(), g.cLarge(), p, biasOffset());
    return false;
  }

  /** Uses the filters the forward pass put in tap order: it must run first, on the same params. */
  @Override
  public void backward(
      float[] p,
      float[] x,
      float[] dy,
      int n,
      float[] grad,
      float[] dx,
      float[][] scratch,
      boolean reuse) {
    float[] cols = scratch[0];
    float[] taps = scratch[1];
    float[] dTaps = scratch[2];
    java.util.Arrays.fill(dTaps, 0f);
    int chunk = g.chunkRows();
    int pos = g.positions();
    for (int r0 = 0; r0 < n; r0 += chunk) {
      int c = Math.min(chunk, n - r0);
      g.im2col(dy, r0 * g.largeSize(), c, cols);
      int xOff = r0 * g.smallSize();
      Kernel.linearWeightGrad(cols, 0, c * pos, g.patch(), x, xOff, g.cSmall(), dTaps, 0);
      if (dx != null) {
        Kernel.linearForward(cols, 0, c * pos, g.patch(), taps, 0, g.cSmall(), dx, xOff);
      }
    }
    g.addFromTapOrder(dTaps, grad, weightOffset);
    Kernel.biasGrad(dy, n * g.h() * g.w(), g.cLarge(), grad, biasOffset());
  }

  @Override
  public List<Gemm> gemms(int n, boolean inputGrad) {
    int rows = n * g.positions();
    List<Gemm> gs = new ArrayList<>();
    gs.add(new Gemm(name + " forward", false, false, rows, g.patch(), g.cSmall()));
    gs.add(new Gemm(name + " weight grad", true, false, g.cSmall(), g.patch(), rows));
    if (inputGrad) {
      gs.add(new Gemm(name + " input grad", false, true, rows, g.cSmall(), g.patch()));
    }
    return gs;
  }
}
