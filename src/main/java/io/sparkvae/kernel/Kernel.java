// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import dev.ludovic.netlib.blas.BLAS;

/**
 * Shared numerics: the BLAS instance and row-major matrix products on top of the column-major API.
 *
 * <p>All matrices are row-major {@code float[]} slices. A row-major {@code r × c} matrix is the
 * column-major {@code c × r} matrix (its transpose), so every product below is the transposed
 * product with operands swapped.
 */
public final class Kernel {
  /**
   * Gradients and optimizer moments smaller than this are stored as zero. The JVM has no
   * flush-to-zero mode, and denormal floats make x86 arithmetic many times slower; at this size a
   * value has no measurable effect on an update.
   */
  public static final float FLUSH = 1e-20f;

  private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

  private Kernel() {}

  public static BLAS blas() {
    return BLAS_INSTANCE;
  }

  /** The elementwise implementation in use (Vector API or scalar), for logs and provenance. */
  public static String elementwise() {
    return Elementwise.current();
  }

  static float flush(float v) {
    return Math.abs(v) < FLUSH ? 0f : v;
  }

  /**
   * {@code Y[n×out] = X[n×in] · Wᵀ} where W is row-major {@code out × in} (PyTorch's {@code
   * nn.Linear} layout) at {@code w[wOff..]}.
   */
  public static void linearForward(
      float[] x, int n, int in, float[] w, int wOff, int out, float[] y) {
    linearForward(x, 0, n, in, w, wOff, out, y, 0);
  }

  /** {@link #linearForward(float[], int, int, float[], int, int, float[])} at offsets. */
  static void linearForward(
      float[] x, int xOff, int n, int in, float[] w, int wOff, int out, float[] y, int yOff) {
    long t = StepProfile.start();
    linearForward(x, xOff, n, in, w, wOff, out, y, yOff, swappedForward(n, in, out));
    StepProfile.gemmDone(t, out, n, in);
  }

  /**
   * Whether the forward product of a step of {@code n} rows runs with its operands swapped. With
   * few rows and a large weight matrix, OpenBLAS 0.3.21 computes {@code X · Wᵀ} into a column-major
   * result about a third faster than {@code W · Xᵀ} into a row-major one, transpose back included
   * (16 rows, 784 × 400, SkylakeX kernels: 71 against 103 µs); from about 48 rows on little is left
   * (performance-history.md, "The forward product's operands").
   */
  static boolean swappedForward(int n, int in, int out) {
    return n <= SWAPPED_FORWARD_MAX_ROWS && (long) in * out >= SWAPPED_FORWARD_MIN_WEIGHTS;
  }

  static final int SWAPPED_FORWARD_MAX_ROWS = 32;
  static final long SWAPPED_FORWARD_MIN_WEIGHTS = 65_536;

  /** The forward product in the formulation {@code swapped} names; both compute the same sums. */
  static void linearForward(
      float[] x,
      int xOff,
      int n,
      int in,
      float[] w,
      int wOff,
      int out,
      float[] y,
      int yOff,
      boolean swapped) {
    if (!swapped) {
      BLAS_INSTANCE.sgemm("T", "N", out, n, in, 1f, w, wOff, in, x, xOff, in, 0f, y, yOff, out);
      return;
    }
    float[] yt = scratch(n * out);
    BLAS_INSTANCE.sgemm("T", "N", n, out, in, 1f, x, xOff, in, w, wOff, in, 0f, yt, 0, n);
    for (int j = 0; j < out; j++) { // yt is out × n row-major: row j is output column j
      int s = j * n;
      for (int i = 0, d = yOff + j; i < n; i++, d += out) {
        y[d] = yt[s + i];
      }
    }
  }

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  /** This thread's scratch array of at least {@code size} floats, kept between calls. */
  private static float[] scratch(int size) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    return holder[0];
  }

  /** {@code dW[out×in] += dYᵀ · X}. */
  public static void linearWeightGrad(
      float[] x, int n, int in, float[] dy, int out, float[] g, int wOff) {
    linearWeightGrad(x, 0, n, in, dy, 0, out, g, wOff);
  }

  /** {@link #linearWeightGrad(float[], int, int, float[], int, float[], int)} at offsets. */
  static void linearWeightGrad(
      float[] x, int xOff, int n, int in, float[] dy, int dyOff, int out, float[] g, int wOff) {
    long t = StepProfile.start();
    BLAS_INSTANCE.sgemm("N", "T", in, out, n, 1f, x, xOff, in, dy, dyOff, out, 1f, g, wOff, in);
    StepProfile.gemmDone(t, in, out, n);
  }

  /** {@code dX[n×in] = dY[n×out] · W}. */
  public static void linearInputGrad(
      float[] dy, int n, int out, float[] w, int wOff, int in, float[] dx) {
    linearInputGrad(dy, 0, n, out, w, wOff, in, dx, 0);
  }

  /** {@link #linearInputGrad(float[], int, int, float[], int, int, float[])} at offsets. */
  static void linearInputGrad(
      float[] dy, int dyOff, int n, int out, float[] w, int wOff, int in, float[] dx, int dxOff) {
    long t = StepProfile.start();
    BLAS_INSTANCE.sgemm("N", "N", in, n, out, 1f, w, wOff, in, dy, dyOff, out, 0f, dx, dxOff, in);
    StepProfile.gemmDone(t, in, n, out);
  }

  /**
   * Row-major {@code C[m×n] = op(A)·op(B)}, op a transpose when its flag is set: the same call as
   * the products above, for benchmarking their shapes alone.
   */
  public static void gemm(
      boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
    BLAS_INSTANCE.sgemm(
        transB ? "T" : "N",
        transA ? "T" : "N",
        n,
        m,
        k,
        1f,
        b,
        0,
        transB ? k : n,
        a,
        0,
        transA ? m : k,
        0f,
        c,
        0,
        n);
  }

  /** Adds bias {@code b[bOff..bOff+out)} to every row of {@code y[n×out]}. */
  static void addBias(float[] y, int n, int out, float[] b, int bOff) {
    Elementwise.INSTANCE.addBias(y, n, out, b, bOff);
  }

  /** {@code db[out] += Σ_rows dY}, row by row. */
  static void biasGrad(float[] dy, int n, int out, float[] g, int bOff) {
    Elementwise.INSTANCE.biasGrad(dy, n, out, g, bOff);
  }
}
