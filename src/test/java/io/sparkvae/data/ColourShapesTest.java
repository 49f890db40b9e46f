// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The colour-shapes generator: deterministic, factors within their ranges, and every factor visible
 * in the pixels where the documentation says it is.
 */
class ColourShapesTest {
  static final int SIZE = 64;

  /**
   * SHA-256 of images 0..49 of seed 0 at size 64 and their PNGs. A change of this value is a change
   * of the data set: bump GenerateShapesCommand.GENERATOR_VERSION and say so in inputs.md.
   */
  static final String GOLDEN = "15635df64312b393fe866696401ae6eaa4a0032563fc0d39402d3645ad150bc9";

  static byte[] image(long seed, long id, int size) {
    byte[] px = new byte[3 * size * size];
    ColourShapes.render(seed, id, size, px, 0);
    return px;
  }

  static int[] pixel(byte[] px, int size, int x, int y) {
    int o = 3 * (y * size + x);
    return new int[] {px[o] & 0xFF, px[o + 1] & 0xFF, px[o + 2] & 0xFF};
  }

  static float[] hsb(int[] rgb) {
    return Color.RGBtoHSB(rgb[0], rgb[1], rgb[2], null);
  }

  /** Distance between two hues, in turns, the short way round. */
  static double hueDistance(double a, double b) {
    double d = Math.abs(a - b) % 1;
    return Math.min(d, 1 - d);
  }

  @Test
  void theSameSeedAndIdDrawTheSameBytesAndTheBytesAreTheDocumentedOnes()
      throws NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (int id = 0; id < 50; id++) {
      byte[] a = image(0, id, SIZE);
      assertArrayEquals(a, image(0, id, SIZE), "image " + id);
      assertFalse(Arrays.equals(a, image(1, id, SIZE)), "another seed draws another image");
      sha.update(a);
      sha.update(PngEncoder.rgb(a, 0, SIZE, SIZE));
    }
    assertEquals(GOLDEN, HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void theFactorsLieInTheirDocumentedRangesAndEveryShapeOccurs() {
    int n = 3000;
    int[] perShape = new int[ColourShapes.SHAPES.size()];
    double minX = 1;
    double maxX = 0;
    double maxRotation = 0;
    for (int id = 0; id < n; id++) {
      ColourShapes.Factors f = ColourShapes.factors(9, id);
      perShape[f.shape()]++;
      for (double p : new double[] {f.x(), f.y()}) {
        assertTrue(p >= 0.2 && p < 0.8, "position " + f);
      }
      assertTrue(f.scale() >= 0.1 && f.scale() < 0.2, "scale " + f);
      assertTrue(f.rotation() >= 0 && f.rotation() < 360, "rotation " + f);
      assertTrue(f.hue() >= 0 && f.hue() < 1, "hue " + f);
      assertTrue(f.background() >= 0 && f.background() < 1, "background " + f);
      minX = Math.min(minX, f.x());
      maxX = Math.max(maxX, f.x());
      maxRotation = Math.max(maxRotation, f.rotation());
    }
    for (int c : perShape) {
      assertTrue(
          Math.abs(c - n / 6.0) < 100, "about n/6 of each shape: " + Arrays.toString(perShape));
    }
    assertTrue(minX < 0.21 && maxX > 0.79 && maxRotation > 350, "the ranges are covered");
    assertEquals(ColourShapes.factors(9, 17), ColourShapes.factors(9, 17));
  }

  @Test
  void theCentrePixelIsTheHueFactorAndTheCornersTheBackgroundFactor() {
    byte[] px = new byte[3 * SIZE * SIZE];
    for (int id = 0; id < 300; id++) {
      ColourShapes.Factors f = ColourShapes.render(2, id, SIZE, px, 0);
      // Every shape covers its centre by a margin wider than a pixel at this size.
      int[] centre = pixel(px, SIZE, (int) (f.x() * SIZE), (int) (f.y() * SIZE));
      assertArrayEquals(ColourShapes.rgb(f.hue(), 1, 1), centre, f.toString());
      float[] c = hsb(centre);
      assertTrue(hueDistance(c[0], f.hue()) < 0.003, f + ": centre hue " + c[0]);
      assertTrue(c[1] > 0.99 && c[2] > 0.99, f + ": saturated and bright");
      int[] bg = ColourShapes.rgb(f.background(), 0.5, 0.4);
      for (int[] corner :
          new int[][] {{0, 0}, {SIZE - 1, 0}, {0, SIZE - 1}, {SIZE - 1, SIZE - 1}}) {
        int[] p = pixel(px, SIZE, corner[0], corner[1]);
        assertArrayEquals(bg, p, f + " at corner " + Arrays.toString(corner));
        float[] b = hsb(p);
        assertTrue(hueDistance(b[0], f.background()) < 0.01, f + ": corner hue " + b[0]);
        assertEquals(0.5, b[1], 0.02, "background saturation");
        assertEquals(0.4, b[2], 0.01, "background brightness");
      }
    }
  }

  /** How much of the shape each pixel shows, from its colour: 0 background, 1 shape. */
  static double[] coverage(ColourShapes.Factors f, int size) {
    byte[] px = new byte[3 * size * size];
    ColourShapes.render(f, size, px, 0);
    int[] fg = ColourShapes.rgb(f.hue(), 1, 1);
    int[] bg = ColourShapes.rgb(f.background(), 0.5, 0.4);
    int c = 0;
    for (int k = 1; k < 3; k++) {
      c =
          Math.abs(fg[k] - bg[k]) > Math.abs(fg[c] - bg[c])
              ? k
              : c; // the channel that differs most
    }
    double[] cover = new double[size * size];
    for (int i = 0; i < cover.length; i++) {
      cover[i] = ((px[3 * i + c] & 0xFF) - bg[c]) / (double) (fg[c] - bg[c]);
    }
    return cover;
  }

  /** {area, centroid x, centroid y} in pixels. */
  static double[] moments(double[] cover, int size) {
    double a = 0;
    double mx = 0;
    double my = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double w = cover[y * size + x];
        a += w;
        mx += w * (x + 0.5);
        my += w * (y + 0.5);
      }
    }
    return new double[] {a, mx / a, my / a};
  }

  static ColourShapes.Factors shape(int kind, double x, double y, double scale, double rotation) {
    return new ColourShapes.Factors(kind, x, y, scale, rotation, 0.6, 0.1);
  }

  @Test
  void positionMovesTheCentroidAndScaleGrowsTheAreaAsItsSquare() {
    for (int kind = 0; kind < ColourShapes.SHAPES.size(); kind++) {
      String name = ColourShapes.SHAPES.get(kind);
      double[] a = moments(coverage(shape(kind, 0.3, 0.4, 0.15, 20), SIZE), SIZE);
      double[] b = moments(coverage(shape(kind, 0.7, 0.55, 0.15, 20), SIZE), SIZE);
      assertEquals(0.4 * SIZE, b[1] - a[1], 0.1, name + ": x moves the centroid right");
      assertEquals(0.15 * SIZE, b[2] - a[2], 0.1, name + ": y moves the centroid down");
      assertEquals(a[0], b[0], 0.01 * a[0], name + ": the same area");
      if (!name.equals("heart")) { // the others are centred on their position
        assertEquals(0.3 * SIZE, a[1], 0.15, name + " centroid x");
        assertEquals(0.4 * SIZE, a[2], 0.15, name + " centroid y");
      }
      double[] big = moments(coverage(shape(kind, 0.5, 0.5, 0.2, 20), SIZE), SIZE);
      double[] small = moments(coverage(shape(kind, 0.5, 0.5, 0.1, 20), SIZE), SIZE);
      assertEquals(4, big[0] / small[0], 0.08, name + ": twice the scale, four times the area");
    }
  }

  @Test
  void rotationTurnsTheShapeCounterClockwise() {
    // The heart's weight lies in its lobes, above its centre when upright; turned a quarter
    // counter-clockwise the lobes are on the left, turned half way they are below.
    int heart = ColourShapes.SHAPES.indexOf("heart");
    double c = 0.5 * SIZE;
    double[] upright = moments(coverage(shape(heart, 0.5, 0.5, 0.2, 0), SIZE), SIZE);
    double[] quarter = moments(coverage(shape(heart, 0.5, 0.5, 0.2, 90), SIZE), SIZE);
    double[] half = moments(coverage(shape(heart, 0.5, 0.5, 0.2, 180), SIZE), SIZE);
    assertTrue(upright[2] < c - 0.5 && Math.abs(upright[1] - c) < 0.05, "upright lobes on top");
    assertTrue(quarter[1] < c - 0.5 && Math.abs(quarter[2] - c) < 0.05, "quarter: lobes left");
    assertTrue(half[2] > c + 0.5 && Math.abs(half[1] - c) < 0.05, "half: lobes below");
    // A square turned by its symmetry, 90°, is the same picture; by 45° it is not.
    int square = ColourShapes.SHAPES.indexOf("square");
    double[] s0 = coverage(shape(square, 0.5, 0.5, 0.2, 10), SIZE);
    double[] s90 = coverage(shape(square, 0.5, 0.5, 0.2, 100), SIZE);
    double[] s45 = coverage(shape(square, 0.5, 0.5, 0.2, 55), SIZE);
    double same = 0;
    double other = 0;
    for (int i = 0; i < s0.length; i++) {
      same = Math.max(same, Math.abs(s0[i] - s90[i]));
      other = Math.max(other, Math.abs(s0[i] - s45[i]));
    }
    assertTrue(same < 0.05, "90° apart: the same square, up to a sample, " + same);
    assertTrue(other > 0.5, "45° apart: corners where there were edges, " + other);
  }

  @Test
  void edgesAreAntiAliasedAndOtherSizesDrawTheSameScene() {
    // Along the outline some pixels are mixtures; the rest are the two flat colours.
    double[] cover = coverage(ColourShapes.factors(4, 1), SIZE);
    int partial = 0;
    for (double v : cover) {
      partial += v > 0.05 && v < 0.95 ? 1 : 0;
    }
    assertTrue(partial > 10, "anti-aliased edge pixels: " + partial);
    // Size 32 halves the resolution, not the scene: the centroid moves with the size.
    ColourShapes.Factors f = ColourShapes.factors(4, 1);
    double[] m64 = moments(cover, 64);
    double[] m32 = moments(coverage(f, 32), 32);
    assertEquals(m64[1] / 64, m32[1] / 32, 0.01);
    assertEquals(m64[2] / 64, m32[2] / 32, 0.01);
    assertEquals(m64[0] / 4, m32[0], 0.05 * m32[0], "a quarter of the pixels");
  }
}
