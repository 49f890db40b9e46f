// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** DataFrame assertions in the spirit of spark-testing-base's DataFrameSuiteBase, for JUnit 5. */
public final class DataFrameAssertions {
  private DataFrameAssertions() {}

  /** Same schema (names, types, nullability) in the same order. */
  public static void assertSchemaEquals(StructType expected, StructType actual) {
    if (!expected.equals(actual)) {
      fail(
          "schemas differ\nexpected: "
              + expected.treeString()
              + "\nactual:   "
              + actual.treeString());
    }
  }

  /** The data frame has a column of this name and type (e.g. "double", "array<float>"). */
  public static void assertHasColumn(Dataset<Row> df, String name, String simpleType) {
    for (var f : df.schema().fields()) {
      if (f.name().equals(name)) {
        assertEquals(simpleType, f.dataType().simpleString(), "type of column " + name);
        return;
      }
    }
    fail("no column '" + name + "' in " + df.schema().simpleString());
  }

  /**
   * Same schema and, row by row in order, equal values; doubles, floats and vectors within {@code
   * tol} (absolute or relative, whichever is larger).
   */
  public static void assertDataFrameApproximateEquals(
      Dataset<Row> expected, Dataset<Row> actual, double tol) {
    assertSchemaEquals(expected.schema(), actual.schema());
    List<Row> e = expected.collectAsList();
    List<Row> a = actual.collectAsList();
    assertEquals(e.size(), a.size(), "row count");
    for (int r = 0; r < e.size(); r++) {
      Row er = e.get(r);
      Row ar = a.get(r);
      for (int c = 0; c < er.length(); c++) {
        String where = "row " + r + ", column '" + expected.schema().fields()[c].name() + "'";
        assertValueEquals(er.get(c), ar.get(c), tol, where);
      }
    }
  }

  /** Exact equality of schema and rows (in order). */
  public static void assertDataFrameEquals(Dataset<Row> expected, Dataset<Row> actual) {
    assertDataFrameApproximateEquals(expected, actual, 0.0);
  }

  static void assertValueEquals(Object e, Object a, double tol, String where) {
    if (e == null || a == null) {
      assertEquals(e, a, where);
      return;
    }
    if (e instanceof Double || e instanceof Float) {
      double x = ((Number) e).doubleValue();
      double y = ((Number) a).doubleValue();
      if (Double.isNaN(x) && Double.isNaN(y)) {
        return;
      }
      assertEquals(x, y, Math.max(tol, tol * Math.abs(x)), where);
    } else if (e instanceof Vector) {
      double[] x = ((Vector) e).toArray();
      double[] y = ((Vector) a).toArray();
      assertEquals(x.length, y.length, where + " vector size");
      for (int i = 0; i < x.length; i++) {
        assertEquals(x[i], y[i], Math.max(tol, tol * Math.abs(x[i])), where + "[" + i + "]");
      }
    } else if (e instanceof scala.collection.Seq || e instanceof List) {
      List<?> x = asList(e);
      List<?> y = asList(a);
      assertEquals(x.size(), y.size(), where + " length");
      for (int i = 0; i < x.size(); i++) {
        assertValueEquals(x.get(i), y.get(i), tol, where + "[" + i + "]");
      }
    } else if (e instanceof byte[]) {
      org.junit.jupiter.api.Assertions.assertArrayEquals((byte[]) e, (byte[]) a, where);
    } else {
      assertEquals(e, a, where);
    }
  }

  private static List<?> asList(Object o) {
    if (o instanceof List) {
      return (List<?>) o;
    }
    return scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) o);
  }
}
