// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Tensor;
import java.util.List;

/**
 * Between the convolutions and the dense layers: PyTorch flattens a {@code C × H × W} (channels
 * first) image, while the convolutions here keep images channels-last. {@code flatten} reorders
 * {@code (y, x, c)} to {@code (c, y, x)} so that the dense weight after it has PyTorch's layout;
 * the other direction is the decoder's reshape back to an image. No parameters.
 */
final class Reshape implements Layer {
  private static final long serialVersionUID = 1L;

  private final int h;
  private final int w;
  private final int c;
  private final boolean flatten;

  Reshape(int h, int w, int c, boolean flatten) {
    this.h = h;
    this.w = w;
    this.c = c;
    this.flatten = flatten;
  }

  @Override
  public int inSize() {
    return h * w * c;
  }

  @Override
  public int outSize() {
    return h * w * c;
  }

  @Override
  public int numParams() {
    return 0;
  }

  @Override
  public int fanIn() {
    return 1;
  }

  @Override
  public int fanOut() {
    return 1;
  }

  @Override
  public int weightOffset() {
    return -1;
  }

  @Override
  public int weightCount() {
    return 0;
  }

  @Override
  public int biasOffset() {
    return -1;
  }

  @Override
  public int biasCount() {
    return 0;
  }

  @Override
  public List<Tensor> tensors() {
    return List.of();
  }

  @Override
  public long forwardMacs() {
    return 0;
  }

  @Override
  public String describe() {
    return flatten ? "flatten " + c + "×" + h + "×" + w : "reshape " + c + "×" + h + "×" + w;
  }

  @Override
  public boolean forward(float[] p, float[] x, int n, float[] y, float[][] scratch) {
    permute(x, y, n, flatten);
    return false;
  }

  @Override
  public void backward(
      float[] p,
      float[] x,
      float[] dy,
      int n,
      float[] g,
      float[] dx,
      float[][] scratch,
      boolean reuse) {
    if (dx != null) {
      permute(dy, dx, n, !flatten);
    }
  }

  /** Channels-last to channels-first when {@code toFirst}, else back. */
  private void permute(float[] from, float[] to, int n, boolean toFirst) {
    int hw = h * w;
    for (int r = 0; r < n; r++) {
      int base = r * hw * c;
      for (int q = 0; q < hw; q++) {
        for (int ch = 0; ch < c; ch++) {
          int last = base + q * c + ch;
          int first = base + ch * hw + q;
          if (toFirst) {
            to[first] = from[last];
          } else {
            to[last] = from[first];
          }
        }
      }
    }
  }

  @Override
  public List<Gemm> gemms(int n, boolean inputGrad) {
    return List.of();
  }
}
