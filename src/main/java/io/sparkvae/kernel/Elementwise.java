package io.sparkvae.kernel;

/**
 * The few elementwise loops that cost as much as the matrix products: the Bernoulli likelihood
 * (an exp and a log per pixel) and the Adam update (a sqrt and a division per parameter).
 *
 * <p>Two implementations: {@code VectorElementwise} on the JDK's Vector API, whose exp, log and
 * sqrt compile to SIMD (15× faster than scalar {@link Math#exp} on this loop, measured), and a
 * scalar fallback for JVMs started without {@code --add-modules=jdk.incubator.vector}. Spark's own
 * launcher adds that flag to every driver and executor, and so do our scripts. Each path is
 * deterministic; the two differ in the last bits, so bit-identical replays need the same path
 * (the chosen one is logged with the BLAS line).
 */
abstract class Elementwise {
  static final Elementwise INSTANCE = pick();

  private static Elementwise pick() {
    if (!Boolean.getBoolean("sparkvae.scalar")
        && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      try {
        return (Elementwise) Class.forName("io.sparkvae.kernel.VectorElementwise")
            .getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        // fall through to the scalar path
      }
    }
    return new ScalarElementwise();
  }

  /** "vector(512-bit)" or "scalar". */
  abstract String name();

  /**
   * One row of the Bernoulli likelihood from logits {@code out[ob..ob+dim)} and targets
   * {@code x[xb..xb+dim)}: returns Σ softplus(l) − x·l; when {@code withGrad}, overwrites the
   * logits with {@code (sigmoid(l) − x) · scale}, flushed to zero below {@link Kernel#FLUSH}.
   */
  abstract double bernoulliRow(float[] out, int ob, float[] x, int xb, int dim, boolean withGrad,
      float scale);

  /**
   * Adam over all n parameters for the gradient {@code grad · gradScale}, with moments m =
   * state[0..n), v = state[n..2n) flushed below {@link Kernel#FLUSH}.
   */
  abstract void adam(float[] params, float[] grad, float gradScale, float[] state, float b1,
      float b2, float stepSize, float invSqrtBc2, float eps);

  /** Σ a[i]², accumulated in a fixed order for this implementation. */
  abstract double sumOfSquares(float[] a);

  /** The implementation in use, for logs. */
  static String current() {
    return INSTANCE.name();
  }
}
