// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * A 2-D convolution as a matrix product: {@code im2col(x)} (one row per output position, one column
 * per filter tap) times the filters' transpose, so the BLAS does the work (docs: training.md, "The
 * models" §4). The weight is PyTorch's {@code nn.Conv2d} layout {@code [cOut, cIn, k, k]}, which
 * read row-major is exactly the {@code cOut × (cIn·k·k)} matrix the product needs.
 *
 * <p>The filters are copied to the unfolding's tap order once per pass (a few thousand floats),
 * which makes the unfolding itself plain array copies. Images are processed in chunks of {@link
 * ConvGeometry#chunkRows()} so the unfolded matrix stays bounded; when one chunk holds the whole
 * block, the backward pass reuses the forward's unfolding instead of redoing it.
 */
final class Conv2d extends ConvLayer {
  private static final long serialVersionUID = 1L;

  Conv2d(String name, ConvGeometry g, int weightOffset) {
    super(name, g, weightOffset);
  }

  @Override
  public int inSize() {
    return g.largeSize();
  }

  @Override
  public int outSize() {
    return g.smallSize();
  }

  @Override
  public int biasCount() {
    return g.cSmall();
  }

  @Override
  public String describe() {
    return "conv " + g.cLarge() + "→" + g.cSmall() + " k" + g.k() + " s" + g.s() + " p" + g.p();
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
      g.im2col(x, r0 * g.largeSize(), c, cols);
      Kernel.linearForward(cols, 0, c * pos, g.patch(), taps, 0, g.cSmall(), y, r0 * g.smallSize());
    }
    Kernel.addBias(y, n * pos, g.cSmall(), p, biasOffset());
    return n <= chunk;
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
      if (!(reuse && n <= chunk)) {
        g.im2col(x, r0 * g.largeSize(), c, cols);
      }
      int dyOff = r0 * g.smallSize();
      Kernel.linearWeightGrad(cols, 0, c * pos, g.patch(), dy, dyOff, g.cSmall(), dTaps, 0);
      if (dx != null) {
        Kernel.linearInputGrad(dy, dyOff, c * pos, g.cSmall(), taps, 0, g.patch(), cols, 0);
        g.col2im(cols, c, dx, r0 * g.largeSize());
      }
    }
    g.addFromTapOrder(dTaps, grad, weightOffset);
    Kernel.biasGrad(dy, n * pos, g.cSmall(), grad, biasOffset());
  }

  @Override
  public List<Gemm> gemms(int n, boolean inputGrad) {
    int rows = n * g.positions();
    List<Gemm> gs = new ArrayList<>();
    gs.add(new Gemm(name + " forward", false, true, rows, g.cSmall(), g.patch()));
    gs.add(new Gemm(name + " weight grad", true, false, g.cSmall(), g.patch(), rows));
    if (inputGrad) {
      gs.add(new Gemm(name + " input grad", false, false, rows, g.patch(), g.cSmall()));
    }
    return gs;
  }
}
