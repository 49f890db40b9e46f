// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Our own PNG writer: any reader decodes its files to the very pixels it was given. */
class PngEncoderTest {

  static byte[] pixelsOf(BufferedImage im) {
    int w = im.getWidth();
    int h = im.getHeight();
    byte[] px = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = im.getRGB(x, y);
        int o = 3 * (y * w + x);
        px[o] = (byte) (rgb >> 16);
        px[o + 1] = (byte) (rgb >> 8);
        px[o + 2] = (byte) rgb;
      }
    }
    return px;
  }

  static BufferedImage decode(byte[] png) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(png));
  }

  @Test
  void imageioReadsBackTheExactPixelsOfDrawnShapes() throws IOException {
    byte[] px = new byte[3 * 48 * 48];
    for (int id = 0; id < 30; id++) {
      ColourShapes.render(5, id, 48, px, 0);
      BufferedImage im = decode(PngEncoder.rgb(px, 0, 48, 48));
      assertEquals(48, im.getWidth());
      assertEquals(48, im.getHeight());
      assertArrayEquals(px, pixelsOf(im), "image " + id);
    }
  }

  @Test
  void noiseAndLongRunsRoundTripToo() throws IOException, DataFormatException {
    // Random bytes (no runs), then runs longer than DEFLATE's longest match, and an odd size.
    int w = 131;
    int h = 7;
    byte[] px = new byte[3 * w * h + 5];
    java.util.Random r = new java.util.Random(1);
    for (int i = 5; i < 5 + 3 * w * 3; i++) {
      px[i] = (byte) r.nextInt(256);
    }
    byte[] png = PngEncoder.rgb(px, 5, w, h);
    byte[] expected = java.util.Arrays.copyOfRange(px, 5, px.length);
    assertArrayEquals(expected, pixelsOf(decode(png)));
    // The zlib stream on its own, through the JDK's inflater.
    byte[] data = new byte[100_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i < 50_000 ? 7 : (i / 300) % 3);
    }
    Inflater inf = new Inflater();
    inf.setInput(PngEncoder.zlib(data));
    byte[] back = new byte[data.length + 10];
    int n = inf.inflate(back);
    assertTrue(inf.finished(), "one complete stream");
    assertEquals(data.length, n);
    assertArrayEquals(data, java.util.Arrays.copyOf(back, n));
  }

  @Test
  void tooFewBytesForTheSizeIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.rgb(new byte[10], 0, 2, 2));
    assertTrue(e.getMessage().contains("need 12 bytes"), e.getMessage());
  }
}
