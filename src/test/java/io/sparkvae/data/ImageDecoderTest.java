// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
    return out.toByteArray();
  }

  /** A gray image whose pixel (x, y) is {@code f(x, y)}. */
  static BufferedImage gray(int w, int h, java.util.function.IntBinaryOperator f) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, f.applyAsInt(x, y));
      }
    }
    return img;
  }

  static BufferedImage rgb(int w, int h, java.util.function.IntBinaryOperator f) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, f.applyAsInt(x, y));
      }
    }
    return img;
  }

  static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xFF;
    }
    return out;
  }

  @Test
  void aThirtyTwoBitGrayImageIsABadImageNotADivisionByZero() throws IOException {
    java.awt.color.ColorSpace gray =
        java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY);
    java.awt.image.ComponentColorModel cm =
        new java.awt.image.ComponentColorModel(
            gray, false, false, java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_INT);
    BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(4, 4), false, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, "tiff", out), "the JDK writes 32-bit gray TIFF");
    ImageDecoder.BadImageException e =
        assertThrows(
            ImageDecoder.BadImageException.class,
            () -> new ImageDecoder(4, 4, 1).decode(out.toByteArray()));
    assertTrue(e.getMessage().contains("32 bits per pixel"), e.getMessage());
  }

  @Test
  void grayPngKeepsItsStoredValues() throws IOException {
    // getRGB on a gray image would apply a gamma curve and change mid-grays; we must not.
    BufferedImage img = gray(5, 3, (x, y) -> 40 * x + 7 * y);
    ImageDecoder.Decoded d = new ImageDecoder(0, 0, 1).decode(encode(img, "png"));
    assertEquals(5, d.width);
    assertEquals(3, d.height);
    int[] expected = new int[15];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        expected[y * 5 + x] = 40 * x + 7 * y;
      }
    }
    assertArrayEquals(expected, unsigned(d.pixels));
    // As RGB the gray value is repeated in each channel.
    int[] rgb = unsigned(new ImageDecoder(0, 0, 3).decode(encode(img, "png")).pixels);
    assertEquals(45, rgb.length);
    assertEquals(expected[7], rgb[21]);
    assertEquals(expected[7], rgb[22]);
    assertEquals(expected[7], rgb[23]);
  }

  @Test
  void rgbPngIsInterleavedRowMajorAndBt601Luma() throws IOException {
    BufferedImage img = rgb(4, 2, (x, y) -> (10 * x + 1) << 16 | (20 * y + 2) << 8 | (x + y));
    byte[] png = encode(img, "png");
    int[] px = unsigned(new ImageDecoder(0, 0, 3).decode(png).pixels);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        int i = 3 * (y * 4 + x);
        assertEquals(10 * x + 1, px[i], "R at " + x + "," + y);
        assertEquals(20 * y + 2, px[i + 1], "G");
        assertEquals(x + y, px[i + 2], "B");
      }
    }
    int[] g = unsigned(new ImageDecoder(0, 0, 1).decode(png).pixels);
    int r = 31;
    int gg = 22;
    int b = 4; // pixel (3, 1)
    assertEquals((299 * r + 587 * gg + 114 * b + 500) / 1000, g[7]);
  }

  @Test
  void palettePngAndSixteenBitGray() throws IOException {
    byte[] levels = {0, (byte) 128, (byte) 255};
    IndexColorModel cm = new IndexColorModel(2, 3, levels, levels, levels);
    BufferedImage pal = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, cm);
    for (int x = 0; x < 3; x++) {
      pal.getRaster().setSample(x, 0, 0, x);
    }
    assertArrayEquals(
        new int[] {0, 128, 255},
        unsigned(new ImageDecoder(0, 0, 1).decode(encode(pal, "png")).pixels));

    BufferedImage g16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    g16.getRaster().setSample(0, 0, 0, 65535);
    g16.getRaster().setSample(1, 0, 0, 257 * 100);
    assertArrayEquals(
        new int[] {255, 100},
        unsigned(new ImageDecoder(0, 0, 1).decode(encode(g16, "png")).pixels));
  }

  @Test
  void shrinkingAveragesAreasExactly() throws IOException {
    // 2x2 blocks of one value each: halving must give the block values exactly.
    int[][] block = {{10, 200, 30}, {90, 0, 255}};
    BufferedImage img = gray(6, 4, (x, y) -> block[y / 2][x / 2]);
    int[] px = unsigned(new ImageDecoder(2, 3, 1).decode(encode(img, "png")).pixels);
    assertArrayEquals(new int[] {10, 200, 30, 90, 0, 255}, px);
    // A non-integer factor: 3 -> 2 columns; output 0 covers 1.5 source pixels: (a + b/2) / 1.5.
    BufferedImage row = gray(3, 1, (x, y) -> new int[] {30, 90, 150}[x]);
    int[] two = unsigned(new ImageDecoder(1, 2, 1).decode(encode(row, "png")).pixels);
    assertEquals(Math.round((30 + 45) / 1.5f), two[0]);
    assertEquals(Math.round((45 + 150) / 1.5f), two[1]);
  }

  @Test
  void enlargingIsBilinearAndKeepsConstantsConstant() throws IOException {
    BufferedImage flat = gray(3, 3, (x, y) -> 77);
    int[] px = unsigned(new ImageDecoder(7, 5, 1).decode(encode(flat, "png")).pixels);
    assertEquals(35, px.length);
    assertTrue(Arrays.stream(px).allMatch(v -> v == 77), Arrays.toString(px));
    // 2 -> 4 pixels: centres at -0.25, 0.25, 0.75, 1.25 of the source: clamp, blend, blend, clamp.
    BufferedImage ramp = gray(2, 1, (x, y) -> x == 0 ? 0 : 200);
    assertArrayEquals(
        new int[] {0, 50, 150, 200},
        unsigned(new ImageDecoder(1, 4, 1).decode(encode(ramp, "png")).pixels));
  }

  @Test
  void decodingIsDeterministic() throws IOException {
    BufferedImage img = rgb(37, 23, (x, y) -> (x * 7 % 256) << 16 | (y * 11 % 256) << 8 | 99);
    byte[] jpg = encode(img, "jpg");
    ImageDecoder d = new ImageDecoder(10, 13, 3);
    assertArrayEquals(d.decode(jpg).pixels, d.decode(jpg).pixels);
    assertArrayEquals(d.decode(jpg).pixels, new ImageDecoder(10, 13, 3).decode(jpg).pixels);
  }

  @Test
  void damagedFilesAreErrorsNotHalfGreyPictures() throws IOException {
    ImageDecoder d = new ImageDecoder(8, 8, 1);
    BufferedImage img = rgb(64, 64, (x, y) -> (x * 4) << 16 | (y * 4) << 8 | ((x + y) * 2));
    byte[] png = encode(img, "png");
    byte[] jpg = encode(img, "jpg");

    var e1 =
        assertThrows(
            ImageDecoder.BadImageException.class,
            () -> d.decode(Arrays.copyOf(png, png.length / 2)));
    assertTrue(
        e1.getMessage().contains("unreadable") || e1.getMessage().contains("damaged"),
        e1.getMessage());
    // The JPEG reader only warns about a cut-off stream; that must still be an error.
    var e2 =
        assertThrows(
            ImageDecoder.BadImageException.class,
            () -> d.decode(Arrays.copyOf(jpg, jpg.length / 2)));
    assertTrue(e2.getMessage().toLowerCase().contains("jpeg"), e2.getMessage());
    var e3 =
        assertThrows(
            ImageDecoder.BadImageException.class,
            () -> d.decode("just some text, not a picture".getBytes()));
    assertTrue(e3.getMessage().startsWith("not an image"), e3.getMessage());
    var e4 = assertThrows(ImageDecoder.BadImageException.class, () -> d.decode(new byte[0]));
    assertEquals("empty file", e4.getMessage());
  }

  @Test
  void invalidSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(8, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(8, 8, 2));
  }
}
