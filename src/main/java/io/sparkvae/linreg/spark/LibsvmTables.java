// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * LibSVM input: Spark's {@code libsvm} source reads {@code label} and a {@code features} vector,
 * which {@link #expand} turns into the columns {@code x1 … xd}. When the source fails on a line,
 * {@link #firstBadLine} reads the text on the driver to say which line and what is wrong with it
 * (Spark's own error names neither).
 */
final class LibsvmTables {
  private LibsvmTables() {}

  /** Spark's libsvm source; a line it cannot parse is named, with what is wrong in it. */
  static Dataset<Row> read(SparkSession spark, RegressionTables.Spec spec) {
    try {
      var reader = spark.read().format("libsvm");
      if (spec.numFeatures() > 0) {
        reader = reader.option("numFeatures", spec.numFeatures());
      }
      return reader.load(spec.path());
    } catch (Exception e) {
      // The source reads every line to count the features; a line it cannot parse fails here
      // (as a SparkException, which Scala throws unchecked).
      String where = firstBadLine(spark.sparkContext().hadoopConfiguration(), spec.path());
      if (where != null) {
        throw new IllegalArgumentException(spec.key() + ": " + where, e);
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** label plus x1 … xd from the vector, d from the source's metadata. */
  static Dataset<Row> expand(Dataset<Row> raw, RegressionTables.Spec spec) {
    int d = AttributeGroup.fromStructField(raw.schema().apply("features")).size();
    if (d <= 0) {
      throw new IllegalArgumentException(
          spec.key() + " " + spec.path() + ": the LibSVM data has no features");
    }
    List<Column> cols = new ArrayList<>();
    cols.add(functions.col("label"));
    Column arr =
        org.apache.spark.ml.functions.vector_to_array(functions.col("features"), "float64");
    for (int j = 0; j < d; j++) {
      cols.add(arr.getItem(j).as("x" + (j + 1)));
    }
    return raw.select(cols.toArray(new Column[0]));
  }

  /** "line 7 of f.libsvm: 'abc' is not a number (the label)", or null when all parse. */
  static String firstBadLine(Configuration conf, String path) {
    try {
      for (Path f : TextFiles.files(conf, path)) {
        FileSystem fs = f.getFileSystem(conf);
        try (BufferedReader r = TextFiles.open(fs, f, conf)) {
          String line;
          long no = 0;
          while ((line = r.readLine()) != null) {
            no++;
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
              continue;
            }
            String[] tok = t.split("\\s+");
            String problem = null;
            if (!NonNumericValues.isNumber(tok[0])) {
              problem = "'" + tok[0] + "' is not a number (the label)";
            }
            for (int i = 1; i < tok.length && problem == null; i++) {
              int colon = tok[i].indexOf(':');
              if (colon <= 0) {
                problem = "'" + tok[i] + "' is not an index:value pair";
              } else if (!tok[i].substring(0, colon).matches("[0-9]+")) {
                problem = "'" + tok[i].substring(0, colon) + "' is not a feature index";
              } else if (!NonNumericValues.isNumber(tok[i].substring(colon + 1))) {
                problem =
                    "'"
                        + tok[i].substring(colon + 1)
                        + "' is not a number (column 'x"
                        + tok[i].substring(0, colon)
                        + "')";
              }
            }
            if (problem != null) {
              return "line " + no + " of " + TextFiles.display(f.toString()) + ": " + problem;
            }
          }
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
