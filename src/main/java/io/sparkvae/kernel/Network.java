// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Stage;
import java.util.List;

/**
 * One thread's run of a stack of layers (an encoder or a decoder): the buffers of every stage,
 * allocated once, and the forward and backward loops. Each stage's output buffer also holds its
 * activation's output, and on the way back its gradient, so no pre-activations are kept.
 */
final class Network {
  private final Stage[] stages;
  private final Activation activation;
  private final float[][] out;
  private final float[][][] scratch;
  private final boolean[] reuse;

  /** ∂/∂input of the last stage run backwards (∂/∂x after a full backward pass). */
  final float[] delta;

  Network(List<Stage> stages, Activation activation, int maxRows, boolean inputGrad) {
    this.stages = stages.toArray(new Stage[0]);
    this.activation = activation;
    int n = this.stages.length;
    out = new float[n][];
    scratch = new float[n][][];
    reuse = new boolean[n];
    int widest = 0;
    for (int i = 0; i < n; i++) {
      Layer l = this.stages[i].layer();
      out[i] = new float[maxRows * l.outSize()];
      scratch[i] = l.newScratch(maxRows);
      if (i > 0 || inputGrad) {
        widest = Math.max(widest, l.inSize());
      }
    }
    delta = new float[maxRows * widest];
  }

  /** Runs every stage on {@code n} rows of {@code x}; returns the last stage's output buffer. */
  float[] forward(float[] p, float[] x, int n) {
    float[] in = x;
    for (int i = 0; i < stages.length; i++) {
      Stage st = stages[i];
      reuse[i] = st.layer().forward(p, in, n, out[i], scratch[i]);
      if (st.activated()) {
        activation.forward(out[i], n * st.layer().outSize());
      }
      in = out[i];
    }
    return out[stages.length - 1];
  }

  /** The last stage's output buffer. */
  float[] output() {
    return out[stages.length - 1];
  }

  /**
   * Backward from ∂/∂output in {@code dy} (which may be {@link #output()}, and is overwritten),
   * adding every weight gradient into {@code g}; with {@code inputGrad}, leaves ∂/∂x in {@link
   * #delta}. Must follow a {@link #forward} on the same rows.
   */
  void backward(float[] p, float[] x, int n, float[] dy, float[] g, boolean inputGrad) {
    for (int i = stages.length - 1; i >= 0; i--) {
      Layer l = stages[i].layer();
      float[] in = i == 0 ? x : out[i - 1];
      float[] dx = i > 0 || inputGrad ? delta : null;
      l.backward(p, in, dy, n, g, dx, scratch[i], reuse[i]);
      reuse[i] = false;
      if (i > 0) {
        int len = n * l.inSize();
        if (stages[i - 1].activated()) {
          activation.backward(out[i - 1], delta, out[i - 1], len);
        } else {
          System.arraycopy(delta, 0, out[i - 1], 0, len);
        }
        dy = out[i - 1];
      }
    }
  }
}
