// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import io.sparkvae.kernel.Rng;
import java.util.List;
import java.util.Locale;

/**
 * A procedural data set of square RGB images with known factors of variation, in the spirit of
 * dSprites and 3D Shapes (the usual test beds for VAEs and disentanglement): one coloured shape on
 * a dark coloured background. Every image is drawn from seven factors, each stored beside it as a
 * label:
 *
 * <ul>
 *   <li><b>shape</b>, 0..5: cross, disc, heart, square, star, triangle (numbered in the names'
 *       alphabetical order, as image folders number their class folders);
 *   <li><b>x</b>, <b>y</b> in [0.2, 0.8): the centre, as a fraction of the width from the left and
 *       of the height from the top;
 *   <li><b>scale</b> in [0.1, 0.2): the radius of the circle the shape fits in, as a fraction of
 *       the side (6.4 to 12.8 pixels at size 64), so every shape lies wholly inside the image;
 *   <li><b>rotation</b> in [0, 360) degrees, counter-clockwise as seen; the shapes' symmetries make
 *       it visible only modulo 90° (cross, square), 120° (triangle) or 72° (star), and not at all
 *       on the disc;
 *   <li><b>hue</b> in [0, 1): the shape's colour, HSV(hue, 1, 1), fully saturated and bright;
 *   <li><b>background</b> in [0, 1): the background's hue, HSV(background, 0.5, 0.4), muted and
 *       dark so that the shape always stands out.
 * </ul>
 *
 * <p>Image {@code id} depends only on (seed, id), through a random stream keyed by both, so any
 * partitioning of the ids gives the same images. The drawing uses {@link StrictMath} for the only
 * transcendental function (the rotation's sine and cosine) and otherwise plain IEEE arithmetic, so
 * the bytes are the same on every JVM. The factors are resolution independent: size 32 draws the
 * same scenes as size 64, at half the resolution.
 *
 * <p>Edges are anti-aliased by 8×8 supersampling, but only where an edge can be: every shape is
 * described by a function that is negative inside, positive outside and changes by at most the
 * distance moved (built from exact distances to lines and circles with min and max), so its value
 * at a pixel's centre bounds the distance to the outline. A pixel farther than half its diagonal
 * from any edge is flat colour; only the pixels along the outline take 64 samples (at size 64, on
 * average 62 of the 4,096 come out as mixtures of the two colours). Pixels outside the square
 * around the shape's circle are not visited at all. One thread draws 14,000 to 23,000 64×64 images
 * per CPU second (src/site/markdown/inputs.md, Generated colour shapes).
 */
public final class ColourShapes {
  public static final int DEFAULT_SIZE = 64;

  /** Smaller, and the smallest shapes would be a pixel or two across. */
  public static final int MIN_SIZE = 16;

  /** Larger rows (3 MB at 1024) stop being practical rows of a table. */
  public static final int MAX_SIZE = 1024;

  /** The shape names, sorted, so that label k is the k-th class folder of an image folder. */
  public static final List<String> SHAPES =
      List.of("cross", "disc", "heart", "square", "star", "triangle");

  public static final double MIN_POSITION = 0.2;
  public static final double MAX_POSITION = 0.8;
  public static final double MIN_SCALE = 0.1;
  public static final double MAX_SCALE = 0.2;

  /** Saturation and value of the background colour (the foreground has 1 and 1). */
  public static final double BACKGROUND_SATURATION = 0.5;

  public static final double BACKGROUND_VALUE = 0.4;

  /** Random-stream purpose, so these draws never coincide with other streams of the same seed. */
  private static final long PURPOSE = 0x434F_4C53_4850L; // "COLSHP"

  /** Samples per pixel side on an edge. */
  private static final int SUPERSAMPLE = 8;

  private static final int SAMPLES = SUPERSAMPLE * SUPERSAMPLE;

  /** Half a pixel's diagonal: a pixel whose centre is farther than this from an edge is flat. */
  private static final double HALF_DIAGONAL = 0.7072;

  // The outlines, in units of the shape's radius (every shape fits in the unit circle).
  private static final double DISC_RADIUS = 0.8;
  private static final double SQUARE_HALF_SIDE = 0.68;
  private static final double CROSS_ARM = 0.9;
  private static final double CROSS_HALF_WIDTH = 0.3;
  private static final double ROOT_HALF = StrictMath.sqrt(0.5);

  /**
   * The heart: a diamond (a square on its corner) of half-diagonal {@code HEART_H} with a disc on
   * each upper side, moved down so its top and bottom are equally far from the centre.
   */
  private static final double HEART_H = 0.74;

  private static final double HEART_DROP = -(ROOT_HALF - 0.5) * HEART_H / 2;
  private static final double HEART_LOBE_R = HEART_H * ROOT_HALF;

  /** The star: five points of radius 1, the notches between them at radius 0.45. */
  private static final double STAR_INNER = 0.45;

  /** The unit vector at -36°: reflecting across the lines it is normal to folds the star. */
  private static final double FOLD_X = StrictMath.cos(StrictMath.toRadians(36));

  private static final double FOLD_Y = -StrictMath.sin(StrictMath.toRadians(36));

  /** From the top point (0, 1) to the notch on its right, at radius STAR_INNER and 54°. */
  private static final double STAR_EDGE_X = -FOLD_Y * STAR_INNER;

  private static final double STAR_EDGE_Y = FOLD_X * STAR_INNER - 1;

  private static final double SIN60 = StrictMath.sqrt(3) / 2;

  private ColourShapes() {}

  /**
   * One image's factors; see the class comment for their ranges. {@link #factors} draws them within
   * those ranges; {@link #render(Factors, int, byte[], int)} draws any finite values.
   */
  public record Factors(
      int shape, double x, double y, double scale, double rotation, double hue, double background) {
    public Factors {
      if (shape < 0 || shape >= SHAPES.size()) {
        throw new IllegalArgumentException(
            "shape must lie in 0.." + (SHAPES.size() - 1) + ", got " + shape);
      }
      double[] all = {x, y, scale, rotation, hue, background};
      for (double d : all) {
        if (!Double.isFinite(d)) {
          // Not "+ this": the fields are only set when this constructor ends.
          throw new IllegalArgumentException(
              "factors must be finite, got x, y, scale, rotation, hue, background = "
                  + java.util.Arrays.toString(all));
        }
      }
      if (scale <= 0) {
        throw new IllegalArgumentException("scale must be positive, got " + scale);
      }
    }

    public String shapeName() {
      return SHAPES.get(shape);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s at (%.3f, %.3f), scale %.3f, rotation %.1f°, hue %.3f, background %.3f",
          shapeName(),
          x,
          y,
          scale,
          rotation,
          hue,
          background);
    }
  }

  /** The factors of image {@code id}: uniform over the documented ranges, from (seed, id) alone. */
  public static Factors factors(long seed, long id) {
    Rng rng = Rng.keyed(seed, PURPOSE, id, 0, 0);
    // The order of the draws is part of the data set's definition: do not reorder.
    int shape = rng.nextInt(SHAPES.size());
    double x = MIN_POSITION + (MAX_POSITION - MIN_POSITION) * rng.nextDouble();
    double y = MIN_POSITION + (MAX_POSITION - MIN_POSITION) * rng.nextDouble();
    double scale = MIN_SCALE + (MAX_SCALE - MIN_SCALE) * rng.nextDouble();
    double rotation = 360 * rng.nextDouble();
    double hue = rng.nextDouble();
    double background = rng.nextDouble();
    return new Factors(shape, x, y, scale, rotation, hue, background);
  }

  /**
   * Draws image {@code id} of {@code seed} into {@code out[off..off+3·size²)} and returns its
   * factors.
   */
  public static Factors render(long seed, long id, int size, byte[] out, int off) {
    Factors f = factors(seed, id);
    render(f, size, out, off);
    return f;
  }

  /**
   * Draws the image of {@code f} as {@code size × size} 8-bit RGB pixels, row-major and interleaved
   * (the layout of the loaders' {@code binary} features), into {@code out[off..off+3·size²)}.
   */
  public static void render(Factors f, int size, byte[] out, int off) {
    if (size < 1 || off < 0 || out.length - off < 3L * size * size) {
      throw new IllegalArgumentException(
          "need "
              + 3L * size * size
              + " bytes from offset "
              + off
              + ", have "
              + (out.length - off));
    }
    int[] fg = rgb(f.hue(), 1, 1);
    int[] bg = rgb(f.background(), BACKGROUND_SATURATION, BACKGROUND_VALUE);
    double radius = f.scale() * size; // pixels per shape unit
    double unit = 1 / radius; // shape units per pixel
    double cx = f.x() * size;
    double cy = f.y() * size;
    double theta = f.rotation() * (Math.PI / 180);
    double cos = StrictMath.cos(theta);
    double sin = StrictMath.sin(theta);
    // Shape coordinates (u, v) have v pointing up; turning them by -theta turns the shape by
    // +theta, counter-clockwise on the screen. One pixel right, and one pixel down, move (u, v) by:
    double rightU = cos * unit;
    double rightV = -sin * unit;
    double downU = -sin * unit;
    double downV = -cos * unit;
    double edge = HALF_DIAGONAL * unit;
    // Where the samples of a pixel lie, in shape units from its centre: an 8×8 grid.
    double[] sampleU = new double[SAMPLES];
    double[] sampleV = new double[SAMPLES];
    for (int sy = 0; sy < SUPERSAMPLE; sy++) {
      double oy = (sy + 0.5) / SUPERSAMPLE - 0.5;
      for (int sx = 0; sx < SUPERSAMPLE; sx++) {
        double ox = (sx + 0.5) / SUPERSAMPLE - 0.5;
        sampleU[sy * SUPERSAMPLE + sx] = ox * rightU + oy * downU;
        sampleV[sy * SUPERSAMPLE + sx] = ox * rightV + oy * downV;
      }
    }
    double reach = (1 + edge) * (1 + edge);
    // The background first, one row copied down the image; then only the pixels of the square
    // around the circle every shape fits in are drawn, a tenth of them on average.
    for (int px = 0; px < size; px++) {
      out[off + 3 * px] = (byte) bg[0];
      out[off + 3 * px + 1] = (byte) bg[1];
      out[off + 3 * px + 2] = (byte) bg[2];
    }
    for (int py = 1; py < size; py++) {
      System.arraycopy(out, off, out, off + 3 * size * py, 3 * size);
    }
    double box = radius + HALF_DIAGONAL + 1;
    int x0 = Math.max(0, (int) Math.floor(cx - box));
    int x1 = Math.min(size - 1, (int) Math.ceil(cx + box));
    int y0 = Math.max(0, (int) Math.floor(cy - box));
    int y1 = Math.min(size - 1, (int) Math.ceil(cy + box));
    for (int py = y0; py <= y1; py++) {
      for (int px = x0; px <= x1; px++) {
        double dx = (px + 0.5 - cx) * unit;
        double dy = (cy - py - 0.5) * unit;
        int covered; // of SAMPLES
        if (dx * dx + dy * dy > reach) {
          covered = 0; // outside the circle every shape fits in
        } else {
          double u = cos * dx + sin * dy;
          double v = -sin * dx + cos * dy;
          double d = distance(f.shape(), u, v);
          if (d >= edge) {
            covered = 0;
          } else if (d <= -edge) {
            covered = SAMPLES;
          } else {
            covered = 0;
            for (int s = 0; s < SAMPLES; s++) {
              covered += distance(f.shape(), u + sampleU[s], v + sampleV[s]) <= 0 ? 1 : 0;
            }
          }
        }
        int o = off + 3 * (py * size + px);
        for (int c = 0; c < 3; c++) {
          // Integer blending, rounded half up: exact, so the same bytes everywhere.
          int value = (bg[c] * (SAMPLES - covered) + fg[c] * covered + SAMPLES / 2) / SAMPLES;
          out[o + c] = (byte) value;
        }
      }
    }
  }

  /**
   * A function of the point (u, v), in shape units, that is negative inside shape {@code kind},
   * positive outside, and changes by at most the distance moved; so |value| is at most the distance
   * to the outline, and usually equal to it.
   */
  static double distance(int kind, double u, double v) {
    double au = Math.abs(u);
    double av = Math.abs(v);
    switch (kind) {
      case 0: // cross: the union of a horizontal and a vertical bar
        return Math.min(
            Math.max(au - CROSS_ARM, av - CROSS_HALF_WIDTH),
            Math.max(au - CROSS_HALF_WIDTH, av - CROSS_ARM));
      case 1: // disc
        return Math.sqrt(u * u + v * v) - DISC_RADIUS;
      case 2:
        { // heart: the diamond, and the disc on its upper side nearest (u, v)
          double w = v - HEART_DROP;
          double diamond = (au + Math.abs(w) - HEART_H) * ROOT_HALF;
          double lu = au - HEART_H / 2;
          double lv = w - HEART_H / 2;
          double lobe = Math.sqrt(lu * lu + lv * lv) - HEART_LOBE_R;
          return Math.min(diamond, lobe);
        }
      case 3: // square
        return Math.max(au, av) - SQUARE_HALF_SIDE;
      case 4:
        { // star: folded by its symmetries onto the right half of its top point, where the
          // outline is one segment, from the point to the notch (Inigo Quilez's exact star)
          double x = au;
          double y = v;
          double t = 2 * Math.max(FOLD_X * x + FOLD_Y * y, 0);
          x -= t * FOLD_X;
          y -= t * FOLD_Y;
          t = 2 * Math.max(-FOLD_X * x + FOLD_Y * y, 0);
          x += t * FOLD_X;
          y -= t * FOLD_Y;
          x = Math.abs(x);
          y -= 1;
          double along =
              (x * STAR_EDGE_X + y * STAR_EDGE_Y)
                  / (STAR_EDGE_X * STAR_EDGE_X + STAR_EDGE_Y * STAR_EDGE_Y);
          along = Math.max(0, Math.min(1, along));
          double ex = x - STAR_EDGE_X * along;
          double ey = y - STAR_EDGE_Y * along;
          return Math.sqrt(ex * ex + ey * ey) * Math.signum(y * STAR_EDGE_X - x * STAR_EDGE_Y);
        }
      case 5: // triangle pointing up, its corners on the unit circle (so its inradius is 1/2)
        return Math.max(-v, Math.max(SIN60 * u + 0.5 * v, -SIN60 * u + 0.5 * v)) - 0.5;
      default:
        throw new IllegalArgumentException("no shape " + kind);
    }
  }

  /**
   * HSV to 8-bit RGB (hue in turns, saturation and value in [0, 1]), by the usual six-sector
   * formula, rounded half up.
   */
  public static int[] rgb(double hue, double saturation, double value) {
    double h = (hue - Math.floor(hue)) * 6;
    int sector = (int) Math.floor(h) % 6;
    double frac = h - Math.floor(h);
    double p = value * (1 - saturation);
    double q = value * (1 - saturation * frac);
    double t = value * (1 - saturation * (1 - frac));
    double[] c =
        switch (sector) {
          case 0 -> new double[] {value, t, p};
          case 1 -> new double[] {q, value, p};
          case 2 -> new double[] {p, value, t};
          case 3 -> new double[] {p, q, value};
          case 4 -> new double[] {t, p, value};
          default -> new double[] {value, p, q};
        };
    return new int[] {to8(c[0]), to8(c[1]), to8(c[2])};
  }

  private static int to8(double c) {
    return (int) Math.max(0, Math.min(255, Math.floor(c * 255 + 0.5)));
  }
}
