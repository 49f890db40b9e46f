// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.io.Serializable;

/**
 * The sizes of one 2-D convolution, seen from its large side: an {@code h × w × cLarge} image
 * convolved with {@code k × k} filters at stride {@code s} and padding {@code p} gives an {@code oh
 * × ow × cSmall} image, {@code oh = ⌊(h + 2p − k)/s⌋ + 1}. A {@link Conv2d} maps large to small; a
 * {@link ConvTranspose2d} with the same geometry maps small to large and is the convolution's exact
 * adjoint.
 *
 * <p>Images are stored channels-last (row-major, a pixel's channels next to each other), the layout
 * of the data's rows, so a convolution's output rows {@code (image, y, x)} times its {@code cSmall}
 * channels are one matrix and its bias is a row vector, as for a dense layer.
 */
public record ConvGeometry(int h, int w, int cLarge, int cSmall, int k, int s, int p)
    implements Serializable {
  public ConvGeometry {
    if (h < 1 || w < 1 || cLarge < 1 || cSmall < 1 || k < 1 || s < 1 || p < 0) {
      throw new IllegalArgumentException("invalid convolution " + describe(h, w, cLarge, k, s, p));
    }
    if (p >= k) {
      throw new IllegalArgumentException("padding " + p + " must be smaller than kernel " + k);
    }
    if (h + 2 * p < k || w + 2 * p < k) {
      throw new IllegalArgumentException(
          "a " + k + "×" + k + " kernel does not fit a " + h + "×" + w + " image padded by " + p);
    }
  }

  private static String describe(int h, int w, int c, int k, int s, int p) {
    return h + "×" + w + "×" + c + " k" + k + " s" + s + " p" + p;
  }

  public int oh() {
    return (h + 2 * p - k) / s + 1;
  }

  public int ow() {
    return (w + 2 * p - k) / s + 1;
  }

  /** Whether the transposed convolution gives back exactly {@code h × w} from {@code oh × ow}. */
  public boolean invertible() {
    return (h + 2 * p - k) % s == 0 && (w + 2 * p - k) % s == 0;
  }

  /** Floats of the large side, per image. */
  public int largeSize() {
    return h * w * cLarge;
  }

  /** Floats of the small side, per image. */
  public int smallSize() {
    return oh() * ow() * cSmall;
  }

  /** Columns of the im2col matrix: {@code cLarge · k · k}. */
  public int patch() {
    return cLarge * k * k;
  }

  /** Rows of the im2col matrix per image: {@code oh · ow}. */
  public int positions() {
    return oh() * ow();
  }

  /**
   * Unfolds {@code rows} large-side images at {@code x[xOff..]} into {@code cols}: one row per
   * output position {@code (image, y, x)}, one column per filter tap {@code (ky, kx, c)}, zero
   * where the tap falls in the padding. With channels-last images, a kernel row's taps are one
   * contiguous run of {@code k · cLarge} floats, so the unfolding is a series of array copies; the
   * filters are permuted to the same tap order ({@link #toTapOrder}).
   */
  void im2col(float[] x, int xOff, int rows, float[] cols) {
    int oh = oh();
    int ow = ow();
    int run = k * cLarge;
    int patch = k * run;
    int q = 0;
    for (int r = 0; r < rows; r++) {
      int img = xOff + r * h * w * cLarge;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++, q += patch) {
          int ix0 = ox * s - p;
          int lo = Math.max(0, -ix0);
          int hi = Math.min(k, w - ix0);
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * s - p + ky;
            int dst = q + ky * run;
            if (iy < 0 || iy >= h || hi <= lo) {
              java.util.Arrays.fill(cols, dst, dst + run, 0f);
              continue;
            }
            if (lo > 0) {
              java.util.Arrays.fill(cols, dst, dst + lo * cLarge, 0f);
            }
            copy(
                x, img + (iy * w + ix0 + lo) * cLarge, cols, dst + lo * cLarge, (hi - lo) * cLarge);
            if (hi < k) {
              java.util.Arrays.fill(cols, dst + hi * cLarge, dst + run, 0f);
            }
          }
        }
      }
    }
  }

  /** A plain loop for the short runs of few-channel images, where arraycopy's call costs more. */
  private static void copy(float[] from, int f, float[] to, int t, int len) {
    if (len >= 32) {
      System.arraycopy(from, f, to, t, len);
    } else {
      for (int i = 0; i < len; i++) {
        to[t + i] = from[f + i];
      }
    }
  }

  /**
   * The adjoint of {@link #im2col}: overwrites the {@code rows} large-side images at {@code
   * y[yOff..]} with the sum, per pixel, of the columns that read it.
   */
  void col2im(float[] cols, int rows, float[] y, int yOff) {
    int oh = oh();
    int ow = ow();
    int run = k * cLarge;
    int patch = k * run;
    java.util.Arrays.fill(y, yOff, yOff + rows * largeSize(), 0f);
    int q = 0;
    for (int r = 0; r < rows; r++) {
      int img = yOff + r * h * w * cLarge;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++, q += patch) {
          int ix0 = ox * s - p;
          int lo = Math.max(0, -ix0) * cLarge;
          int hi = Math.min(k, w - ix0) * cLarge;
          for (int ky = 0; ky < k; ky++) {
            int iy = oy * s - p + ky;
            if (iy < 0 || iy >= h) {
              continue;
            }
            int src = q + ky * run;
            int dst = img + (iy * w + ix0) * cLarge;
            for (int j = lo; j < hi; j++) {
              y[dst + j] += cols[src + j];
            }
          }
        }
      }
    }
  }

  /**
   * Copies filters from PyTorch's order {@code [cSmall, cLarge, k, k]} at {@code w[off..]} to the
   * unfolding's tap order {@code [cSmall, k, k, cLarge]} in {@code to[0..]}.
   */
  void toTapOrder(float[] w, int off, float[] to) {
    int kk = k * k;
    for (int o = 0; o < cSmall; o++) {
      int base = o * cLarge * kk;
      for (int c = 0; c < cLarge; c++) {
        for (int t = 0; t < kk; t++) {
          to[base + t * cLarge + c] = w[off + base + c * kk + t];
        }
      }
    }
  }

  /** Adds filters in tap order, {@code from[0..]}, into PyTorch's order at {@code g[off..]}. */
  void addFromTapOrder(float[] from, float[] g, int off) {
    int kk = k * k;
    for (int o = 0; o < cSmall; o++) {
      int base = o * cLarge * kk;
      for (int c = 0; c < cLarge; c++) {
        for (int t = 0; t < kk; t++) {
          g[off + base + c * kk + t] += from[base + t * cLarge + c];
        }
      }
    }
  }

  /** Images per im2col chunk: the scratch matrix stays under about 16 MB whatever the batch. */
  int chunkRows() {
    return Math.max(1, (4 << 20) / (positions() * patch()));
  }

  @Override
  public String toString() {
    return describe(h, w, cLarge, k, s, p) + " ↔ " + oh() + "×" + ow() + "×" + cSmall;
  }
}
