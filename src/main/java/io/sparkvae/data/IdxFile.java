// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import io.sparkvae.kernel.ByteRows;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and its family: a big-endian header (magic 0x0000TTNN with type TT and NN
 * dimensions, then NN sizes) followed by the items. Reads unsigned-byte images and labels, gzipped
 * or not (detected from the stream's first two bytes, not from the file name).
 */
public final class IdxFile {
  private static final int UNSIGNED_BYTE = 0x08;

  private IdxFile() {}

  /** A parsed IDX file of unsigned bytes: {@code dims[0]} items of {@code itemSize()} bytes. */
  public record Contents(int[] dims, byte[] data) {
    public int count() {
      return dims[0];
    }

    public int itemSize() {
      int s = 1;
      for (int i = 1; i < dims.length; i++) {
        s *= dims[i];
      }
      return s;
    }

    public ByteRows asRows() {
      return new ByteRows(data, count(), itemSize());
    }

    public int[] labels() {
      int[] out = new int[data.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = data[i] & 0xFF;
      }
      return out;
    }
  }

  /**
   * Reads a whole IDX file. {@code source} names it in error messages.
   *
   * @throws IOException naming the source and what is wrong: bad magic, unsupported type, truncated
   *     header or body, trailing bytes
   */
  public static Contents read(InputStream raw, String source) throws IOException {
    try {
      return readNamed(raw, source);
    } catch (IOException e) {
      throw named(source, e);
    }
  }

  private static Contents readNamed(InputStream raw, String source) throws IOException {
    DataInputStream data = new DataInputStream(decompressed(raw));
    int[] dims = header(data, source);
    long total = 1;
    for (int d : dims) {
      total *= d;
    }
    byte[] body = new byte[(int) total];
    int read = 0;
    try {
      for (int r; read < body.length && (r = data.read(body, read, body.length - read)) > 0; ) {
        read += r;
      }
    } catch (EOFException e) {
      throw new IOException(bodyProblem(dims, read, source) + " (the gzip stream is cut short)", e);
    }
    if (read < body.length) {
      throw new IOException(bodyProblem(dims, read, source));
    }
    if (data.read() != -1) {
      throw new IOException(bodyProblem(dims, total + 1, source));
    }
    return new Contents(dims, body);
  }

  /** Bytes of an IDX header with {@code ndim} dimensions: the magic number and the sizes. */
  public static long headerBytes(int ndim) {
    return 4L + 4L * ndim;
  }

  /** Bytes of the body an IDX header promises: the product of its sizes. */
  public static long bodyBytes(int[] dims) {
    long total = 1;
    for (int d : dims) {
      total *= d;
    }
    return total;
  }

  /**
   * Null when a body of {@code actual} bytes is what {@code dims} promises, else the message {@link
   * #read} would give.
   */
  public static String bodyProblem(int[] dims, long actual, String source) {
    long total = bodyBytes(dims);
    if (actual < total) {
      return source
          + ": truncated IDX body: header "
          + Arrays.toString(dims)
          + " promises "
          + total
          + " bytes, the file holds "
          + actual;
    }
    if (actual > total) {
      return source
          + ": IDX file has bytes after the "
          + total
          + " its header "
          + Arrays.toString(dims)
          + " promises";
    }
    return null;
  }

  /**
   * Checks a whole IDX file without keeping it: parses the header, then counts the body's bytes as
   * they stream past (a truncated gzip stream is reported as a truncated body).
   *
   * @return the dimensions
   * @throws IOException with the same messages as {@link #read}
   */
  public static int[] verify(InputStream raw, String source) throws IOException {
    try {
      return verifyNamed(raw, source);
    } catch (IOException e) {
      throw named(source, e);
    }
  }

  private static int[] verifyNamed(InputStream raw, String source) throws IOException {
    DataInputStream data = new DataInputStream(decompressed(raw));
    int[] dims = header(data, source);
    byte[] buf = new byte[1 << 16];
    long n = 0;
    try {
      for (int r; (r = data.read(buf)) > 0; ) {
        n += r;
      }
    } catch (EOFException e) {
      // GZIPInputStream: "Unexpected end of ZLIB input stream" when the file was cut short.
      String p = bodyProblem(dims, n, source);
      throw new IOException(
          p != null
              ? p + " (the gzip stream is cut short)"
              : source + ": the gzip stream is cut short after the IDX body",
          e);
    }
    String p = bodyProblem(dims, n, source);
    if (p != null) {
      throw new IOException(p);
    }
    return dims;
  }

  /** True when the stream starts like a gzip file; reads two bytes. */
  public static boolean looksGzipped(InputStream in) throws IOException {
    return in.read() == 0x1f && in.read() == 0x8b;
  }

  /** The dimensions from an IDX header, reading only the header's bytes. */
  public static int[] readHeader(InputStream raw, String source) throws IOException {
    try {
      return header(new DataInputStream(decompressed(raw)), source);
    } catch (IOException e) {
      throw named(source, e);
    }
  }

  private static InputStream decompressed(InputStream raw) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    return (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
  }

  private static int[] header(DataInputStream data, String source) throws IOException {
    int magic;
    try {
      magic = data.readInt();
    } catch (EOFException e) {
      throw new IOException(source + ": truncated IDX header (file shorter than 4 bytes)");
    }
    if ((magic >>> 16) != 0) {
      throw new IOException(
          String.format(
              "%s: not an IDX file (magic number 0x%08x; IDX files start with 0x0000 then a type and "
                  + "a dimension count, e.g. 0x00000803 for images)",
              source, magic));
    }
    int type = (magic >>> 8) & 0xFF;
    int ndim = magic & 0xFF;
    if (type != UNSIGNED_BYTE) {
      throw new IOException(
          String.format(
              "%s: IDX element type 0x%02x is not supported (only unsigned bytes, 0x08)",
              source, type));
    }
    if (ndim < 1 || ndim > 4) {
      throw new IOException(
          source + ": IDX header declares " + ndim + " dimensions; expected 1 (labels) to 4");
    }
    int[] dims = new int[ndim];
    for (int i = 0; i < ndim; i++) {
      try {
        dims[i] = data.readInt();
      } catch (EOFException e) {
        throw new IOException(
            source + ": truncated IDX header (ends in dimension " + (i + 1) + " of " + ndim + ")");
      }
      if (dims[i] <= 0) {
        throw new IOException(
            source + ": IDX dimension " + (i + 1) + " is " + dims[i] + "; sizes must be positive");
      }
    }
    // Checked as it grows (each factor < 2³¹, so no long overflows): a product that wrapped
    // around would let a header-only file pass as a valid one.
    long total = 1;
    for (int d : dims) {
      total *= d;
      if (total > MAX_BODY) {
        throw new IOException(
            source
                + ": IDX header "
                + Arrays.toString(dims)
                + " promises more than "
                + MAX_BODY
                + " bytes, more than one array holds; split the file");
      }
    }
    return dims;
  }

  /** The largest body {@link #read} can hold in one array. */
  static final long MAX_BODY = Integer.MAX_VALUE - 16;

  /** {@code e} with {@code source} in front, unless it already names it (ours do). */
  private static IOException named(String source, IOException e) {
    String m = e.getMessage();
    if (m != null && m.startsWith(source)) {
      return e;
    }
    return new IOException(
        source
            + ": cannot read it as IDX ("
            + (m == null ? e.getClass().getSimpleName() : m)
            + "; a damaged or cut-short gzip file?)",
        e);
  }

  /** Reads a local file. */
  public static Contents read(java.nio.file.Path path) throws IOException {
    try (InputStream in = java.nio.file.Files.newInputStream(path)) {
      return read(in, path.toString());
    }
  }
}
