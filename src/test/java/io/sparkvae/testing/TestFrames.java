// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import io.sparkvae.kernel.ByteRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Small DataFrames with exactly controlled partitioning. */
public final class TestFrames {
  private TestFrames() {}

  public static final StructType IMAGE_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("features", DataTypes.BinaryType, true)
          });

  public static final StructType VALUE_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField(
                "features", DataTypes.createArrayType(DataTypes.FloatType, false), true)
          });

  /**
   * Rows of one float each: partition p holds {@code sizes[p]} rows of the value {@code values[p]},
   * as (id, features array of one float).
   */
  public static Dataset<Row> valuesWithSizes(SparkSession spark, float[] values, int[] sizes) {
    List<Integer> parts = IntStream.range(0, sizes.length).boxed().collect(Collectors.toList());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    float[] v = values.clone();
    int[] n = sizes.clone();
    return spark.createDataFrame(
        jsc.parallelize(parts, sizes.length)
            .flatMap(
                p -> {
                  List<Row> rows = new ArrayList<>();
                  for (int i = 0; i < n[p]; i++) {
                    rows.add(RowFactory.create((long) (p * 1000 + i), new float[] {v[p]}));
                  }
                  return rows.iterator();
                }),
        VALUE_SCHEMA);
  }

  /** The first n rows of {@code images} as (id, features binary) in P nearly equal partitions. */
  public static Dataset<Row> images(SparkSession spark, ByteRows images, int n, int partitions) {
    int[] sizes = new int[partitions];
    for (int p = 0; p < partitions; p++) {
      sizes[p] = (int) ((long) (p + 1) * n / partitions - (long) p * n / partitions);
    }
    return imagesWithSizes(spark, images, sizes);
  }

  /** Partition p holds the next {@code sizes[p]} rows (0 allowed), in order. */
  public static Dataset<Row> imagesWithSizes(SparkSession spark, ByteRows images, int[] sizes) {
    int w = images.width();
    byte[] d = Arrays.copyOf(images.data(), Arrays.stream(sizes).sum() * w);
    int[] starts = new int[sizes.length + 1];
    for (int p = 0; p < sizes.length; p++) {
      starts[p + 1] = starts[p] + sizes[p];
    }
    List<Integer> parts = IntStream.range(0, sizes.length).boxed().collect(Collectors.toList());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(
        jsc.parallelize(parts, sizes.length)
            .flatMap(
                p -> {
                  List<Row> rows = new ArrayList<>();
                  for (int i = starts[p]; i < starts[p + 1]; i++) {
                    rows.add(
                        RowFactory.create((long) i, Arrays.copyOfRange(d, i * w, (i + 1) * w)));
                  }
                  return rows.iterator();
                }),
        IMAGE_SCHEMA);
  }
}
