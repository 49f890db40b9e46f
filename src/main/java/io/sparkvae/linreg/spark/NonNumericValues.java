// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import io.sparkvae.data.Columns;
import io.sparkvae.data.Loaders;
import io.sparkvae.io.Printable;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The error for a label or feature column that does not hold numbers, with the first value that is
 * not one and where it is. Spark's CSV schema inference makes a whole column a string when a single
 * value is not a number, so the type alone would leave the user searching.
 */
public final class NonNumericValues {
  private NonNumericValues() {}

  /**
   * True when Spark's CSV reader takes {@code s} for a double: what {@link Double#parseDouble}
   * accepts, plus its default {@code nanValue}, {@code positiveInf} and {@code negativeInf}.
   */
  public static boolean isNumber(String s) {
    if (s == null) {
      return false;
    }
    if (s.equals("NaN") || s.equals("Inf") || s.equals("-Inf")) {
      return true;
    }
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The error for a label or feature column whose type is not numeric. For CSV (every value is
   * text) and for string columns, it finds the first value that is not a number and says where it
   * is; otherwise it names the column's type.
   */
  static IllegalArgumentException notNumeric(
      SparkSession spark,
      RegressionTables.Spec spec,
      RegressionTable table,
      Dataset<Row> withRow,
      String column,
      DataType type) {
    String role = column.equals(spec.label()) ? "label column" : "feature column";
    Dataset<Row> strings;
    if (table.format() == Loaders.Format.CSV) {
      // Read again with every column as text; same files, so same partitions and row ids.
      StructType allText = new StructType();
      for (StructField f : table.raw().schema().fields()) {
        allText = allText.add(f.name(), DataTypes.StringType, true);
      }
      strings =
          spark
              .read()
              .option("header", "true")
              .schema(allText)
              .csv(spec.path())
              .withColumn(RegressionTables.ROW, functions.monotonically_increasing_id());
    } else if (type.equals(DataTypes.StringType)) {
      strings = withRow;
    } else {
      return notNumbers(table, role, column, type, " in every row");
    }
    Dataset<Row> pair =
        strings.select(
            Columns.exact(column).cast(DataTypes.StringType), functions.col(RegressionTables.ROW));
    List<Row> firstPerPartition =
        pair.toJavaRDD()
            .mapPartitions(
                it -> {
                  List<Row> out = new ArrayList<>();
                  Row empty = null;
                  while (it.hasNext()) {
                    Row r = it.next();
                    String v = r.isNullAt(0) ? null : r.getString(0);
                    if (v != null && !v.isEmpty() && !isNumber(v)) {
                      out.add(r);
                      break;
                    }
                    if ((v == null || v.isEmpty()) && empty == null) {
                      empty = r;
                    }
                  }
                  if (out.isEmpty() && empty != null) {
                    out.add(empty);
                  }
                  return out.iterator();
                })
            .collect();
    Row bad = null;
    for (Row r : firstPerPartition) {
      boolean text = !r.isNullAt(0) && !r.getString(0).isEmpty();
      boolean badText = bad != null && !bad.isNullAt(0) && !bad.getString(0).isEmpty();
      if (bad == null || (text && !badText) || (text == badText && r.getLong(1) < bad.getLong(1))) {
        bad = r;
      }
    }
    if (bad == null) {
      return notNumbers(table, role, column, type, "");
    }
    String where = RowLocator.locate(table, List.of(bad.getLong(1))).get(0);
    String what =
        bad.isNullAt(0) || bad.getString(0).isEmpty()
            ? "the value is empty"
            : "'" + bad.getString(0) + "' is not a number";
    return new IllegalArgumentException(
        RegressionTables.problem(
            table, column, where, what + " (the " + role + " must hold a number in every row)"));
  }

  private static IllegalArgumentException notNumbers(
      RegressionTables.RegressionTable table,
      String role,
      String column,
      DataType type,
      String where) {
    return new IllegalArgumentException(
        table.source()
            + ": "
            + role
            + " '"
            + Printable.name(column)
            + "' has type "
            + type.simpleString()
            + where
            + "; linear regression needs numbers");
  }
}
