// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/** Packing and validation of training DataFrames. */
class BlockedDataTest extends SparkTestBase {

  private static Dataset<Row> frame(StructType schema, List<Row> rows, int partitions) {
    return spark().createDataFrame(jsc().parallelize(rows, partitions), schema);
  }

  private static StructType schema(org.apache.spark.sql.types.DataType featureType) {
    return new StructType(
        new StructField[] {
          DataTypes.createStructField("id", DataTypes.StringType, false),
          DataTypes.createStructField("features", featureType, true)
        });
  }

  private static BlockedData build(Dataset<Row> df, boolean unit, int expectedDim) {
    return BlockedData.build(
        df,
        FeatureReader.forColumn(df.schema(), "features"),
        new BlockedData.Requirements(unit, expectedDim),
        StorageLevel.MEMORY_ONLY(),
        "test data",
        "id");
  }

  @Test
  void eightBitImagesStayEightBitInTheCache() {
    Dataset<Row> df = TestFrames.images(spark(), Samples.trainImages(), 1000, 3);
    try (BlockedData b = build(df, true, -1)) {
      assertTrue(b.bytes());
      assertEquals(784, b.width());
      assertEquals(1000, b.rows());
      assertEquals(1000L * 784, b.cachedBytes(), "one byte per pixel");
      assertEquals(3, b.numPartitions());
    }
  }

  @Test
  void vectorsAndArraysAreAccepted() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(
          RowFactory.create("r" + i, Vectors.sparse(4, new int[] {i % 4}, new double[] {0.5})));
    }
    try (BlockedData b = build(frame(schema(SQLDataTypes.VectorType()), rows, 2), true, 4)) {
      assertEquals(4, b.width());
      assertEquals(10L * 4 * 4, b.cachedBytes());
    }
    List<Row> arr = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      arr.add(RowFactory.create("a" + i, new double[] {i, -i, 2.5}));
    }
    try (BlockedData b =
        build(frame(schema(DataTypes.createArrayType(DataTypes.DoubleType)), arr, 1), false, -1)) {
      assertEquals(3, b.width());
    }
  }

  @Test
  void mixedDimensionsNaNRangeAndNullsAreAllReportedWithCountsAndExamples() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create("ok" + i, new float[] {0.1f, 0.2f, 0.3f}));
    }
    rows.add(RowFactory.create("short", new float[] {0.1f, 0.2f}));
    rows.add(RowFactory.create("nan", new float[] {0.1f, Float.NaN, 0.3f}));
    rows.add(RowFactory.create("big", new float[] {0.1f, 1.5f, 0.3f}));
    rows.add(RowFactory.create("big2", new float[] {2f, 1.5f, 0.3f}));
    rows.add(RowFactory.create("null", null));
    Dataset<Row> df = frame(schema(DataTypes.createArrayType(DataTypes.FloatType)), rows, 2);
    DataValidationException e =
        assertThrows(DataValidationException.class, () -> build(df, true, -1));
    String m = e.getMessage();
    assertTrue(m.contains("column 'features'"), m);
    assertTrue(m.contains("1 rows with a null value; for example row null"), m);
    assertTrue(m.contains("1 rows with NaN or infinite values; for example row nan"), m);
    assertTrue(m.contains("2 rows with values outside [0, 1]"), m);
    assertTrue(m.contains("row big (partition 1, row"), m);
    assertTrue(m.contains("mixed dimension: 2 (1 rows, e.g. row short"), m);
    assertEquals(4, e.problems().size(), m);
  }

  @Test
  void emptyDataWrongTypeMissingColumnAndWrongDimension() {
    Dataset<Row> empty = frame(schema(DataTypes.BinaryType), new ArrayList<>(), 2);
    DataValidationException e =
        assertThrows(DataValidationException.class, () -> build(empty, true, -1));
    assertTrue(e.getMessage().contains("has no rows"), e.getMessage());

    IllegalArgumentException t =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureReader.forColumn(schema(DataTypes.StringType), "features"));
    assertTrue(
        t.getMessage().contains("features column 'features' has type string"), t.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureReader.forColumn(schema(DataTypes.BinaryType), "pixels"));
    assertTrue(
        missing
            .getMessage()
            .contains(
                "no features column 'pixels'; the data has columns "
                    + "id (string), features (binary)"),
        missing.getMessage());

    Dataset<Row> df = TestFrames.images(spark(), Samples.trainImages(), 10, 1);
    DataValidationException dim =
        assertThrows(
            DataValidationException.class,
            () ->
                BlockedData.build(
                    df,
                    FeatureReader.forColumn(df.schema(), "features"),
                    new BlockedData.Requirements(true, 100),
                    StorageLevel.MEMORY_ONLY(),
                    "test data",
                    "id"));
    assertTrue(
        dim.getMessage().contains("rows have dimension 784 but the model expects 100"),
        dim.getMessage());
  }

  /** Read locks the running task holds on cached blocks. */
  private static int locksHeldByThisTask() {
    return SparkEnv.get()
        .blockManager()
        .blockInfoManager()
        .getTaskLockCount(TaskContext.get().taskAttemptId());
  }

  @Test
  void readingACachedPartitionReleasesItsBlockLockBeforeTheTaskEnds() {
    Dataset<Row> df = TestFrames.images(spark(), Samples.trainImages(), 100, 2);
    try (BlockedData b = build(df, true, -1)) {
      // Locks released by reading the partition, per task: the cached block's read lock is taken
      // when the iterator is made, before our function runs.
      List<Integer> withSingle =
          b.rdd()
              .mapPartitions(
                  it -> {
                    int before = locksHeldByThisTask();
                    PartitionData.single(it);
                    return List.of(before - locksHeldByThisTask()).iterator();
                  })
              .collect();
      assertEquals(List.of(1, 1), withSingle);
      // An iterator left open keeps the lock until the task ends (Spark then logs it).
      List<Integer> withNext =
          b.rdd()
              .mapPartitions(
                  it -> {
                    int before = locksHeldByThisTask();
                    it.next();
                    return List.of(before - locksHeldByThisTask()).iterator();
                  })
              .collect();
      assertEquals(List.of(0, 0), withNext);
    }
  }

  @Test
  void aPackingJobThatFailsLeavesNoCachedBlocksBehind() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create("r" + i, new double[] {i, 1.0}));
    }
    StructType schema = schema(DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> failing =
        spark()
            .createDataFrame(
                jsc()
                    .parallelize(rows, 2)
                    .map(
                        r -> {
                          if (r.getString(0).equals("r15")) {
                            throw new IllegalStateException("source read failed at r15");
                          }
                          return r;
                        }),
                schema);
    Exception e = assertThrows(Exception.class, () -> build(failing, false, -1));
    assertTrue(String.valueOf(e.getMessage()).contains("source read failed at r15"), "" + e);
    boolean leftOver =
        jsc()
            .sc()
            .getPersistentRDDs()
            .values()
            .exists(rdd -> "spark-vae blocks: test data".equals(rdd.name()));
    assertTrue(!leftOver, "the half-filled cache was unpersisted");
  }
}
