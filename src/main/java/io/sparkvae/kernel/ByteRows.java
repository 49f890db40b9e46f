// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/** Rows of 8-bit pixels (0..255), read as floats in [0, 1]: exactly {@code v / 255f}. */
public final class ByteRows implements RowBlock {
  private static final long serialVersionUID = 1L;
  private final byte[] data;
  private final int rows;
  private final int width;

  public ByteRows(byte[] data, int rows, int width) {
    if (rows < 0 || width < 1 || (long) rows * width != data.length) {
      throw new IllegalArgumentException(
          rows + " rows × " + width + " pixels does not match " + data.length + " bytes");
    }
    this.data = data;
    this.rows = rows;
    this.width = width;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public void copyRow(int r, float[] dst, int off) {
    Elementwise.INSTANCE.unitBytes(data, r * width, dst, off, width);
  }

  @Override
  public long bytes() {
    return data.length;
  }

  /** The raw 8-bit data, row-major. */
  public byte[] data() {
    return data;
  }
}
