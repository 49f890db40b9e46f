// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkvae.kernel.Rng;
import io.sparkvae.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The PCA baseline's two ways of finding components agree, so large images can use the cheap one.
 */
class PcaBaselineTest extends SparkTestBase {

  @Test
  void theTruncatedSvdFindsTheSameSubspaceAndVarianceAsMllibPca() {
    int dim = 12;
    int k = 3;
    Rng rng = new Rng(7);
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < 400; r++) {
      double a = 3 * (rng.nextDouble() - 0.5);
      double b = 2 * (rng.nextDouble() - 0.5);
      double c = rng.nextDouble() - 0.5;
      double[] x = new double[dim];
      for (int j = 0; j < dim; j++) {
        x[j] = 0.5 + a * Math.sin(j) + b * Math.cos(2 * j) + c * (j % 3) + 0.05 * rng.nextDouble();
      }
      rows.add(RowFactory.create(Vectors.dense(x)));
    }
    StructType schema =
        new StructType(
            new StructField[] {DataTypes.createStructField("x", SQLDataTypes.VectorType(), false)});
    Dataset<Row> tv = spark().createDataFrame(rows, schema).repartition(3);
    PcaBaseline.Fit exact = PcaBaseline.fit(tv, k, dim, dim);
    PcaBaseline.Fit svd = PcaBaseline.fit(tv, k, dim, dim - 1);
    assertEquals("MLlib PCA (covariance)", exact.method());
    assertEquals("truncated SVD (ARPACK)", svd.method());
    assertEquals(exact.explained(), svd.explained(), 1e-6);
    // Signs and order within equal eigenvalues may differ: compare the projections V Vᵀ.
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        assertEquals(
            projection(exact.components(), dim, k, i, j),
            projection(svd.components(), dim, k, i, j),
            1e-6,
            "P[" + i + "][" + j + "]");
      }
    }
  }

  private static double projection(double[] v, int dim, int k, int i, int j) {
    double s = 0;
    for (int q = 0; q < k; q++) {
      s += v[q * dim + i] * v[q * dim + j];
    }
    return s;
  }
}
