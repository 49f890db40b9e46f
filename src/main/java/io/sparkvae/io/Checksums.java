// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * SHA-256 digests as lowercase hex, the form {@code sha256sum} prints, so a checksum recorded in a
 * model's metadata can be checked by hand on any machine.
 */
public final class Checksums {
  private static final HexFormat HEX = HexFormat.of();

  private Checksums() {}

  /** The SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return HEX.formatHex(sha256().digest(bytes));
  }

  /** The SHA-256 of everything left in {@code in}, read in chunks; does not close it. */
  public static String sha256Hex(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    MessageDigest digest = sha256();
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) != -1; ) {
      digest.update(buf, 0, n);
    }
    return HEX.formatHex(digest.digest());
  }

  /**
   * Checks {@code bytes} against an expected SHA-256 (hex, either case).
   *
   * @param source names the data in the error
   * @throws IOException naming the source and both digests when they differ
   */
  public static void verifySha256(byte[] bytes, String expectedHex, String source)
      throws IOException {
    Objects.requireNonNull(expectedHex, "expectedHex");
    String actual = sha256Hex(bytes);
    if (!actual.equals(expectedHex.toLowerCase(Locale.ROOT))) {
      throw new IOException(
          source
              + ": SHA-256 is "
              + actual
              + ", expected "
              + expectedHex
              + " (the file is corrupt or is not the one recorded)");
    }
  }

  /**
   * Wraps {@code out} so that everything written through it is also hashed: one pass both writes a
   * file and computes its checksum. Closing the wrapper closes {@code out}.
   */
  public static Sha256OutputStream hashing(OutputStream out) {
    return new Sha256OutputStream(Objects.requireNonNull(out, "out"));
  }

  /** An output stream that hashes what passes through it; see {@link #hashing}. */
  public static final class Sha256OutputStream extends FilterOutputStream {
    private final MessageDigest digest = sha256();
    private long count;
    private String hex;

    private Sha256OutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      open();
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    // FilterOutputStream would forward an array one byte at a time.
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      open();
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    /** Bytes written so far. */
    public long count() {
      return count;
    }

    /** The SHA-256 of everything written; after this call the stream accepts no more bytes. */
    public String sha256Hex() {
      if (hex == null) {
        hex = HEX.formatHex(digest.digest());
      }
      return hex;
    }

    private void open() {
      if (hex != null) {
        throw new IllegalStateException("write after sha256Hex(): the digest is already final");
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 (see MessageDigest's javadoc).
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
