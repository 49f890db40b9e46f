// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * A small, fully specified random generator (SplitMix64) whose streams are keyed by integers.
 *
 * <p>Every random draw in training comes from a stream keyed by (seed, purpose, epoch, partition,
 * step), never from a shared generator. A retried task, a resumed run or a different thread
 * schedule therefore draws exactly the same numbers. The Gaussian transform uses {@link StrictMath}
 * so the draws are bit-identical on every JVM, not only on this one.
 */
public final class Rng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** A stream keyed by a seed and four integers (purpose, epoch, partition, step, for example). */
  public static Rng keyed(long seed, long a, long b, long c, long d) {
    long h = mix(seed + GOLDEN);
    h = mix(h ^ mix(a + 1 * GOLDEN));
    h = mix(h ^ mix(b + 2 * GOLDEN));
    h = mix(h ^ mix(c + 3 * GOLDEN));
    h = mix(h ^ mix(d + 4 * GOLDEN));
    return new Rng(h);
  }

  /** Re-keys this instance in place; the hot loop uses it to avoid an allocation per step. */
  public Rng rekey(long seed, long a, long b, long c, long d) {
    this.state = keyed(seed, a, b, c, d).state;
    return this;
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform integer in [0, bound), without modulo bias (Lemire's method with rejection). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Fills {@code out[off..off+n)} with standard normal draws (Box-Muller, StrictMath). */
  public void fillGaussian(float[] out, int off, int n) {
    int i = 0;
    while (i < n) {
      double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
      double u2 = nextDouble();
      double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
      double t = 2.0 * Math.PI * u2;
      out[off + i++] = (float) (r * StrictMath.cos(t));
      if (i < n) {
        out[off + i++] = (float) (r * StrictMath.sin(t));
      }
    }
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates), written into {@code perm}. */
  public void permutation(int[] perm, int n) {
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  }
}
