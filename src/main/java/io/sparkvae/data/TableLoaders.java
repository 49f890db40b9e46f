// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import io.sparkvae.io.Printable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/** {@link Loaders}' tabular formats, read by Spark's own sources: Parquet, CSV and LibSVM. */
final class TableLoaders {
  private TableLoaders() {}

  /**
   * Parquet: the features column (binary 8-bit pixels, array of float/double, or ML Vector), or,
   * when there is no column called "features", every numeric column but the label and id.
   */
  static ImageData parquet(SparkSession spark, Loaders.Spec spec) {
    Dataset<Row> df = spark.read().parquet(spec.path());
    String col = spec.featuresColumn();
    List<String> names = Arrays.asList(df.schema().fieldNames());
    String label =
        spec.labelColumn() != null && names.contains(spec.labelColumn())
            ? spec.labelColumn()
            : null;
    String id = idColumn(spec, names);
    if (id == null && names.contains("path")) {
      id = "path";
    }
    if (col.equals("features") && !names.contains(col)) {
      // No features column: every numeric column but the label and id is a pixel, as for CSV.
      List<org.apache.spark.sql.Column> pixels = new ArrayList<>();
      for (StructField f : df.schema().fields()) {
        if (!f.name().equals(label)
            && !f.name().equals(id)
            && f.dataType() instanceof NumericType) {
          pixels.add(functions.col("`" + f.name() + "`").cast(DataTypes.FloatType));
        }
      }
      if (!pixels.isEmpty()) {
        df =
            df.withColumn(
                "features", functions.array(pixels.toArray(new org.apache.spark.sql.Column[0])));
      }
    }
    return new ImageData(df, col, label, id, spec.shape(), spec.key() + ": " + spec.path());
  }

  /**
   * CSV with a header: every numeric column except the label and an {@code id} column is a pixel
   * (in file order), assembled into one array&lt;float&gt; features column.
   */
  static ImageData csv(SparkSession spark, Loaders.Spec spec) {
    Dataset<Row> df =
        spark.read().option("header", "true").option("inferSchema", "true").csv(spec.path());
    List<String> names = Arrays.asList(df.schema().fieldNames());
    String label =
        spec.labelColumn() != null && names.contains(spec.labelColumn())
            ? spec.labelColumn()
            : null;
    String id = idColumn(spec, names);
    List<org.apache.spark.sql.Column> pixels = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(label) || f.name().equals(id)) {
        continue;
      }
      DataType t = f.dataType();
      if (!(t instanceof NumericType)) {
        if (df.limit(1).count() == 0) {
          // With no data rows, schema inference types every column as a string.
          throw new IllegalArgumentException(
              spec.key()
                  + " "
                  + spec.path()
                  + ", column '"
                  + "features': the data set has no rows");
        }
        throw new IllegalArgumentException(
            spec.key()
                + " "
                + spec.path()
                + ": column '"
                + Printable.name(f.name())
                + "' is not numeric ("
                + t.simpleString()
                + "); every column but the id (data.id) and the label must hold numbers");
      }
      pixels.add(functions.col("`" + f.name() + "`").cast(DataTypes.FloatType));
    }
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    if (id != null) {
      cols.add(Columns.exact(id));
    }
    if (label != null) {
      cols.add(functions.col(label));
    }
    cols.add(functions.array(pixels.toArray(new org.apache.spark.sql.Column[0])).as("features"));
    Dataset<Row> out = df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
    return new ImageData(out, "features", label, id, spec.shape(), spec.key() + ": " + spec.path());
  }

  /** {@code data.id} when the table has that column, else null: never read as a pixel. */
  private static String idColumn(Loaders.Spec spec, List<String> names) {
    String id = spec.idColumn();
    return id != null && !id.isEmpty() && names.contains(id) ? id : null;
  }

  /** LibSVM: Spark's own source (label, features Vector). */
  static ImageData libsvm(SparkSession spark, Loaders.Spec spec) {
    var reader = spark.read().format("libsvm");
    if (spec.numFeatures() > 0) {
      reader = reader.option("numFeatures", spec.numFeatures());
    }
    Dataset<Row> df = reader.load(spec.path());
    return new ImageData(
        df, "features", "label", null, spec.shape(), spec.key() + ": " + spec.path());
  }
}
