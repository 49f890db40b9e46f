// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/** Rows of floats, row-major. */
public final class FloatRows implements RowBlock {
  private static final long serialVersionUID = 1L;
  private final float[] data;
  private final int rows;
  private final int width;

  public FloatRows(float[] data, int rows, int width) {
    if (rows < 0 || width < 1 || (long) rows * width != data.length) {
      throw new IllegalArgumentException(
          rows + " rows × " + width + " values does not match " + data.length + " floats");
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
    System.arraycopy(data, r * width, dst, off, width);
  }

  @Override
  public long bytes() {
    return 4L * data.length;
  }

  public float[] data() {
    return data;
  }
}
