// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageGridTest {
  private static final int WHITE = 0xFFFFFF;
  private static final int BLACK = 0x000000;

  private static float[] filled(int size, float v) {
    float[] a = new float[size];
    Arrays.fill(a, v);
    return a;
  }

  private static int rgb(BufferedImage im, int x, int y) {
    return im.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void plainGridHasTheExpectedSizeAndTilePositions() {
    // 5 28×28 tiles, 3 per row, scale 2: 2-px frames, which also make the outer border.
    float[][] images = new float[5][];
    for (int i = 0; i < 5; i++) {
      images[i] = filled(784, 0f);
    }
    images[4] = filled(784, 1f); // second row, second column
    BufferedImage im = ImageGrid.grid(images, 28, 28, 1, 3, 2);
    assertEquals(2 + 3 * 56 + 2 * 2 + 2, im.getWidth());
    assertEquals(2 + 2 * 56 + 2 + 2, im.getHeight());
    int x = 2 + 58; // left frame, then one tile and a separator
    int y = 2 + 58;
    assertEquals(WHITE, rgb(im, x, y), "top-left pixel of the white tile");
    assertEquals(WHITE, rgb(im, x + 55, y + 55), "bottom-right pixel of the white tile");
    assertEquals(BLACK, rgb(im, x - 3, y), "last column of the black tile to its left");
    assertEquals(BLACK, rgb(im, x, y - 3), "last row of the black tile above");
    assertEquals(ImageGrid.FRAME_RGB, rgb(im, x - 1, y - 10), "frame between the tiles above");
    assertEquals(ImageGrid.FRAME_RGB, rgb(im, 0, 0), "outer frame");
    assertEquals(BLACK, rgb(im, 2, 2), "first tile starts inside the frame");
    // The missing sixth tile leaves background.
    assertEquals(WHITE, rgb(im, 2 + 2 * 58 + 10, y + 10));
  }

  @Test
  void pixelsAreMagnifiedWithoutSmoothingAndOutOfRangeValuesAreClamped() {
    // A 2×2 image: 0.5, 2 (clamps to 1), -1 (clamps to 0), 1/255.
    float[] img = {0.5f, 2f, -1f, 1f / 255f};
    BufferedImage im = ImageGrid.grid(new float[][] {img}, 2, 2, 1, 1, 4);
    int o = 2; // the frame
    int half = Math.round(0.5f * 255f);
    for (int dy = 0; dy < 4; dy++) {
      for (int dx = 0; dx < 4; dx++) {
        assertEquals((half << 16) | (half << 8) | half, rgb(im, o + dx, o + dy));
        assertEquals(WHITE, rgb(im, o + 4 + dx, o + dy));
        assertEquals(BLACK, rgb(im, o + dx, o + 4 + dy));
        assertEquals(0x010101, rgb(im, o + 4 + dx, o + 4 + dy));
      }
    }
  }

  @Test
  void rgbChannelsAreInterleavedPerPixelAndNanIsMagenta() {
    // 1×3 RGB: red, green, and a pixel with a NaN channel.
    float[] img = {1f, 0f, 0f, 0f, 1f, 0f, 0.2f, Float.NaN, 0.3f};
    BufferedImage im = ImageGrid.grid(new float[][] {img}, 1, 3, 3, 1, 1);
    assertEquals(1 + 3 + 1, im.getWidth());
    assertEquals(0xFF0000, rgb(im, 1, 1));
    assertEquals(0x00FF00, rgb(im, 2, 1));
    assertEquals(ImageGrid.NAN_RGB, rgb(im, 3, 1));
    BufferedImage gray = ImageGrid.grid(new float[][] {{Float.NaN}}, 1, 1, 1, 1, 1);
    assertEquals(ImageGrid.NAN_RGB, rgb(gray, 1, 1));
  }

  @Test
  void captionsAndTitleAddRoomButKeepTheTilesIntact() {
    float[][] images = {filled(784, 1f), filled(784, 1f)};
    BufferedImage plain = ImageGrid.grid(images, 28, 28, 1, 2, 4);
    BufferedImage text =
        ImageGrid.grid(images, 28, 28, 1, 2, 4, new String[] {"Ankle boot", "312.4"}, "Samples");
    assertTrue(text.getHeight() > plain.getHeight() + 20, "room for a title and captions");
    assertEquals(plain.getWidth() + 2 * (8 - 2), text.getWidth(), "only the margin widens");
    // Some dark text pixels must exist above and below the first tile's column.
    assertTrue(hasDarkPixel(text, 0, 0, text.getWidth(), 15), "title drawn");
    assertTrue(hasDarkPixel(text, 8, text.getHeight() - 22, 112, 20), "caption drawn");
    // A very long caption is fitted to its tile rather than spilling over the next one.
    BufferedImage longCaption =
        ImageGrid.grid(
            new float[][] {filled(784, 1f)},
            28,
            28,
            1,
            1,
            1,
            new String[] {"a caption much wider than a tiny tile"},
            null);
    assertEquals(28 + 2 * 8, longCaption.getWidth());
  }

  private static boolean hasDarkPixel(BufferedImage im, int x0, int y0, int w, int h) {
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        int v = rgb(im, x, y);
        if (((v >> 8) & 0xFF) < 128) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void pairsPutEachReconstructionRightOfItsOriginal() {
    float[][] originals = {filled(4, 1f), filled(4, 1f), filled(4, 1f)};
    float[][] recons = {filled(4, 0f), filled(4, 0f), filled(4, 0f)};
    int scale = 10; // 2×2 images → 20-px tiles, separator 2, gap between pairs 10
    BufferedImage im = ImageGrid.pairs(originals, recons, 2, 2, 1, 2, scale, null, null);
    int pairW = 20 + 2 + 20;
    assertEquals(8 + pairW + 10 + pairW + 8, im.getWidth());
    int top = im.getHeight() - 8 - (20 + 10 + 20); // two rows of pairs above the bottom margin
    assertEquals(WHITE, rgb(im, 8 + 10, top + 10), "first original");
    assertEquals(BLACK, rgb(im, 8 + 22 + 10, top + 10), "first reconstruction");
    assertEquals(WHITE, rgb(im, 8 + pairW + 10 + 10, top + 10), "second original");
    assertEquals(BLACK, rgb(im, 8 + 22 + 10, top + 30 + 10), "third pair, second row");
    assertTrue(hasDarkPixel(im, 8, 0, pairW, top - 1), "header names the columns");
  }

  @Test
  void pairsNeedMatchingCounts() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageGrid.pairs(new float[][] {filled(4, 0f)}, new float[][] {}, 2, 2, 1, 4));
    assertTrue(e.getMessage().contains("reconstructions"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ImageGrid.pairs(
                    new float[][] {filled(4, 0f)},
                    new float[][] {filled(4, 0f), filled(4, 0f)},
                    2,
                    2,
                    1,
                    4));
    assertTrue(e.getMessage().contains("1 originals but 2 reconstructions"), e.getMessage());
  }

  @Test
  void badArgumentsAreNamed() {
    float[][] one = {filled(784, 0f)};
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.grid(new float[][] {filled(783, 0f)}, 28, 28, 1, 4, 1))
            .getMessage()
            .contains("images[0] has 783 floats"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.grid(one, 28, 28, 2, 4, 1))
            .getMessage()
            .contains("channels"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.grid(one, 28, 28, 1, 0, 1))
            .getMessage()
            .contains("columns"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.grid(one, 28, 28, 1, 4, 0))
            .getMessage()
            .contains("scale"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.grid(one, 28, 28, 1, 4, 1, new String[2], null))
            .getMessage()
            .contains("2 captions for 1 image"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ImageGrid.grid(new float[0][], 28, 28, 1, 4, 1))
            .getMessage()
            .contains("no images"));
  }

  @Test
  void defaultScaleShowsTilesAtAboutOneHundredPixels() {
    assertEquals(4, ImageGrid.defaultScale(28, 28));
    assertEquals(3, ImageGrid.defaultScale(32, 32));
    assertEquals(2, ImageGrid.defaultScale(64, 64));
    assertEquals(1, ImageGrid.defaultScale(128, 96));
    assertEquals(8, ImageGrid.defaultScale(4, 4));
    assertEquals(
        28 * 4 + 4, ImageGrid.grid(new float[][] {filled(784, 0f)}, 28, 28, 1, 8).getWidth());
  }

  @Test
  void pngBytesDecodeToTheSamePixels() throws IOException {
    float[][] images = {ReportSamples.shape(0), ReportSamples.shape(4)};
    BufferedImage im = ImageGrid.grid(images, 28, 28, 1, 2, 3, new String[] {"disc", "ramp"}, "t");
    byte[] png = ImageGrid.toPngBytes(im);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
    assertNotNull(back);
    assertEquals(im.getWidth(), back.getWidth());
    assertEquals(im.getHeight(), back.getHeight());
    int[] a = im.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
    int[] b = back.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
    assertArrayEquals(a, b, "PNG is lossless");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageGrid.writePng(im, out);
    assertArrayEquals(png, out.toByteArray());
  }

  @Test
  void rendersHeadless() {
    ImageGrid.grid(new float[][] {{0f}}, 1, 1, 1, 1, 1, new String[] {"x"}, "title");
    assertTrue(GraphicsEnvironment.isHeadless());
  }
}
