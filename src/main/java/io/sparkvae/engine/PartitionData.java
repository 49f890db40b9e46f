// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.RowBlock;
import io.sparkvae.kernel.Rows;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * Everything one Spark partition holds for training: its rows packed into a few contiguous {@link
 * RowBlock}s (8-bit images stay 8-bit), plus what validation found while packing them. The cached
 * RDD has exactly one of these per partition.
 */
public final class PartitionData implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int partition;
  private final List<RowBlock> blocks;
  private final int width;
  private final DataCheck check;

  PartitionData(int partition, List<RowBlock> blocks, int width, DataCheck check) {
    this.partition = partition;
    this.blocks = blocks;
    this.width = width;
    this.check = check;
  }

  /**
   * The one element of a cached partition's iterator, read to its end: Spark releases the cached
   * block's read lock when the iterator is exhausted, and logs "block locks were not released" for
   * every task that leaves it open.
   */
  static PartitionData single(Iterator<PartitionData> it) {
    if (!it.hasNext()) {
      throw new IllegalStateException("a cached training partition with no PartitionData");
    }
    PartitionData pd = it.next();
    if (it.hasNext()) {
      throw new IllegalStateException("a cached training partition with more than one element");
    }
    return pd;
  }

  public int partition() {
    return partition;
  }

  /** Row width, or 0 for a partition without valid rows. */
  public int width() {
    return width;
  }

  public long rows() {
    long n = 0;
    for (RowBlock b : blocks) {
      n += b.rows();
    }
    return n;
  }

  public long bytes() {
    long n = 0;
    for (RowBlock b : blocks) {
      n += b.bytes();
    }
    return n;
  }

  public DataCheck check() {
    return check;
  }

  /** The rows as one indexable sequence (cheap: no copy). */
  public Rows view(int expectedWidth) {
    return new Rows(blocks, width == 0 ? expectedWidth : width);
  }
}
