// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD loops on the Vector API (incubating in JDK 17 and 21; only loaded when the module is
 * present). Per element they run exactly the float operations of {@link ScalarElementwise}; lane
 * sums are added in lane order, because {@code reduceLanes(ADD)} on floats may add in any order.
 */
final class VectorElementwise extends Elementwise {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  // As many bytes and ints as S has floats, for widening 8-bit pixels; none under 64 bits (NEON's
  // 4 floats would need a 32-bit byte vector, which does not exist), where the scalar loop runs.
  private static final VectorSpecies<Byte> BYTES =
      S.length() >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8)) : null;
  private static final VectorSpecies<Integer> INTS = S.withLanes(int.class);

  @Override
  String name() {
    return "vector(" + S.vectorBitSize() + "-bit)";
  }

  /** Lane-wise {@link Elementwise#expNonPositive}. */
  private static FloatVector exp(FloatVector x) {
    VectorMask<Float> under = x.compare(VectorOperators.LT, -87f);
    FloatVector t = x.mul(LOG2E).add(ROUND);
    FloatVector n = t.sub(ROUND);
    IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(S, EXP_C[0]);
    for (int k = 1; k < EXP_C.length; k++) {
      p = p.fma(r, FloatVector.broadcast(S, EXP_C[k]));
    }
    FloatVector scale = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale).blend(0f, under);
  }

  /** Lane-wise {@link Elementwise#log1pUnit}. */
  private static FloatVector log1p(FloatVector e) {
    FloatVector s = e.div(e.add(2f));
    FloatVector s2 = s.mul(s);
    FloatVector q = FloatVector.broadcast(S, LOG_C[0]);
    for (int k = 1; k < LOG_C.length; k++) {
      q = q.fma(s2, FloatVector.broadcast(S, LOG_C[k]));
    }
    return s.add(s).mul(q);
  }

  /** Lanes added in lane order (no allocation; reduceLanes may add in any order). */
  private static double sumLanes(FloatVector v) {
    double s = 0;
    for (int i = 0; i < S.length(); i++) {
      s += v.lane(i);
    }
    return s;
  }

  @Override
  double bernoulliRow(
      float[] out, int ob, float[] x, int xb, int dim, boolean withGrad, float scale) {
    int lanes = S.length();
    int upper = S.loopBound(dim);
    FloatVector acc = FloatVector.zero(S);
    int j = 0;
    for (; j < upper; j += lanes) {
      FloatVector y = FloatVector.fromArray(S, out, ob + j);
      FloatVector xv = FloatVector.fromArray(S, x, xb + j);
      FloatVector e = exp(y.abs().neg());
      FloatVector onePlus = e.add(1f);
      acc = acc.add(y.max(0f).add(log1p(e)).sub(xv.mul(y)));
      if (withGrad) {
        VectorMask<Float> negative = y.compare(VectorOperators.LT, 0f);
        FloatVector num = FloatVector.broadcast(S, 1f).blend(e, negative);
        FloatVector g = num.div(onePlus).sub(xv).mul(scale);
        g = g.blend(0f, g.abs().compare(VectorOperators.LT, Kernel.FLUSH));
        g.intoArray(out, ob + j);
      }
    }
    return sumLanes(acc) + ScalarElementwise.bernoulli(out, ob, x, xb, j, dim, withGrad, scale);
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
    int n = params.length;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    int lanes = S.length();
    int upper = S.loopBound(n);
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (; i < upper; i += lanes) {
      FloatVector g = FloatVector.fromArray(S, grad, i).mul(gradScale);
      if (clear) {
        zero.intoArray(grad, i);
      }
      FloatVector m = FloatVector.fromArray(S, state, i).mul(b1).add(g.mul(c1));
      FloatVector v = FloatVector.fromArray(S, state, n + i).mul(b2).add(g.mul(g).mul(c2));
      m = m.blend(0f, m.abs().compare(VectorOperators.LT, Kernel.FLUSH));
      v = v.blend(0f, v.compare(VectorOperators.LT, Kernel.FLUSH));
      m.intoArray(state, i);
      v.intoArray(state, n + i);
      FloatVector denom = v.sqrt().mul(invSqrtBc2).add(eps);
      FloatVector p = FloatVector.fromArray(S, params, i);
      p.sub(m.mul(stepSize).div(denom)).intoArray(params, i);
    }
    ScalarElementwise.adam(
        params, grad, gradScale, state, i, b1, b2, stepSize, invSqrtBc2, eps, clear);
  }

  @Override
  void relu(float[] a, int n, boolean leaky, float leak) {
    int lanes = S.length();
    int upper = S.loopBound(n);
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (; i < upper; i += lanes) {
      FloatVector v = FloatVector.fromArray(S, a, i);
      FloatVector low = leaky ? v.mul(leak) : zero;
      low.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(a, i);
    }
    ScalarElementwise.relu(a, i, n, leaky, leak);
  }

  @Override
  void reluBackward(float[] a, float[] g, float[] out, int n, boolean leaky, float leak) {
    int lanes = S.length();
    int upper = S.loopBound(n);
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (; i < upper; i += lanes) {
      VectorMask<Float> on = FloatVector.fromArray(S, a, i).compare(VectorOperators.GT, 0f);
      FloatVector gv = FloatVector.fromArray(S, g, i);
      FloatVector r = (leaky ? gv.mul(leak) : zero).blend(gv, on);
      r.blend(0f, r.abs().compare(VectorOperators.LT, Kernel.FLUSH)).intoArray(out, i);
    }
    ScalarElementwise.reluBackward(a, g, out, i, n, leaky, leak);
  }

  @Override
  void addBias(float[] y, int n, int out, float[] b, int bOff) {
    int lanes = S.length();
    int upper = S.loopBound(out);
    for (int j = 0; j < upper; j += lanes) {
      FloatVector bv = FloatVector.fromArray(S, b, bOff + j);
      for (int r = 0, at = j; r < n; r++, at += out) {
        FloatVector.fromArray(S, y, at).add(bv).intoArray(y, at);
      }
    }
    ScalarElementwise.addBias(y, n, out, b, bOff, upper);
  }

  @Override
  void biasGrad(float[] dy, int n, int out, float[] g, int bOff) {
    int lanes = S.length();
    int upper = S.loopBound(out);
    for (int j = 0; j < upper; j += lanes) {
      FloatVector acc = FloatVector.fromArray(S, g, bOff + j);
      for (int r = 0, at = j; r < n; r++, at += out) {
        acc = acc.add(FloatVector.fromArray(S, dy, at)); // rows in order, as the scalar loop
      }
      acc.intoArray(g, bOff + j);
    }
    ScalarElementwise.biasGrad(dy, n, out, g, bOff, upper);
  }

  @Override
  double sumOfSquares(float[] a) {
    int lanes = S.length();
    int w = SUM_LANES;
    int upper = a.length - a.length % w;
    float[] acc = new float[w];
    if (w % lanes != 0) {
      return new ScalarElementwise().sumOfSquares(a);
    }
    // w / lanes vectors side by side hold accumulators 0..w-1: the same per-lane order whatever
    // the vector width, and the scalar path's.
    for (int k = 0; k < w; k += lanes) {
      FloatVector s = FloatVector.zero(S);
      for (int i = k; i < upper; i += w) {
        FloatVector v = FloatVector.fromArray(S, a, i);
        s = v.fma(v, s);
      }
      s.intoArray(acc, k);
    }
    return sumOfSquaresEnd(acc, a, upper);
  }

  @Override
  void unitBytes(byte[] src, int sOff, float[] dst, int dOff, int n) {
    int lanes = S.length();
    int upper = BYTES == null ? 0 : S.loopBound(n);
    int i = 0;
    for (; i < upper; i += lanes) {
      IntVector v =
          (IntVector)
              ByteVector.fromArray(BYTES, src, sOff + i).convertShape(VectorOperators.B2I, INTS, 0);
      ((FloatVector) v.and(0xFF).convert(VectorOperators.I2F, 0))
          .div(255f)
          .intoArray(dst, dOff + i);
    }
    for (; i < n; i++) {
      dst[dOff + i] = (src[sOff + i] & 0xFF) / 255f;
    }
  }
}
