// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * The few elementwise loops that cost as much as the matrix products: the Bernoulli likelihood (an
 * exp and a log per pixel) and the Adam update (a sqrt and a division per parameter).
 *
 * <p>Two implementations: {@code VectorElementwise} on the JDK's Vector API (SIMD; 15× faster than
 * scalar {@link Math#exp} on the likelihood loop, measured), and a scalar fallback for JVMs started
 * without {@code --add-modules=jdk.incubator.vector}. Spark's own launcher adds that flag to every
 * driver and executor, and so do our scripts.
 *
 * <p>Reproducibility: exp and log are computed here from IEEE add, multiply, divide and fused
 * multiply-add only ({@link #expNonPositive}, {@link #log1pUnit}), never with the Vector API's
 * EXP/LOG, whose results differ between the interpreted and the JIT-compiled code (so a cold and a
 * warm JVM would train different models). Both paths run the same operations per element, so
 * gradients and parameters are bit-identical whichever path runs; only the per-row loss sums, which
 * are reported and never fed back, are added in a different (fixed) order.
 */
abstract class Elementwise {
  static final Elementwise INSTANCE = pick();

  private static Elementwise pick() {
    if (!Boolean.getBoolean("sparkvae.scalar")
        && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        return (Elementwise)
            Class.forName("io.sparkvae.kernel.VectorElementwise")
                .getDeclaredConstructor()
                .newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        // fall through to the scalar path
      }
    }
    return new ScalarElementwise();
  }

  /** "vector(512-bit)" or "scalar". */
  abstract String name();

  /**
   * One row of the Bernoulli likelihood from logits {@code out[ob..ob+dim)} and targets {@code
   * x[xb..xb+dim)}: returns Σ softplus(l) − x·l; when {@code withGrad}, overwrites the logits with
   * {@code (sigmoid(l) − x) · scale}, flushed to zero below {@link Kernel#FLUSH}.
   */
  abstract double bernoulliRow(
      float[] out, int ob, float[] x, int xb, int dim, boolean withGrad, float scale);

  /**
   * Adam over all n parameters for the gradient {@code grad · gradScale}, with moments m =
   * state[0..n), v = state[n..2n) flushed below {@link Kernel#FLUSH}. With {@code clear}, also
   * zeroes {@code grad} in the same pass (the next step's sum starts from it).
   */
  abstract void adam(
      float[] params,
      float[] grad,
      float gradScale,
      float[] state,
      float b1,
      float b2,
      float stepSize,
      float invSqrtBc2,
      float eps,
      boolean clear);

  /**
   * ReLU in place on {@code a[0..n)}: {@code a > 0 ? a : 0}, or {@code a > 0 ? a : leak·a} when
   * {@code leaky}.
   */
  abstract void relu(float[] a, int n, boolean leaky, float leak);

  /**
   * ReLU's backward from the outputs {@code a}: {@code out = a > 0 ? flush(g) : 0}, or {@code
   * flush(a > 0 ? g : leak·g)} when {@code leaky}; {@code out} may be {@code a}.
   */
  abstract void reluBackward(float[] a, float[] g, float[] out, int n, boolean leaky, float leak);

  /** Adds {@code b[bOff..bOff+out)} to every row of {@code y[n×out]}. */
  abstract void addBias(float[] y, int n, int out, float[] b, int bOff);

  /** {@code g[bOff + j] += dy[r][j]} for r = 0, 1, … in that order. */
  abstract void biasGrad(float[] dy, int n, int out, float[] g, int bOff);

  /** Σ a[i]², accumulated in a fixed order for this implementation. */
  abstract double sumOfSquares(float[] a);

  /**
   * Accumulators of {@link #sumOfSquares}: element i of each full block of this many goes to
   * accumulator i mod SUM_LANES by a float fused multiply-add, whatever the hardware's vector width
   * (16 floats is 512 bits; 256-bit vectors take two side by side). A clipped step's scale comes
   * from this sum, so its bits must not depend on the machine's vector width.
   */
  static final int SUM_LANES = 16;

  /** The accumulators in order, then the elements from {@code from} on, all in double. */
  static double sumOfSquaresEnd(float[] acc, float[] a, int from) {
    double s = 0;
    for (float v : acc) {
      s += v;
    }
    for (int i = from; i < a.length; i++) {
      s += (double) a[i] * a[i];
    }
    return s;
  }

  /** {@code dst[dOff + i] = (src[sOff + i] & 0xFF) / 255f}: 8-bit pixels as floats in [0, 1]. */
  abstract void unitBytes(byte[] src, int sOff, float[] dst, int dOff, int n);

  static final float LOG2E = 1.44269504f;
  static final float LN2_HI = 0.693145752f;
  static final float LN2_LO = 1.42860677e-6f;

  /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer. */
  static final float ROUND = 12582912f;

  static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

  /** exp(r) on [−ln2/2, ln2/2]: Taylor coefficients 1/k! for k = 7..0 (error < 6e-9). */
  static final float[] EXP_C = {1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};

  /** 2·atanh(s) = 2s·Σ s^(2k)/(2k+1): coefficients 1/17 .. 1/3, then 1 (s ≤ 1/3: error < 3e-9). */
  static final float[] LOG_C = {
    1f / 17, 1f / 15, 1f / 13, 1f / 11, 1f / 9, 1f / 7, 1f / 5, 1f / 3, 1f
  };

  /**
   * e^x for x ≤ 0 (0 below −87, where the result would be subnormal): x = n·ln2 + r, e^x = 2^n ·
   * e^r with a degree-7 polynomial for e^r.
   */
  static float expNonPositive(float x) {
    if (x < -87f) {
      return 0f;
    }
    float t = x * LOG2E + ROUND;
    float n = t - ROUND;
    int ni = Float.floatToRawIntBits(t) - ROUND_BITS;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = EXP_C[0];
    for (int k = 1; k < EXP_C.length; k++) {
      p = Math.fma(p, r, EXP_C[k]);
    }
    return p * Float.intBitsToFloat((ni + 127) << 23);
  }

  /** log(1 + e) for e in [0, 1], as 2·atanh(e / (2 + e)) (the argument is at most 1/3). */
  static float log1pUnit(float e) {
    float s = e / (e + 2f);
    float s2 = s * s;
    float q = LOG_C[0];
    for (int k = 1; k < LOG_C.length; k++) {
      q = Math.fma(q, s2, LOG_C[k]);
    }
    return (s + s) * q;
  }

  /** The implementation in use, for logs. */
  static String current() {
    return INSTANCE.name();
  }
}
