// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.io.Printable;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one training row out of a Spark {@link Row}: either one features column (an ML {@code
 * Vector}, {@code array<float|double>}, or {@code binary} of 8-bit pixels) or several numeric
 * columns assembled into one row (linear regression: features, then the label).
 */
public abstract class FeatureReader implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Column names, for messages. */
  public abstract String describe();

  /**
   * True when rows are 8-bit pixels ({@link #readBytes}), false for floats ({@link #readFloats}).
   */
  public abstract boolean bytes();

  /** The row's pixels, or null when the value is null. */
  public byte[] readBytes(Row row) {
    throw new UnsupportedOperationException();
  }

  /**
   * Writes the row's values into {@code buf} (growing it) and returns the number of values, or -1
   * when a value is null.
   */
  public int readFloats(Row row, FloatBuffer buf) {
    throw new UnsupportedOperationException();
  }

  /**
   * Reads a row as floats into {@code dst[off..off+dim)}, 8-bit pixels scaled by 1/255 as in
   * training; returns the dimension, or -1 for a null value (nothing written when the dimension
   * differs from {@code dim}).
   */
  public int read(Row row, float[] dst, int off, int dim, FloatBuffer scratch) {
    if (bytes()) {
      byte[] px = readBytes(row);
      if (px == null) {
        return -1;
      }
      if (px.length == dim) {
        for (int j = 0; j < dim; j++) {
          dst[off + j] = (px[j] & 0xFF) / 255f;
        }
      }
      return px.length;
    }
    int n = readFloats(row, scratch);
    if (n == dim) {
      System.arraycopy(scratch.data, 0, dst, off, dim);
    }
    return n;
  }

  /** A growable float scratch array. */
  public static final class FloatBuffer {
    public float[] data = new float[1024];

    void ensure(int n) {
      if (data.length < n) {
        data = new float[Math.max(n, data.length * 2)];
      }
    }
  }

  /**
   * The reader for a single features column; the error names the column and its type when it is
   * missing or of a type we cannot train on.
   */
  public static FeatureReader forColumn(StructType schema, String column) {
    int idx = indexOf(schema, column, "features column");
    DataType t = schema.fields()[idx].dataType();
    if (t.equals(DataTypes.BinaryType)) {
      return new BinaryReader(column, idx);
    }
    if (t.equals(SQLDataTypes.VectorType())) {
      return new VectorReader(column, idx);
    }
    if (t instanceof ArrayType) {
      DataType e = ((ArrayType) t).elementType();
      if (e.equals(DataTypes.FloatType) || e.equals(DataTypes.DoubleType)) {
        return new ArrayReader(column, idx, e.equals(DataTypes.FloatType));
      }
    }
    throw new IllegalArgumentException(
        "features column '"
            + column
            + "' has type "
            + t.simpleString()
            + "; expected an ML Vector, array<float>, array<double>, or binary "
            + "(8-bit pixels)");
  }

  /** The reader for numeric columns {@code features} followed by {@code label}. */
  public static FeatureReader forNumericColumns(
      StructType schema, List<String> features, String label) {
    List<String> all = new ArrayList<>(features);
    all.add(label);
    int[] idx = new int[all.size()];
    for (int i = 0; i < all.size(); i++) {
      String c = all.get(i);
      String role = i < features.size() ? "feature column" : "label column";
      idx[i] = indexOf(schema, c, role);
      DataType t = schema.fields()[idx[i]].dataType();
      if (!(t instanceof NumericType)) {
        throw new IllegalArgumentException(
            role + " '" + c + "' has type " + t.simpleString() + "; expected a number");
      }
    }
    return new NumericReader(all.toArray(new String[0]), idx);
  }

  static int indexOf(StructType schema, String column, String role) {
    for (int i = 0; i < schema.fields().length; i++) {
      if (schema.fields()[i].name().equals(column)) {
        return i;
      }
    }
    List<String> names = new ArrayList<>();
    for (StructField f : schema.fields()) {
      names.add(Printable.name(f.name()) + " (" + f.dataType().simpleString() + ")");
    }
    throw new IllegalArgumentException(
        "no "
            + role
            + " '"
            + Printable.name(column)
            + "'; the data has columns "
            + String.join(", ", names));
  }

  private static final class BinaryReader extends FeatureReader {
    private static final long serialVersionUID = 1L;
    private final String column;
    private final int idx;

    BinaryReader(String column, int idx) {
      this.column = column;
      this.idx = idx;
    }

    @Override
    public String describe() {
      return column;
    }

    @Override
    public boolean bytes() {
      return true;
    }

    @Override
    public byte[] readBytes(Row row) {
      return row.isNullAt(idx) ? null : (byte[]) row.get(idx);
    }
  }

  private static final class VectorReader extends FeatureReader {
    private static final long serialVersionUID = 1L;
    private final String column;
    private final int idx;

    VectorReader(String column, int idx) {
      this.column = column;
      this.idx = idx;
    }

    @Override
    public String describe() {
      return column;
    }

    @Override
    public boolean bytes() {
      return false;
    }

    @Override
    public int readFloats(Row row, FloatBuffer buf) {
      if (row.isNullAt(idx)) {
        return -1;
      }
      Vector v = (Vector) row.get(idx);
      int n = v.size();
      buf.ensure(n);
      if (v instanceof DenseVector) {
        double[] vals = ((DenseVector) v).values();
        for (int i = 0; i < n; i++) {
          buf.data[i] = (float) vals[i];
        }
      } else {
        SparseVector sv = (SparseVector) v;
        java.util.Arrays.fill(buf.data, 0, n, 0f);
        int[] ix = sv.indices();
        double[] vals = sv.values();
        for (int i = 0; i < ix.length; i++) {
          buf.data[ix[i]] = (float) vals[i];
        }
      }
      return n;
    }
  }

  private static final class ArrayReader extends FeatureReader {
    private static final long serialVersionUID = 1L;
    private final String column;
    private final int idx;
    private final boolean floats;

    ArrayReader(String column, int idx, boolean floats) {
      this.column = column;
      this.idx = idx;
      this.floats = floats;
    }

    @Override
    public String describe() {
      return column;
    }

    @Override
    public boolean bytes() {
      return false;
    }

    @Override
    public int readFloats(Row row, FloatBuffer buf) {
      if (row.isNullAt(idx)) {
        return -1;
      }
      List<Object> list = row.getList(idx);
      int n = list.size();
      buf.ensure(n);
      for (int i = 0; i < n; i++) {
        Object o = list.get(i);
        if (o == null) {
          return -1;
        }
        buf.data[i] = floats ? (Float) o : (float) (double) (Double) o;
      }
      return n;
    }
  }

  private static final class NumericReader extends FeatureReader {
    private static final long serialVersionUID = 1L;
    private final String[] columns;
    private final int[] idx;

    NumericReader(String[] columns, int[] idx) {
      this.columns = columns;
      this.idx = idx;
    }

    @Override
    public String describe() {
      return String.join(", ", columns);
    }

    @Override
    public boolean bytes() {
      return false;
    }

    @Override
    public int readFloats(Row row, FloatBuffer buf) {
      buf.ensure(idx.length);
      for (int i = 0; i < idx.length; i++) {
        if (row.isNullAt(idx[i])) {
          return -1;
        }
        buf.data[i] = (float) ((Number) row.get(idx[i])).doubleValue();
      }
      return idx.length;
    }
  }
}
