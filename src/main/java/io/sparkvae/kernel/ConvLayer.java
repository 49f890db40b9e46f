// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What a convolution and its transpose share: one {@link ConvGeometry}, a weight of {@code [cSmall,
 * cLarge, k, k]} floats (PyTorch's layout for both), and per-thread scratch for the unfolded images
 * and the filters in tap order. They differ in direction and in the bias size.
 */
abstract class ConvLayer implements Layer {
  private static final long serialVersionUID = 1L;

  final String name;
  final ConvGeometry g;
  final int weightOffset;

  ConvLayer(String name, ConvGeometry g, int weightOffset) {
    this.name = name;
    this.g = g;
    this.weightOffset = weightOffset;
  }

  ConvGeometry geometry() {
    return g;
  }

  @Override
  public int numParams() {
    return weightCount() + biasCount();
  }

  /** PyTorch's for both: {@code weight.size(1)·k·k}. */
  @Override
  public int fanIn() {
    return g.patch();
  }

  @Override
  public int fanOut() {
    return g.cSmall() * g.k() * g.k();
  }

  @Override
  public int weightOffset() {
    return weightOffset;
  }

  @Override
  public int weightCount() {
    return g.cSmall() * g.patch();
  }

  @Override
  public int biasOffset() {
    return weightOffset + weightCount();
  }

  @Override
  public List<Tensor> tensors() {
    List<Tensor> ts = new ArrayList<>();
    ts.add(
        new Tensor(
            name + ".weight", weightOffset, new int[] {g.cSmall(), g.cLarge(), g.k(), g.k()}));
    ts.add(new Tensor(name + ".bias", biasOffset(), new int[] {biasCount()}));
    return ts;
  }

  @Override
  public long forwardMacs() {
    return (long) g.positions() * g.patch() * g.cSmall();
  }

  /** The unfolded images, the filters in tap order, and their gradient in tap order. */
  @Override
  public float[][] newScratch(int maxRows) {
    int w = weightCount();
    return new float[][] {
      new float[Math.min(maxRows, g.chunkRows()) * g.positions() * g.patch()],
      new float[w],
      new float[w]
    };
  }
}
