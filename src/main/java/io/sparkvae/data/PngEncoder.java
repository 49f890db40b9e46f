// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import java.util.Arrays;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Encodes 8-bit RGB pixels as a PNG whose bytes depend only on the pixels: the same image gives the
 * same file on every JVM and machine.
 *
 * <p>{@code javax.imageio} and {@link java.util.zip.Deflater} cannot promise that: the JDK deflates
 * with whichever zlib it was built against (the bundled one, the system's, or zlib-ng, which
 * compresses differently), so the same pixels could become different files on two machines. This
 * encoder writes its own DEFLATE stream instead, small enough to check by eye:
 *
 * <ul>
 *   <li>each scanline is filtered with PNG's <em>Sub</em> filter (the difference to the pixel on
 *       the left) or <em>Up</em> (the difference to the pixel above), whichever leaves more zero
 *       bytes; on flat colour both turn whole runs into zeros;
 *   <li>the filtered bytes are run-length coded as DEFLATE literals and matches at distance 1 (a
 *       byte repeated), in one block with DEFLATE's fixed Huffman codes (RFC 1951, 3.2.6), so there
 *       are no code tables to build or choose.
 * </ul>
 *
 * <p>It compresses flat shapes on a flat background to about a tenth of the raw pixels; photographs
 * would gain little, but they are not what it is for. Any PNG reader decodes the result (a test
 * reads it back with {@code javax.imageio} and {@link java.util.zip.Inflater}).
 */
public final class PngEncoder {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /** Longest DEFLATE match. */
  private static final int MAX_MATCH = 258;

  /** Lengths of the DEFLATE length codes 257..285 and their extra bits (RFC 1951, 3.2.5). */
  private static final int[] LENGTH_BASE = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258
  };

  private static final int[] LENGTH_EXTRA = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
  };

  /** The fixed literal/length Huffman code of each symbol 0..287, bit-reversed for LSB-first. */
  private static final int[] CODE = new int[288];

  private static final int[] CODE_BITS = new int[288];

  static {
    for (int s = 0; s < 288; s++) {
      int code;
      int bits;
      if (s < 144) {
        code = 0x30 + s;
        bits = 8;
      } else if (s < 256) {
        code = 0x190 + s - 144;
        bits = 9;
      } else if (s < 280) {
        code = s - 256;
        bits = 7;
      } else {
        code = 0xC0 + s - 280;
        bits = 8;
      }
      // Huffman codes are sent most significant bit first, everything else least significant
      // first; reversing the code once here lets one LSB-first writer send both.
      CODE[s] = Integer.reverse(code) >>> (32 - bits);
      CODE_BITS[s] = bits;
    }
  }

  private PngEncoder() {}

  /**
   * A PNG of the {@code width × height} RGB image at {@code pixels[off..]} (row-major, RGB
   * interleaved, 8 bits a channel).
   */
  public static byte[] rgb(byte[] pixels, int off, int width, int height) {
    if (width < 1 || height < 1 || off < 0 || pixels.length - off < 3L * width * height) {
      throw new IllegalArgumentException(
          "need "
              + 3L * width * height
              + " bytes from offset "
              + off
              + " for a "
              + width
              + "x"
              + height
              + " RGB image, have "
              + (pixels.length - off));
    }
    byte[] filtered = filter(pixels, off, width, height);
    byte[] zlib = zlib(filtered);
    byte[] header = new byte[13];
    putInt(header, 0, width);
    putInt(header, 4, height);
    header[8] = 8; // bits per channel
    header[9] = 2; // colour type: RGB
    // compression 0 (deflate), filter method 0, no interlace: the remaining bytes stay 0
    Bytes out = new Bytes(zlib.length + 64);
    out.put(SIGNATURE, 0, SIGNATURE.length);
    chunk(out, "IHDR", header);
    chunk(out, "IDAT", zlib);
    chunk(out, "IEND", new byte[0]);
    return out.toArray();
  }

  /** Each scanline as a filter-type byte and the filtered bytes: Sub or Up, more zeros wins. */
  private static byte[] filter(byte[] px, int off, int width, int height) {
    int stride = 3 * width;
    byte[] out = new byte[(stride + 1) * height];
    byte[] sub = new byte[stride];
    byte[] up = new byte[stride];
    for (int y = 0; y < height; y++) {
      int row = off + y * stride;
      // Simple loops without branches in them: this runs over every byte of every image.
      System.arraycopy(px, row, sub, 0, 3);
      for (int i = 3; i < stride; i++) {
        sub[i] = (byte) (px[row + i] - px[row + i - 3]);
      }
      if (y == 0) {
        System.arraycopy(px, row, up, 0, stride);
      } else {
        for (int i = 0; i < stride; i++) {
          up[i] = (byte) (px[row + i] - px[row + i - stride]);
        }
      }
      int subZeros = 0;
      int upZeros = 0;
      for (int i = 0; i < stride; i++) {
        subZeros += (sub[i] | -sub[i]) >>> 31 ^ 1;
        upZeros += (up[i] | -up[i]) >>> 31 ^ 1;
      }
      int o = y * (stride + 1);
      boolean useUp = upZeros > subZeros;
      out[o] = (byte) (useUp ? 2 : 1);
      System.arraycopy(useUp ? up : sub, 0, out, o + 1, stride);
    }
    return out;
  }

  /** A zlib stream (RFC 1950) of one fixed-Huffman DEFLATE block of literals and byte runs. */
  static byte[] zlib(byte[] data) {
    Bits bits = new Bits(data.length / 4 + 64);
    bits.bytes.put(0x78); // deflate, 32 KiB window
    bits.bytes.put(0x01); // no preset dictionary, "fastest" level; 0x7801 is a multiple of 31
    bits.write(1, 1); // the final block
    bits.write(1, 2); // fixed Huffman codes
    int i = 0;
    while (i < data.length) {
      int b = data[i] & 0xFF;
      symbol(bits, b);
      i++;
      // The bytes that repeat b: a match at distance 1 copies the byte just sent.
      int run = 0;
      while (i + run < data.length && run < MAX_MATCH && (data[i + run] & 0xFF) == b) {
        run++;
      }
      if (run >= 3) {
        length(bits, run);
        bits.write(0, 5); // distance code 0 (distance 1): five zero bits, no extra bits
        i += run;
      }
      // A run shorter than 3 costs less as literals; the loop sends them one at a time.
    }
    symbol(bits, 256); // end of block
    bits.flush();
    Adler32 adler = new Adler32();
    adler.update(data);
    long a = adler.getValue();
    for (int s = 24; s >= 0; s -= 8) {
      bits.bytes.put((int) (a >>> s) & 0xFF);
    }
    return bits.bytes.toArray();
  }

  private static void symbol(Bits bits, int s) {
    bits.write(CODE[s], CODE_BITS[s]);
  }

  /** A match length 3..258 as its length code and extra bits. */
  private static void length(Bits bits, int len) {
    int k = LENGTH_BASE.length - 1;
    while (LENGTH_BASE[k] > len) {
      k--;
    }
    symbol(bits, 257 + k);
    if (LENGTH_EXTRA[k] > 0) {
      bits.write(len - LENGTH_BASE[k], LENGTH_EXTRA[k]);
    }
  }

  private static void chunk(Bytes out, String type, byte[] data) {
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.put(len, 0, 4);
    out.put(t, 0, 4);
    out.put(data, 0, data.length);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.put(c, 0, 4);
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  /** A growable byte array (ByteArrayOutputStream synchronizes every write). */
  private static final class Bytes {
    private byte[] buf;
    private int n;

    Bytes(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    void put(int b) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, 2 * buf.length);
      }
      buf[n++] = (byte) b;
    }

    void put(byte[] b, int off, int len) {
      if (n + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + len));
      }
      System.arraycopy(b, off, buf, n, len);
      n += len;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, n);
    }
  }

  /** DEFLATE's bit order: values are packed from the least significant bit of each byte up. */
  private static final class Bits {
    final Bytes bytes;
    private long acc;
    private int count;

    Bits(int capacity) {
      bytes = new Bytes(capacity);
    }

    void write(int value, int n) {
      acc |= (long) value << count;
      count += n;
      while (count >= 8) {
        bytes.put((int) acc & 0xFF);
        acc >>>= 8;
        count -= 8;
      }
    }

    void flush() {
      if (count > 0) {
        bytes.put((int) acc & 0xFF);
        acc = 0;
        count = 0;
      }
    }
  }
}
