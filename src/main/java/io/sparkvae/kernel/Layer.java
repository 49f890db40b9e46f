// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Tensor;
import java.io.Serializable;
import java.util.List;

/**
 * One step of an encoder or decoder: a map from {@link #inSize()} floats per row to {@link
 * #outSize()}, with its weights (if any) at fixed offsets of the model's one flat parameter vector.
 *
 * <p>A layer is an immutable description; the buffers it works in belong to the caller (one {@link
 * Network} per thread). The activation that follows a layer is the network's business, so the
 * backward pass here starts from the gradient with respect to the layer's own output.
 */
public interface Layer extends Serializable {

  int inSize();

  int outSize();

  /** Floats of the flat vector this layer owns (0 for a reshape). */
  int numParams();

  /** Inputs that feed one output, for initialization (PyTorch's {@code fan_in}). */
  int fanIn();

  /** Outputs one input feeds, for Xavier initialization. */
  int fanOut();

  /** Offset of the weight in the flat vector (−1 when there is none); the bias follows it. */
  int weightOffset();

  int weightCount();

  int biasOffset();

  int biasCount();

  /** The named tensors of this layer, in the order they sit in the flat vector. */
  List<Tensor> tensors();

  /** Multiply-adds of the forward pass per row. */
  long forwardMacs();

  /** Per-thread scratch arrays for blocks of up to {@code maxRows} rows (none by default). */
  default float[][] newScratch(int maxRows) {
    return new float[0][];
  }

  /** For example {@code conv 1→32 k4 s2 p1} or {@code dense 784→400}. */
  String describe();

  /**
   * {@code y[n × outSize] = layer(x[n × inSize])}. Returns true when {@code scratch} is left
   * holding what {@link #backward} can reuse for these rows.
   */
  boolean forward(float[] p, float[] x, int n, float[] y, float[][] scratch);

  /**
   * Adds the weight and bias gradients for the rows into {@code g} and, when {@code dx} is not
   * null, writes ∂/∂x into {@code dx[n × inSize]}. {@code dy} holds ∂/∂y and may be overwritten.
   * {@code reuse} passes on what {@link #forward} returned, provided nothing ran in between.
   */
  void backward(
      float[] p,
      float[] x,
      float[] dy,
      int n,
      float[] g,
      float[] dx,
      float[][] scratch,
      boolean reuse);

  /** The sgemm calls of one training step on {@code n} rows, for the BLAS-only benchmark. */
  List<Gemm> gemms(int n, boolean inputGrad);

  /**
   * One sgemm in the row-major terms of {@link Kernel#gemm}: {@code C[m × n] = op(A)·op(B)}, with
   * the flops it counts.
   */
  record Gemm(String what, boolean transA, boolean transB, int m, int n, int k) {
    public long flops() {
      return 2L * m * n * k;
    }
  }
}
