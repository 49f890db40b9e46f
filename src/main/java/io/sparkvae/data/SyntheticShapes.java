// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import io.sparkvae.kernel.Rng;

/**
 * A deterministic synthetic image data set for benchmarks: 28×28 8-bit grayscale images of ten
 * kinds of shape (disc, ring, square, frame, bars, cross, X, triangle, two blobs) at random
 * positions, sizes and brightness, with soft (anti-aliased) edges on a black background, like
 * MNIST-family data. Image {@code id} depends only on (seed, id): any partitioning of the ids
 * yields the same bytes, and a VAE has real structure to learn.
 */
public final class SyntheticShapes {
  public static final int SIZE = 28;
  public static final int PIXELS = SIZE * SIZE;
  public static final int CLASSES = 10;

  /** Random-stream purpose, so these draws never coincide with training's streams. */
  private static final long PURPOSE = 0x5348_4150_4553L; // "SHAPES"

  private SyntheticShapes() {}

  /** Draws image {@code id} into {@code out[off..off+784)} and returns its class (0..9). */
  public static int render(long seed, long id, byte[] out, int off) {
    Rng rng = Rng.keyed(seed, PURPOSE, id, 0, 0);
    int kind = rng.nextInt(CLASSES);
    double cx = 9.5 + 9 * rng.nextDouble();
    double cy = 9.5 + 9 * rng.nextDouble();
    double r = 4.5 + 4 * rng.nextDouble();
    double t = 1.2 + 1.3 * rng.nextDouble(); // stroke width
    double peak = 170 + 85 * rng.nextDouble();
    double angle = (rng.nextDouble() - 0.5) * 0.6; // a slight rotation
    double cos = StrictMath.cos(angle);
    double sin = StrictMath.sin(angle);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        double px = x + 0.5 - cx;
        double py = y + 0.5 - cy;
        double dx = cos * px + sin * py;
        double dy = -sin * px + cos * py;
        double d = distance(kind, dx, dy, r, t);
        // Coverage of a one-pixel ramp across the edge: 1 inside, 0 outside.
        double cover = Math.max(0, Math.min(1, 0.5 - d));
        out[off + y * SIZE + x] = (byte) (int) Math.round(peak * cover);
      }
    }
    return kind;
  }

  /** Signed distance (negative inside) from (dx, dy) to a shape of kind {@code kind}. */
  private static double distance(int kind, double dx, double dy, double r, double t) {
    double ax = Math.abs(dx);
    double ay = Math.abs(dy);
    double len = Math.sqrt(dx * dx + dy * dy);
    switch (kind) {
      case 0: // disc
        return len - r;
      case 1: // ring
        return Math.abs(len - r + t / 2) - t / 2;
      case 2: // filled square
        return Math.max(ax, ay) - r * 0.85;
      case 3: // square frame
        return Math.abs(Math.max(ax, ay) - r * 0.85 + t / 2) - t / 2;
      case 4: // horizontal bar
        return Math.max(ax - r, ay - t);
      case 5: // vertical bar
        return Math.max(ay - r, ax - t);
      case 6: // plus
        return Math.min(Math.max(ax - r, ay - t / 2 - 0.3), Math.max(ay - r, ax - t / 2 - 0.3));
      case 7:
        { // X: the two diagonals, inside a square of half-size r
          double diag = Math.min(Math.abs(dx - dy), Math.abs(dx + dy)) / Math.sqrt(2) - t / 2 - 0.3;
          return Math.max(diag, Math.max(ax, ay) - r * 0.8);
        }
      case 8:
        { // triangle pointing up
          double base = dy - r * 0.6;
          double side = (ax * 0.866 - dy * 0.5) - r * 0.5;
          return Math.max(base, side);
        }
      default:
        { // two blobs side by side
          double o = r * 0.55;
          double b1 = Math.sqrt((dx - o) * (dx - o) + dy * dy) - r * 0.45;
          double b2 = Math.sqrt((dx + o) * (dx + o) + dy * dy) - r * 0.45;
          return Math.min(b1, b2);
        }
    }
  }
}
