// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.io.Serializable;

/**
 * A contiguous block of rows of equal width: the unit in which data is cached and read. Rows are
 * turned into floats only when a minibatch is gathered, so 8-bit images stay 8-bit in memory.
 */
public interface RowBlock extends Serializable {
  int rows();

  int width();

  /** Writes row {@code r} as {@code width()} floats into {@code dst[off..]}. */
  void copyRow(int r, float[] dst, int off);

  /** Heap bytes held by the row data (for sizing caches and logs). */
  long bytes();
}
