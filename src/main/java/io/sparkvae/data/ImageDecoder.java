// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one encoded image (PNG, JPEG, or anything else {@link ImageIO} reads) into 8-bit pixels
 * of a fixed layout: row-major, channels interleaved (RGB), 1 or 3 channels, optionally resampled
 * to a target size. No Spark here: the loader calls it inside {@code mapPartitions}.
 *
 * <p>What is deliberate:
 *
 * <ul>
 *   <li>Grayscale images keep their stored values. ({@code BufferedImage.getRGB} on a gray image
 *       converts from linear gray to sRGB and changes them.) Colour becomes gray by the ITU-R
 *       BT.601 luma, {@code (299 R + 587 G + 114 B) / 1000} in integers, the weights of PIL's "L"
 *       mode, so gray stored as RGB keeps its values exactly.
 *   <li>Alpha is dropped (as PIL's {@code convert("RGB")} does), not composited.
 *   <li>Resampling is separable: area averaging when shrinking an axis (each output pixel is the
 *       mean of the source area it covers, like {@code AreaAveragingScaleFilter}, so nothing
 *       aliases), bilinear when enlarging. Plain float arithmetic in a fixed order: the same bytes
 *       on every JVM.
 *   <li>A damaged file is an error, not a half-grey picture: the JPEG reader only warns about a
 *       truncated stream, and those warnings are turned into errors here.
 *   <li>The full-size image is never copied: each source row is resampled horizontally as it is
 *       read, so memory is the decoded image plus one row per output row.
 * </ul>
 */
public final class ImageDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int height;
  private final int width;
  private final int channels;

  /**
   * @param height output height, or 0 to keep each image's own size
   * @param width output width, or 0 to keep each image's own size (0 exactly when height is 0)
   * @param channels 1 (grayscale) or 3 (RGB)
   */
  public ImageDecoder(int height, int width, int channels) {
    if ((height == 0) != (width == 0) || height < 0 || width < 0) {
      throw new IllegalArgumentException(
          "output size "
              + height
              + "x"
              + width
              + " is invalid: both positive, or both 0 to keep each image's size");
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    this.height = height;
    this.width = width;
    this.channels = channels;
  }

  /** An image that could not be decoded; the message says why, without the file name. */
  public static final class BadImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public BadImageException(String message) {
      super(message);
    }

    BadImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A decoded image: its size in the file, and the output pixels. */
  public static final class Decoded {
    public final int sourceWidth;
    public final int sourceHeight;
    public final int width;
    public final int height;
    public final byte[] pixels;

    Decoded(int sourceWidth, int sourceHeight, int width, int height, byte[] pixels) {
      this.sourceWidth = sourceWidth;
      this.sourceHeight = sourceHeight;
      this.width = width;
      this.height = height;
      this.pixels = pixels;
    }
  }

  /**
   * Decodes {@code encoded}.
   *
   * @throws BadImageException when no reader recognizes the bytes, the data is truncated or
   *     damaged, or the image type is unsupported (e.g. CMYK JPEG)
   */
  public Decoded decode(byte[] encoded) throws BadImageException {
    BufferedImage img = read(encoded);
    int sw = img.getWidth();
    int sh = img.getHeight();
    int ow = width == 0 ? sw : width;
    int oh = height == 0 ? sh : height;
    return new Decoded(sw, sh, ow, oh, resample(img, ow, oh));
  }

  static BufferedImage read(byte[] encoded) throws BadImageException {
    if (encoded == null || encoded.length == 0) {
      throw new BadImageException("empty file");
    }
    // A memory-backed stream: ImageIO's default for streams is a temporary file cache.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new BadImageException(
            "not an image: no image reader recognizes its first bytes "
                + "("
                + firstBytes(encoded)
                + ")");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener(
          new IIOReadWarningListener() {
            @Override
            public void warningOccurred(ImageReader source, String warning) {
              warnings.add(warning);
            }
          });
      try {
        reader.setInput(in, true, true);
        BufferedImage img = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new BadImageException(
              "damaged " + reader.getFormatName() + " data: " + warnings.get(0));
        }
        if (img.getWidth() < 1 || img.getHeight() < 1) {
          throw new BadImageException("image has no pixels");
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (BadImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // ImageIO reports truncation as IIOException, and some damage as runtime exceptions
      // (e.g. ArrayIndexOutOfBounds inside a decoder): both mean the file is unreadable.
      String m = e.getMessage();
      Throwable c = e.getCause();
      if (c != null && c.getMessage() != null && !c.getMessage().equals(m)) {
        m = m + ": " + c.getMessage();
      }
      throw new BadImageException("unreadable image: " + (m == null ? e.toString() : m), e);
    }
  }

  private static String firstBytes(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return "0x" + sb;
  }

  // ---- pixels ----

  /** Reads source row {@code y} into {@code row} as {@code channels} values per pixel in 0..255. */
  private interface RowSource {
    void read(int y, int[] row);
  }

  private RowSource rowSource(BufferedImage img) throws BadImageException {
    int w = img.getWidth();
    ColorModel cm = img.getColorModel();
    Raster raster = img.getRaster();
    boolean gray =
        cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
            && !(cm instanceof IndexColorModel)
            && raster.getNumBands() >= 1;
    if (gray) {
      int bits = cm.getComponentSize(0);
      if (bits < 1 || bits > 16) {
        // 32-bit or floating-point gray (TIFF, say): (1 << 32) − 1 would be 0, and 0 a divisor.
        throw new BadImageException("grayscale of " + bits + " bits per pixel is not supported");
      }
      int max = (1 << bits) - 1;
      int[] samples = new int[w];
      return (y, row) -> {
        raster.getSamples(0, y, w, 1, 0, samples);
        for (int x = 0; x < w; x++) {
          int v = max == 255 ? samples[x] : (int) ((samples[x] * 255L + max / 2) / max);
          if (channels == 1) {
            row[x] = v;
          } else {
            row[3 * x] = v;
            row[3 * x + 1] = v;
            row[3 * x + 2] = v;
          }
        }
      };
    }
    if (cm instanceof ComponentColorModel
        && cm.getColorSpace().isCS_sRGB()
        && raster.getNumBands() >= 3
        && raster.getTransferType() == DataBuffer.TYPE_BYTE) {
      // 8-bit sRGB (what the JPEG and PNG readers produce for colour): read the bands directly,
      // several times faster than getRGB's per-pixel colour-model calls.
      int bands = raster.getNumBands();
      int[] px = new int[w * bands];
      return (y, row) -> {
        raster.getPixels(0, y, w, 1, px);
        for (int x = 0; x < w; x++) {
          int r = px[x * bands];
          int g = px[x * bands + 1];
          int b = px[x * bands + 2];
          if (channels == 1) {
            row[x] = (299 * r + 587 * g + 114 * b + 500) / 1000;
          } else {
            row[3 * x] = r;
            row[3 * x + 1] = g;
            row[3 * x + 2] = b;
          }
        }
      };
    }
    int[] argb = new int[w];
    return (y, row) -> {
      img.getRGB(0, y, w, 1, argb, 0, w);
      for (int x = 0; x < w; x++) {
        int p = argb[x];
        int r = (p >>> 16) & 0xFF;
        int g = (p >>> 8) & 0xFF;
        int b = p & 0xFF;
        if (channels == 1) {
          row[x] = (299 * r + 587 * g + 114 * b + 500) / 1000;
        } else {
          row[3 * x] = r;
          row[3 * x + 1] = g;
          row[3 * x + 2] = b;
        }
      }
    };
  }

  private byte[] resample(BufferedImage img, int ow, int oh) throws BadImageException {
    int sw = img.getWidth();
    int sh = img.getHeight();
    int c = channels;
    RowSource src = rowSource(img);
    int[] row = new int[sw * c];
    byte[] out = new byte[oh * ow * c];
    if (sw == ow && sh == oh) {
      for (int y = 0; y < sh; y++) {
        src.read(y, row);
        for (int i = 0; i < row.length; i++) {
          out[y * row.length + i] = (byte) row[i];
        }
      }
      return out;
    }
    Weights wx = Weights.of(sw, ow);
    Weights wy = Weights.of(sh, oh);
    // Vertical accumulation: each output row sums its weighted, horizontally resampled sources.
    float[] acc = new float[oh * ow * c];
    float[] hrow = new float[ow * c];
    for (int y = 0; y < sh; y++) {
      if (!wy.used(y)) {
        continue;
      }
      src.read(y, row);
      for (int ox = 0; ox < ow; ox++) {
        int from = wx.start[ox];
        int to = wx.start[ox + 1];
        for (int ch = 0; ch < c; ch++) {
          float s = 0f;
          for (int t = from; t < to; t++) {
            s += wx.weight[t] * row[wx.index[t] * c + ch];
          }
          hrow[ox * c + ch] = s;
        }
      }
      wy.scatter(y, hrow, acc, ow * c);
    }
    for (int i = 0; i < out.length; i++) {
      int v = Math.round(acc[i]);
      out[i] = (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
    }
    return out;
  }

  /**
   * The weights of one axis: output pixel o takes source pixels index[start[o]..start[o+1]) with
   * the matching weights (summing to 1).
   */
  static final class Weights {
    final int[] start;
    final int[] index;
    final float[] weight;

    /** For the vertical pass: the (output, weight) pairs each source row feeds. */
    private final int[][] feedsOut;

    private final float[][] feedsWeight;

    private Weights(int[] start, int[] index, float[] weight, int in) {
      this.start = start;
      this.index = index;
      this.weight = weight;
      int out = start.length - 1;
      int[] count = new int[in];
      for (int t = 0; t < index.length; t++) {
        count[index[t]]++;
      }
      feedsOut = new int[in][];
      feedsWeight = new float[in][];
      for (int i = 0; i < in; i++) {
        feedsOut[i] = new int[count[i]];
        feedsWeight[i] = new float[count[i]];
      }
      int[] fill = new int[in];
      for (int o = 0; o < out; o++) {
        for (int t = start[o]; t < start[o + 1]; t++) {
          int i = index[t];
          feedsOut[i][fill[i]] = o;
          feedsWeight[i][fill[i]++] = weight[t];
        }
      }
    }

    boolean used(int source) {
      return feedsOut[source].length > 0;
    }

    /** acc[o] += w * values for every output row o that source row {@code source} feeds. */
    void scatter(int source, float[] values, float[] acc, int rowLength) {
      int[] outs = feedsOut[source];
      float[] ws = feedsWeight[source];
      for (int j = 0; j < outs.length; j++) {
        float w = ws[j];
        int base = outs[j] * rowLength;
        for (int i = 0; i < rowLength; i++) {
          acc[base + i] += w * values[i];
        }
      }
    }

    static Weights of(int in, int out) {
      List<int[]> idx = new ArrayList<>();
      List<float[]> wts = new ArrayList<>();
      int[] start = new int[out + 1];
      int total = 0;
      for (int o = 0; o < out; o++) {
        int[] is;
        float[] ws;
        if (out < in) {
          // Area averaging: output pixel o covers source interval [o*in/out, (o+1)*in/out).
          double lo = (double) o * in / out;
          double hi = (double) (o + 1) * in / out;
          int first = (int) Math.floor(lo);
          int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
          is = new int[last - first + 1];
          ws = new float[is.length];
          double span = hi - lo;
          for (int i = first; i <= last; i++) {
            double cover = Math.min(hi, i + 1) - Math.max(lo, i);
            is[i - first] = i;
            ws[i - first] = (float) (cover / span);
          }
        } else if (out > in) {
          // Bilinear, pixel centres aligned, edges clamped.
          double centre = (o + 0.5) * in / out - 0.5;
          int i0 = (int) Math.floor(centre);
          double f = centre - i0;
          int a = Math.max(0, Math.min(in - 1, i0));
          int b = Math.max(0, Math.min(in - 1, i0 + 1));
          if (a == b || f == 0) {
            is = new int[] {a};
            ws = new float[] {1f};
          } else {
            is = new int[] {a, b};
            ws = new float[] {(float) (1 - f), (float) f};
          }
        } else {
          is = new int[] {o};
          ws = new float[] {1f};
        }
        idx.add(is);
        wts.add(ws);
        start[o] = total;
        total += is.length;
      }
      start[out] = total;
      int[] index = new int[total];
      float[] weight = new float[total];
      for (int o = 0; o < out; o++) {
        System.arraycopy(idx.get(o), 0, index, start[o], idx.get(o).length);
        System.arraycopy(wts.get(o), 0, weight, start[o], wts.get(o).length);
      }
      return new Weights(start, index, weight, in);
    }
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int channels() {
    return channels;
  }
}
