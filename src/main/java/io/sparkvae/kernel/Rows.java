// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.List;

/** Several {@link RowBlock}s of one width seen as one indexable sequence of rows. */
public final class Rows {
  private final RowBlock[] blocks;
  private final int[] starts;
  private final int rows;
  private final int width;

  public Rows(List<? extends RowBlock> blockList, int width) {
    this.blocks = blockList.toArray(new RowBlock[0]);
    this.width = width;
    this.starts = new int[blocks.length + 1];
    long total = 0;
    for (int i = 0; i < blocks.length; i++) {
      if (blocks[i].width() != width) {
        throw new IllegalArgumentException(
            "block " + i + " has rows of width " + blocks[i].width() + ", expected " + width);
      }
      starts[i] = (int) total;
      total += blocks[i].rows();
      if (total > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "more than 2^31 rows in one partition; use more partitions");
      }
    }
    starts[blocks.length] = (int) total;
    this.rows = (int) total;
  }

  public static Rows of(RowBlock block) {
    return new Rows(List.of(block), block.width());
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  /** Writes row {@code r} into {@code dst[off..off+width)}. */
  public void copyRow(int r, float[] dst, int off) {
    int b = blockOf(r);
    blocks[b].copyRow(r - starts[b], dst, off);
  }

  /** Gathers rows {@code order[from..to)} into {@code dst} as a dense row-major block. */
  public void gather(int[] order, int from, int to, float[] dst) {
    for (int i = from, off = 0; i < to; i++, off += width) {
      copyRow(order[i], dst, off);
    }
  }

  /** Copies the consecutive rows {@code [from, to)} into {@code dst}. */
  public void copyRange(int from, int to, float[] dst) {
    for (int r = from, off = 0; r < to; r++, off += width) {
      copyRow(r, dst, off);
    }
  }

  private int blockOf(int r) {
    if (blocks.length == 1) {
      return 0;
    }
    int lo = 0;
    int hi = blocks.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= r) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
