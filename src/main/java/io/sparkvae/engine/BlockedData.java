// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.FloatRows;
import io.sparkvae.kernel.RowBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * A DataFrame packed for training: one {@link PartitionData} per partition, cached at a chosen
 * storage level, validated in the same pass that packs it. Building it runs one Spark job; if the
 * data has problems the cache is dropped and {@link DataValidationException} lists them all.
 *
 * <p>Nothing is collected to the driver but a few numbers per partition.
 */
public final class BlockedData implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlockedData.class);

  /** Target size of one packed block: large enough for fast gathers, small enough to spill. */
  static final int BLOCK_BYTES = 4 << 20;

  private final JavaRDD<PartitionData> rdd;
  private final long[] partitionRows;
  private final int width;
  private final boolean bytes;
  private final long cachedBytes;
  private final String name;

  private BlockedData(
      JavaRDD<PartitionData> rdd,
      long[] partitionRows,
      int width,
      boolean bytes,
      long cachedBytes,
      String name) {
    this.rdd = rdd;
    this.partitionRows = partitionRows;
    this.width = width;
    this.bytes = bytes;
    this.cachedBytes = cachedBytes;
    this.name = name;
  }

  /** What to require of the rows. */
  public record Requirements(boolean unitInterval, int expectedDim)
      implements java.io.Serializable {
    public static Requirements none() {
      return new Requirements(false, -1);
    }
  }

  /**
   * Packs {@code df} through {@code reader} and caches it.
   *
   * @param name what the data is called in messages, e.g. "training data data/train.parquet"
   * @param idColumn a column whose value identifies a row in messages (may be null or absent)
   * @throws DataValidationException naming every problem: column, count of bad rows, an example
   */
  public static BlockedData build(
      Dataset<Row> df,
      FeatureReader reader,
      Requirements req,
      StorageLevel level,
      String name,
      String idColumn) {
    int idIdx = -1;
    if (idColumn != null) {
      idIdx = Arrays.asList(df.schema().fieldNames()).indexOf(idColumn);
    }
    final int idIndex = idIdx;
    JavaRDD<PartitionData> packed =
        df.toJavaRDD()
            .mapPartitionsWithIndex(
                (p, it) -> List.of(pack(p, it, reader, req, idIndex)).iterator(), true)
            .persist(level);
    packed.setName("spark-vae blocks: " + name);
    // One job: materializes the cache and brings back a few numbers and the checks per partition.
    List<Summary> summaries = null;
    try {
      summaries =
          new ArrayList<>(
              packed
                  .map(d -> new Summary(d.partition(), d.rows(), d.bytes(), d.check()))
                  .collect());
    } finally {
      if (summaries == null) {
        // A failed or cancelled job (Spark throws its checked SparkException here) must not leave
        // a half-filled cache in a caller's long-lived context (a notebook, CrossValidator).
        packed.unpersist(false);
      }
    }
    summaries.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    DataCheck all = new DataCheck();
    long[] rows = new long[summaries.size()];
    long total = 0;
    for (Summary s : summaries) {
      all = all.merge(s.check());
      rows[s.partition()] = s.rows();
      total += s.bytes();
    }
    List<String> problems = all.problems(name, reader.describe(), req.expectedDim());
    if (!problems.isEmpty()) {
      packed.unpersist(false);
      throw new DataValidationException(problems);
    }
    warnIfSpilled(packed, name, total);
    return new BlockedData(packed, rows, all.dimension(), reader.bytes(), total, name);
  }

  /**
   * One warning when part of the cache went to disk (Spark's MemoryStore warns on every read).
   * Every round reads every partition, so a partition on disk is read and deserialized again in
   * every round: training still works, but slower.
   */
  private static void warnIfSpilled(JavaRDD<PartitionData> packed, String name, long bytes) {
    long disk = 0;
    for (org.apache.spark.storage.RDDInfo info : packed.context().getRDDStorageInfo()) {
      if (info.id() == packed.id()) {
        disk = info.diskSize();
      }
    }
    if (disk > 0) {
      LOG.warn(
          String.format(
              Locale.ROOT,
              "%s: %.0f MB of the %.0f MB cache did not fit in memory "
                  + "and is on disk; every synchronization round reads it again. Give Spark more memory "
                  + "(driver/executor memory, spark.memory.fraction), or raise train.sync-every to read "
                  + "it fewer times per epoch.",
              name,
              disk / 1e6,
              bytes / 1e6));
    }
  }

  /** A plain class, not a record: Spark's Kryo serializer cannot build records. */
  private static final class Summary implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int partition;
    private final long rows;
    private final long bytes;
    private final DataCheck check;

    Summary(int partition, long rows, long bytes, DataCheck check) {
      this.partition = partition;
      this.rows = rows;
      this.bytes = bytes;
      this.check = check;
    }

    int partition() {
      return partition;
    }

    long rows() {
      return rows;
    }

    long bytes() {
      return bytes;
    }

    DataCheck check() {
      return check;
    }
  }

  static PartitionData pack(
      int partition, Iterator<Row> it, FeatureReader reader, Requirements req, int idIndex) {
    DataCheck check = new DataCheck();
    List<RowBlock> blocks = new ArrayList<>();
    int width = 0;
    int rowsPerBlock = 0;
    byte[] byteBuf = null;
    float[] floatBuf = null;
    int filled = 0;
    FeatureReader.FloatBuffer scratch = new FeatureReader.FloatBuffer();
    long r = 0;
    while (it.hasNext()) {
      Row row = it.next();
      long rowIndex = r++;
      int dim;
      byte[] pixels = null;
      if (reader.bytes()) {
        pixels = reader.readBytes(row);
        dim = pixels == null ? -1 : pixels.length;
      } else {
        dim = reader.readFloats(row, scratch);
      }
      if (dim < 0) {
        check.problem(DataCheck.Problem.NULL_VALUE, where(partition, rowIndex, row, idIndex));
        continue;
      }
      check.countRow(dim, where(partition, rowIndex, row, idIndex));
      if (!reader.bytes()) {
        float[] v = scratch.data;
        boolean bad = false;
        for (int j = 0; j < dim; j++) {
          float x = v[j];
          if (!Float.isFinite(x)) {
            check.problem(
                DataCheck.Problem.NON_FINITE,
                where(partition, rowIndex, row, idIndex) + " has " + x + " at position " + j);
            bad = true;
            break;
          }
        }
        if (!bad && req.unitInterval()) {
          for (int j = 0; j < dim; j++) {
            float x = v[j];
            if (x < 0f || x > 1f) {
              check.problem(
                  DataCheck.Problem.OUTSIDE_UNIT_INTERVAL,
                  where(partition, rowIndex, row, idIndex) + " has " + x + " at position " + j);
              bad = true;
              break;
            }
          }
        }
        if (bad) {
          continue;
        }
      }
      if (width == 0) {
        width = dim;
        int bytesPerRow = dim * (reader.bytes() ? 1 : 4);
        rowsPerBlock = Math.max(1, BLOCK_BYTES / Math.max(1, bytesPerRow));
      }
      if (dim != width) {
        continue; // mixed dimensions: counted above, reported by the driver
      }
      if (filled == 0) {
        if (reader.bytes()) {
          byteBuf = new byte[rowsPerBlock * width];
        } else {
          floatBuf = new float[rowsPerBlock * width];
        }
      }
      if (reader.bytes()) {
        System.arraycopy(pixels, 0, byteBuf, filled * width, width);
      } else {
        System.arraycopy(scratch.data, 0, floatBuf, filled * width, width);
      }
      if (++filled == rowsPerBlock) {
        blocks.add(
            reader.bytes()
                ? new ByteRows(byteBuf, filled, width)
                : new FloatRows(floatBuf, filled, width));
        filled = 0;
      }
    }
    if (filled > 0) {
      blocks.add(
          reader.bytes()
              ? new ByteRows(Arrays.copyOf(byteBuf, filled * width), filled, width)
              : new FloatRows(Arrays.copyOf(floatBuf, filled * width), filled, width));
    }
    return new PartitionData(partition, blocks, width, check);
  }

  private static String where(int partition, long row, Row r, int idIndex) {
    String pos = String.format(Locale.ROOT, "partition %d, row %d", partition, row);
    if (idIndex >= 0 && !r.isNullAt(idIndex)) {
      return "row " + r.get(idIndex) + " (" + pos + ")";
    }
    return "the row at " + pos;
  }

  public JavaRDD<PartitionData> rdd() {
    return rdd;
  }

  public int numPartitions() {
    return partitionRows.length;
  }

  public long[] partitionRows() {
    return partitionRows.clone();
  }

  public long rows() {
    long n = 0;
    for (long r : partitionRows) {
      n += r;
    }
    return n;
  }

  public int width() {
    return width;
  }

  /** True when rows are cached as 8-bit pixels. */
  public boolean bytes() {
    return bytes;
  }

  public long cachedBytes() {
    return cachedBytes;
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    rdd.unpersist(false);
  }
}
