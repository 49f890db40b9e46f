// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * Plain loops: the fallback when the Vector API is not available, and the reference for {@link
 * VectorElementwise}, which performs exactly the same float operations per element.
 */
final class ScalarElementwise extends Elementwise {

  @Override
  String name() {
    return "scalar";
  }

  @Override
  double bernoulliRow(
      float[] out, int ob, float[] x, int xb, int dim, boolean withGrad, float scale) {
    return bernoulli(out, ob, x, xb, 0, dim, withGrad, scale);
  }

  /** Elements [from, to) of a row; also the vector path's tail, so both run the same operations. */
  static double bernoulli(
      float[] out, int ob, float[] x, int xb, int from, int to, boolean withGrad, float scale) {
    double nll = 0;
    for (int j = from; j < to; j++) {
      float y = out[ob + j];
      float xv = x[xb + j];
      float e = expNonPositive(-Math.abs(y));
      float onePlus = e + 1f;
      nll += Math.max(y, 0f) + log1pUnit(e) - xv * y;
      if (withGrad) {
        float num = y < 0f ? e : 1f;
        float g = (num / onePlus - xv) * scale;
        out[ob + j] = Math.abs(g) < Kernel.FLUSH ? 0f : g;
      }
    }
    return nll;
  }

  @Override
  void adam(
      float[] params,
      float[] grad,
      float gradScale,
      float[] state,
      float b1,
      float b2,
      float stepSize,
      float invSqrtBc2,
      float eps,
      boolean clear) {
    adam(params, grad, gradScale, state, 0, b1, b2, stepSize, invSqrtBc2, eps, clear);
  }

  /** Parameters [from, n); also the vector path's tail. */
  static void adam(
      float[] params,
      float[] grad,
      float gradScale,
      float[] state,
      int from,
      float b1,
      float b2,
      float stepSize,
      float invSqrtBc2,
      float eps,
      boolean clear) {
    int n = params.length;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    for (int i = from; i < n; i++) {
      float g = grad[i] * gradScale;
      if (clear) {
        grad[i] = 0f;
      }
      float m = b1 * state[i] + c1 * g;
      float v = b2 * state[n + i] + (g * g) * c2;
      m = Math.abs(m) < Kernel.FLUSH ? 0f : m;
      v = v < Kernel.FLUSH ? 0f : v;
      state[i] = m;
      state[n + i] = v;
      params[i] = params[i] - (m * stepSize) / ((float) Math.sqrt(v) * invSqrtBc2 + eps);
    }
  }

  @Override
  void relu(float[] a, int n, boolean leaky, float leak) {
    relu(a, 0, n, leaky, leak);
  }

  /** Elements [from, n); also the vector path's tail. */
  static void relu(float[] a, int from, int n, boolean leaky, float leak) {
    for (int i = from; i < n; i++) {
      float v = a[i];
      a[i] = v > 0f ? v : leaky ? leak * v : 0f;
    }
  }

  @Override
  void reluBackward(float[] a, float[] g, float[] out, int n, boolean leaky, float leak) {
    reluBackward(a, g, out, 0, n, leaky, leak);
  }

  /** Elements [from, n); also the vector path's tail. */
  static void reluBackward(
      float[] a, float[] g, float[] out, int from, int n, boolean leaky, float leak) {
    for (int i = from; i < n; i++) {
      out[i] =
          leaky
              ? Kernel.flush(a[i] > 0f ? g[i] : leak * g[i])
              : a[i] > 0f ? Kernel.flush(g[i]) : 0f;
    }
  }

  @Override
  void addBias(float[] y, int n, int out, float[] b, int bOff) {
    addBias(y, n, out, b, bOff, 0);
  }

  /** Columns [from, out); also the vector path's tail. */
  static void addBias(float[] y, int n, int out, float[] b, int bOff, int from) {
    for (int r = 0, base = 0; r < n; r++, base += out) {
      for (int j = from; j < out; j++) {
        y[base + j] += b[bOff + j];
      }
    }
  }

  @Override
  void biasGrad(float[] dy, int n, int out, float[] g, int bOff) {
    biasGrad(dy, n, out, g, bOff, 0);
  }

  /** Columns [from, out); also the vector path's tail. */
  static void biasGrad(float[] dy, int n, int out, float[] g, int bOff, int from) {
    for (int r = 0, base = 0; r < n; r++, base += out) {
      for (int j = from; j < out; j++) {
        g[bOff + j] += dy[base + j];
      }
    }
  }

  @Override
  double sumOfSquares(float[] a) {
    // The vector path's order, lane by lane (see Elementwise.SUM_LANES), so both give the same
    // bits.
    int w = SUM_LANES;
    float[] acc = new float[w];
    int upper = a.length - a.length % w;
    for (int i = 0; i < upper; i += w) {
      for (int j = 0; j < w; j++) {
        acc[j] = Math.fma(a[i + j], a[i + j], acc[j]);
      }
    }
    return sumOfSquaresEnd(acc, a, upper);
  }

  @Override
  void unitBytes(byte[] src, int sOff, float[] dst, int dOff, int n) {
    for (int i = 0; i < n; i++) {
      dst[dOff + i] = (src[sOff + i] & 0xFF) / 255f;
    }
  }
}
