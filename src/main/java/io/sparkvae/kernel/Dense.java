// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected layer, {@code y = x · Wᵀ + b}, with W row-major {@code out × in} (PyTorch's
 * {@code nn.Linear}) followed by b in the flat vector.
 */
final class Dense implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int in;
  private final int out;
  private final int weightOffset;

  Dense(String name, int in, int out, int weightOffset) {
    this.name = name;
    this.in = in;
    this.out = out;
    this.weightOffset = weightOffset;
  }

  @Override
  public int inSize() {
    return in;
  }

  @Override
  public int outSize() {
    return out;
  }

  @Override
  public int numParams() {
    return in * out + out;
  }

  @Override
  public int fanIn() {
    return in;
  }

  @Override
  public int fanOut() {
    return out;
  }

  @Override
  public int weightOffset() {
    return weightOffset;
  }

  @Override
  public int weightCount() {
    return in * out;
  }

  @Override
  public int biasOffset() {
    return weightOffset + in * out;
  }

  @Override
  public int biasCount() {
    return out;
  }

  @Override
  public List<Tensor> tensors() {
    List<Tensor> ts = new ArrayList<>();
    ts.add(new Tensor(name + ".weight", weightOffset, new int[] {out, in}));
    ts.add(new Tensor(name + ".bias", biasOffset(), new int[] {out}));
    return ts;
  }

  @Override
  public long forwardMacs() {
    return (long) in * out;
  }

  @Override
  public String describe() {
    return "dense " + in + "→" + out;
  }

  @Override
  public boolean forward(float[] p, float[] x, int n, float[] y, float[][] scratch) {
    Kernel.linearForward(x, n, in, p, weightOffset, out, y);
    Kernel.addBias(y, n, out, p, biasOffset());
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
    Kernel.linearWeightGrad(x, n, in, dy, out, g, weightOffset);
    Kernel.biasGrad(dy, n, out, g, biasOffset());
    if (dx != null) {
      Kernel.linearInputGrad(dy, n, out, p, weightOffset, in, dx);
    }
  }

  @Override
  public List<Gemm> gemms(int n, boolean inputGrad) {
    List<Gemm> gs = new ArrayList<>();
    gs.add(new Gemm(name + " forward", false, true, n, out, in));
    gs.add(new Gemm(name + " weight grad", true, false, out, in, n));
    if (inputGrad) {
      gs.add(new Gemm(name + " input grad", false, false, n, in, out));
    }
    return gs;
  }
}
