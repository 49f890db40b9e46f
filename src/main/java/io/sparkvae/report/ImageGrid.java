// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws images (data, reconstructions, samples) as a grid of tiles and encodes it as PNG.
 *
 * <p>An image is one row of floats in [0, 1], as the model sees it: {@code height × width ×
 * channels} values, row-major, with the channels of a pixel next to each other ({@code r, g, b, r,
 * g, b, …} for colour, one value per pixel for grayscale). Values outside [0, 1] are clamped: a
 * Gaussian decoder's mean may overshoot a little and that should not wrap around. A NaN pixel is
 * drawn magenta, a colour no grayscale image has, so that a diverged model is seen at once rather
 * than passing for black.
 *
 * <p>Tiles are magnified by whole numbers with nearest-neighbour sampling: smoothing would invent
 * detail the model never produced, and blur is exactly what one looks for in VAE outputs. Each tile
 * has a thin mid-grey frame, which stays visible against black backgrounds (MNIST) and white ones
 * alike, and the figure is white, like the charts of {@link Charts}, so the two kinds of figure sit
 * together in one report.
 */
public final class ImageGrid {
  static {
    Drawing.ensureHeadless();
  }

  /** Drawn for NaN pixels. */
  public static final int NAN_RGB = 0xFF00FF;

  /** The frame around tiles. */
  public static final int FRAME_RGB = 0x8C8C8C;

  /** The space around a figure with text on it, in pixels. */
  private static final int TEXT_MARGIN = 8;

  private ImageGrid() {}

  /**
   * The magnification that shows a tile at roughly 100 pixels a side: 4× for 28×28 (MNIST), 3× for
   * 32×32 (CIFAR), 2× for 64×64, 1× from 96 up, at most 8× for tiny images.
   */
  public static int defaultScale(int height, int width) {
    checkShape(height, width, 1);
    int side = Math.max(height, width);
    return Math.max(1, Math.min(8, Math.round(100f / side)));
  }

  /** A grid at the {@link #defaultScale} with neither captions nor title. */
  public static BufferedImage grid(
      float[][] images, int height, int width, int channels, int columns) {
    return grid(images, height, width, channels, columns, defaultScale(height, width), null, null);
  }

  /** A grid with neither captions nor title. */
  public static BufferedImage grid(
      float[][] images, int height, int width, int channels, int columns, int scale) {
    return grid(images, height, width, channels, columns, scale, null, null);
  }

  /**
   * Images in rows of {@code columns} tiles, left to right and top to bottom, each magnified {@code
   * scale} times. The last row may be short; with fewer images than columns the grid is only as
   * wide as the images need.
   *
   * @param captions one short label per image drawn under its tile (a class name, a loss such as
   *     "312.4"), or null for none; null entries leave a tile unlabelled. Text too wide for its
   *     tile is shrunk, then cut with an ellipsis.
   * @param title a line above the grid, or null for none
   */
  public static BufferedImage grid(
      float[][] images,
      int height,
      int width,
      int channels,
      int columns,
      int scale,
      String[] captions,
      String title) {
    checkShape(height, width, channels);
    checkImages("images", images, height, width, channels);
    checkScale(scale);
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be >= 1, got " + columns);
    }
    checkCaptions(captions, images.length, "image");
    int n = images.length;
    int cols = Math.min(columns, n);
    int rows = (n + cols - 1) / cols;
    int tileW = width * scale;
    int tileH = height * scale;
    int sep = separator(scale);
    boolean labelled = hasText(captions);
    boolean titled = title != null && !title.isBlank();

    Graphics2D probe = Drawing.measuring();
    Font captionFont = captionFont(tileW);
    Font titleFont = titleFont();
    int captionH = labelled ? Drawing.bandHeight(probe, captionFont, 2) : 0;
    int titleH = titled ? Drawing.bandHeight(probe, titleFont, 6) : 0;
    int titleW = titled ? probe.getFontMetrics(titleFont).stringWidth(title) : 0;
    probe.dispose();

    int margin = labelled || titled ? TEXT_MARGIN : sep;
    int contentW = cols * tileW + (cols - 1) * sep;
    // A long title may widen a narrow grid a little, but never to more than a page.
    int figW = 2 * margin + Math.max(contentW, Math.min(titleW, 640));
    int top = titled ? titleH : margin;
    // Under captions, a wider gap keeps each label with its own tile, not the one below it.
    int rowGap = labelled ? sep + 6 : sep;
    int figH = top + rows * (tileH + captionH) + (rows - 1) * rowGap + margin;
    int left = (figW - contentW) / 2;

    BufferedImage out = new BufferedImage(figW, figH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Drawing.canvas(out);
    if (titled) {
      Drawing.centered(g, title, titleFont, figW / 2, 0, titleH, figW - 2 * TEXT_MARGIN);
    }
    for (int i = 0; i < n; i++) {
      int x = left + (i % cols) * (tileW + sep);
      int y = top + (i / cols) * (tileH + captionH + rowGap);
      frame(out, x, y, tileW, tileH, sep);
      drawTile(out, images[i], height, width, channels, scale, x, y);
      if (labelled && captions[i] != null) {
        Drawing.centered(
            g, captions[i], captionFont, x + tileW / 2, y + tileH, captionH, tileW + sep);
      }
    }
    g.dispose();
    return out;
  }

  /** Pairs at the {@link #defaultScale}, without captions or title. */
  public static BufferedImage pairs(
      float[][] originals,
      float[][] reconstructions,
      int height,
      int width,
      int channels,
      int pairsPerRow) {
    return pairs(
        originals,
        reconstructions,
        height,
        width,
        channels,
        pairsPerRow,
        defaultScale(height, width),
        null,
        null);
  }

  /**
   * Each original beside its reconstruction, so that what the model lost is seen at a glance.
   *
   * <p>A pair is two tiles in one thin frame; pairs are set further apart, so the eye groups them
   * correctly, and a header row names the two columns of every pair ("original", "reconstruction").
   * Comparing side by side, rather than one grid above the other, keeps each original right next to
   * its reconstruction however many there are.
   *
   * @param pairsPerRow pairs in a row of the figure (so twice as many tiles)
   * @param captions one label per pair drawn under it (e.g. its reconstruction loss), or null
   * @param title a line above the figure, or null
   */
  public static BufferedImage pairs(
      float[][] originals,
      float[][] reconstructions,
      int height,
      int width,
      int channels,
      int pairsPerRow,
      int scale,
      String[] captions,
      String title) {
    checkShape(height, width, channels);
    checkImages("originals", originals, height, width, channels);
    checkImages("reconstructions", reconstructions, height, width, channels);
    if (originals.length != reconstructions.length) {
      throw new IllegalArgumentException(
          originals.length
              + " originals but "
              + reconstructions.length
              + " reconstructions; they must pair up one to one");
    }
    checkScale(scale);
    if (pairsPerRow < 1) {
      throw new IllegalArgumentException("pairs per row must be >= 1, got " + pairsPerRow);
    }
    checkCaptions(captions, originals.length, "pair");
    int n = originals.length;
    int cols = Math.min(pairsPerRow, n);
    int rows = (n + cols - 1) / cols;
    int tileW = width * scale;
    int tileH = height * scale;
    int sep = separator(scale);
    int pairGap = Math.max(10, 5 * sep);
    int pairW = 2 * tileW + sep;
    boolean labelled = hasText(captions);
    boolean titled = title != null && !title.isBlank();

    Graphics2D probe = Drawing.measuring();
    Font captionFont = captionFont(tileW);
    Font headerFont = captionFont;
    Font titleFont = titleFont();
    int headerH = Drawing.bandHeight(probe, headerFont, 3);
    int captionH = labelled ? Drawing.bandHeight(probe, captionFont, 2) : 0;
    int titleH = titled ? Drawing.bandHeight(probe, titleFont, 6) : 0;
    int titleW = titled ? probe.getFontMetrics(titleFont).stringWidth(title) : 0;
    probe.dispose();

    int margin = TEXT_MARGIN;
    int contentW = cols * pairW + (cols - 1) * pairGap;
    int figW = 2 * margin + Math.max(contentW, Math.min(titleW, 640));
    int top = (titled ? titleH : margin) + headerH;
    int figH = top + rows * (tileH + captionH) + (rows - 1) * pairGap + margin;
    int left = (figW - contentW) / 2;

    BufferedImage out = new BufferedImage(figW, figH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Drawing.canvas(out);
    if (titled) {
      Drawing.centered(g, title, titleFont, figW / 2, 0, titleH, figW - 2 * TEXT_MARGIN);
    }
    for (int c = 0; c < cols; c++) {
      int x = left + c * (pairW + pairGap);
      Drawing.centered(g, "original", headerFont, x + tileW / 2, top - headerH, headerH, tileW);
      Drawing.centered(
          g,
          "reconstruction",
          headerFont,
          x + tileW + sep + tileW / 2,
          top - headerH,
          headerH,
          tileW);
    }
    for (int i = 0; i < n; i++) {
      int x = left + (i % cols) * (pairW + pairGap);
      int y = top + (i / cols) * (tileH + captionH + pairGap);
      // One frame around both tiles, which also draws the line between them: a pair reads as one.
      frame(out, x, y, pairW, tileH, sep);
      drawTile(out, originals[i], height, width, channels, scale, x, y);
      drawTile(out, reconstructions[i], height, width, channels, scale, x + tileW + sep, y);
      if (labelled && captions[i] != null) {
        Drawing.centered(g, captions[i], captionFont, x + pairW / 2, y + tileH, captionH, pairW);
      }
    }
    g.dispose();
    return out;
  }

  /**
   * Writes {@code image} to {@code out} as PNG; {@code out} is flushed, not closed. Buffers in
   * memory, not in a temporary file as {@link ImageIO#write} may, since executors and drivers do
   * not always have a writable temporary directory.
   */
  public static void writePng(BufferedImage image, OutputStream out) throws IOException {
    if (image == null || out == null) {
      throw new IllegalArgumentException("image and output stream must be given");
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this JVM has no PNG encoder (javax.imageio)");
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(image);
    } finally {
      writer.dispose();
    }
    out.flush();
  }

  /** The PNG encoding of {@code image}, for writing through the Hadoop file system API. */
  public static byte[] toPngBytes(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    try {
      writePng(image, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding into memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Paints one image at {@code (x0, y0)}, each pixel a {@code scale × scale} block. Writes whole
   * raster lines rather than filling rectangles through Graphics2D: exact pixels, no antialiasing
   * at the edges, and fast enough for thousands of tiles.
   */
  static void drawTile(
      BufferedImage canvas,
      float[] image,
      int height,
      int width,
      int channels,
      int scale,
      int x0,
      int y0) {
    int lineW = width * scale;
    int[] line = new int[lineW];
    for (int r = 0; r < height; r++) {
      int base = r * width * channels;
      for (int c = 0; c < width; c++) {
        int rgb = rgb(image, base + c * channels, channels);
        Arrays.fill(line, c * scale, (c + 1) * scale, rgb);
      }
      for (int k = 0; k < scale; k++) {
        canvas.setRGB(x0, y0 + r * scale + k, lineW, 1, line, 0, lineW);
      }
    }
  }

  /**
   * Fills the {@code sep}-pixel band around the rectangle {@code (x, y, w, h)} (and the rectangle
   * itself, which a tile then covers) with {@link #FRAME_RGB}. Written as pixels, not through
   * Graphics2D, so antialiasing can never soften its edges.
   */
  static void frame(BufferedImage canvas, int x, int y, int w, int h, int sep) {
    int x0 = Math.max(0, x - sep);
    int x1 = Math.min(canvas.getWidth(), x + w + sep);
    int[] line = new int[x1 - x0];
    Arrays.fill(line, FRAME_RGB);
    for (int yy = Math.max(0, y - sep); yy < Math.min(canvas.getHeight(), y + h + sep); yy++) {
      canvas.setRGB(x0, yy, line.length, 1, line, 0, line.length);
    }
  }

  /** The packed RGB of the pixel whose first channel is at {@code i}. */
  static int rgb(float[] image, int i, int channels) {
    if (channels == 1) {
      float v = image[i];
      if (Float.isNaN(v)) {
        return NAN_RGB;
      }
      int l = level(v);
      return (l << 16) | (l << 8) | l;
    }
    float r = image[i];
    float gr = image[i + 1];
    float b = image[i + 2];
    if (Float.isNaN(r) || Float.isNaN(gr) || Float.isNaN(b)) {
      return NAN_RGB;
    }
    return (level(r) << 16) | (level(gr) << 8) | level(b);
  }

  /** [0, 1] to 0..255, rounding to nearest so that k/255 maps back to exactly k. */
  static int level(float v) {
    if (v <= 0f) {
      return 0;
    }
    if (v >= 1f) {
      return 255;
    }
    return Math.round(v * 255f);
  }

  /** The line between tiles: one pixel for unmagnified tiles, else two. */
  static int separator(int scale) {
    return scale >= 2 ? 2 : 1;
  }

  /** Caption text scaled with the tile: 14 px under a 112-px tile, never below 10 px. */
  static Font captionFont(int tileWidth) {
    return Drawing.font(Math.max(10f, Math.min(14f, tileWidth / 8f)), false);
  }

  static Font titleFont() {
    return Drawing.font(16f, true);
  }

  static void checkShape(int height, int width, int channels) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image height and width must be >= 1, got " + height + "×" + width);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "channels must be 1 (grayscale) or 3 (RGB), got " + channels);
    }
  }

  static void checkScale(int scale) {
    if (scale < 1 || scale > 64) {
      throw new IllegalArgumentException("scale must be a whole magnification 1..64, got " + scale);
    }
  }

  static void checkImages(String what, float[][] images, int height, int width, int channels) {
    if (images == null || images.length == 0) {
      throw new IllegalArgumentException("no " + what + " to draw");
    }
    int size = height * width * channels;
    for (int i = 0; i < images.length; i++) {
      if (images[i] == null) {
        throw new IllegalArgumentException(what + "[" + i + "] is null");
      }
      if (images[i].length != size) {
        throw new IllegalArgumentException(
            what
                + "["
                + i
                + "] has "
                + images[i].length
                + " floats; a "
                + height
                + "×"
                + width
                + "×"
                + channels
                + " image has "
                + size);
      }
    }
  }

  private static void checkCaptions(String[] captions, int count, String what) {
    if (captions != null && captions.length != count) {
      throw new IllegalArgumentException(
          captions.length
              + " captions for "
              + count
              + " "
              + what
              + "s; give one per "
              + what
              + " (null entries for none)");
    }
  }

  private static boolean hasText(String[] captions) {
    if (captions == null) {
      return false;
    }
    for (String c : captions) {
      if (c != null && !c.isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
