// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import io.sparkvae.data.Columns;
import io.sparkvae.data.Loaders;
import io.sparkvae.io.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Loads a table for regression (a label and numeric feature columns) from CSV with a header,
 * Parquet or LibSVM, and says exactly where bad input is.
 *
 * <p><b>Formats.</b> CSV is read by Spark's CSV source with {@code header} and {@code inferSchema};
 * Parquet as it is; LibSVM by Spark's {@code libsvm} source, whose {@code features} vector is
 * expanded into the columns {@code x1 … xd} beside {@code label}. The features are the listed
 * columns, or every numeric column but the label and the id column.
 *
 * <p><b>The prepared frame</b> has the columns {@code _f0 … _f(d−1)} (the features, as double),
 * {@code _y} (the label, as double) and {@code _row}: Spark's {@code monotonically_increasing_id}
 * of the row as read, (partition &lt;&lt; 33) + index in the partition. Internal names keep column
 * names with dots or spaces away from Spark's parser; {@link RegressionTable#features()} holds the
 * user's names. {@code _row} survives repartitioning and caching, so a problem found anywhere later
 * can still be traced back to the file.
 *
 * <p><b>Where the parts are.</b> {@link LibsvmTables} reads LibSVM, {@link NonNumericValues} finds
 * the value that is not a number, {@link RowLocator} turns {@code _row} values into lines of the
 * files, {@link TextFiles} reads them on the driver. This class chooses the columns and builds the
 * prepared frame.
 */
public final class RegressionTables {
  private RegressionTables() {}

  /** Internal name of feature j in the prepared frame. */
  public static String featureColumn(int j) {
    return "_f" + j;
  }

  /** Internal name of the label in the prepared frame. */
  public static final String LABEL = "_y";

  /** Internal name of the row id (position as read) in the prepared frame. */
  public static final String ROW = "_row";

  /**
   * What to load, as the job's configuration describes it.
   *
   * @param key the configuration key of the path, for messages ("data.train")
   * @param format null: inferred from the path as {@link Loaders#infer} does
   * @param label the label column ("label" for LibSVM)
   * @param features feature columns; empty: every numeric column but the label and the id
   * @param idColumn a column that is never a default feature (may be null or absent)
   * @param numFeatures LibSVM: the number of features (0: found by reading the data)
   */
  public record Spec(
      String key,
      String path,
      Loaders.Format format,
      String label,
      List<String> features,
      String idColumn,
      int numFeatures) {
    public Spec {
      features = List.copyOf(features);
    }

    public Spec(
        String key,
        String path,
        Loaders.Format format,
        String label,
        List<String> features,
        String idColumn) {
      this(key, path, format, label, features, idColumn, 0);
    }
  }

  /**
   * A loaded regression table.
   *
   * @param frame the prepared frame (see the class comment), not cached
   * @param features the user's names of the d features, in order
   * @param label the user's name of the label column
   * @param format the format read
   * @param source the configuration key and path, for messages ("data.train: data/a.csv")
   * @param raw the frame as Spark read it, with the same partitioning as {@code frame}'s source;
   *     {@link RowLocator#locate} reads it again to find files and positions
   * @param leftOut columns that are neither label, id nor feature because they do not hold numbers
   *     ("name (string)"), when the features were chosen by default; else empty
   */
  public record RegressionTable(
      Dataset<Row> frame,
      List<String> features,
      String label,
      Loaders.Format format,
      String path,
      String source,
      Dataset<Row> raw,
      List<String> leftOut) {
    public int dimension() {
      return features.size();
    }

    /** The same table over {@code f}, a frame derived from {@code frame} row by row. */
    public RegressionTable withFrame(Dataset<Row> f) {
      return new RegressionTable(f, features, label, format, path, source, raw, leftOut);
    }
  }

  /**
   * Loads and checks the table: the label and every feature exist and hold numbers.
   *
   * @throws IllegalArgumentException naming the column (and, for values that are not numbers, the
   *     first offending row and value)
   */
  public static RegressionTable load(SparkSession spark, Spec spec) {
    Loaders.Format format =
        Loaders.resolveFormat(
            spark,
            new Loaders.Spec(spec.key(), spec.path(), spec.format(), null, spec.label(), null, 0));
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(spec.path());
      Loaders.requireExists(p.getFileSystem(conf), p, spec.key());
    } catch (IOException e) {
      throw new UncheckedIOException(
          spec.key() + ": cannot read " + spec.path() + ": " + e.getMessage(), e);
    }
    String source = spec.key() + ": " + spec.path();
    Dataset<Row> raw;
    Dataset<Row> typed;
    switch (format) {
      case CSV:
        raw = spark.read().option("header", "true").option("inferSchema", "true").csv(spec.path());
        typed = raw;
        break;
      case PARQUET:
        raw = spark.read().parquet(spec.path());
        typed = raw;
        break;
      case LIBSVM:
        raw = LibsvmTables.read(spark, spec);
        typed = LibsvmTables.expand(raw, spec);
        break;
      default:
        throw new IllegalArgumentException(
            spec.key()
                + " = "
                + spec.path()
                + ": linreg reads "
                + "csv, parquet or libsvm tables, not "
                + format.name().toLowerCase(Locale.ROOT)
                + " (set data.format if the path does not say)");
    }
    StructType schema = typed.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    String label = spec.label();
    if (label == null || !names.contains(label)) {
      throw new IllegalArgumentException(
          source
              + ": no label column '"
              + Printable.name(label)
              + "'; the columns are "
              + describeColumns(schema)
              + " (set data.label)");
    }
    List<String> features = new ArrayList<>(spec.features());
    List<String> leftOut = new ArrayList<>();
    if (features.isEmpty()) {
      for (StructField f : schema.fields()) {
        if (!f.name().equals(label) && !f.name().equals(spec.idColumn())) {
          if (f.dataType() instanceof NumericType) {
            features.add(f.name());
          } else {
            leftOut.add(Printable.name(f.name()) + " (" + f.dataType().simpleString() + ")");
          }
        }
      }
      if (features.isEmpty()) {
        throw new IllegalArgumentException(
            source
                + ": no numeric feature columns besides the "
                + "label '"
                + Printable.name(label)
                + "'"
                + (names.contains(spec.idColumn())
                    ? " and the id '" + Printable.name(spec.idColumn()) + "'"
                    : "")
                + "; the columns are "
                + describeColumns(schema)
                + " (list the features in data.features)");
      }
    } else {
      Set<String> seen = new HashSet<>();
      for (String f : features) {
        if (!names.contains(f)) {
          throw new IllegalArgumentException(
              source
                  + ": data.features names a column '"
                  + Printable.name(f)
                  + "' that is not there; the columns are "
                  + describeColumns(schema));
        }
        if (f.equals(label)) {
          throw new IllegalArgumentException(
              source
                  + ": data.features lists the label column '"
                  + Printable.name(f)
                  + "'; a column cannot be both label and feature");
        }
        if (!seen.add(f)) {
          throw new IllegalArgumentException(
              source + ": data.features lists '" + Printable.name(f) + "' twice");
        }
      }
    }
    Dataset<Row> withRow = typed.withColumn(ROW, functions.monotonically_increasing_id());
    RegressionTable provisional =
        new RegressionTable(null, features, label, format, spec.path(), source, raw, List.of());
    List<String> needed = new ArrayList<>(features);
    needed.add(label);
    for (String c : needed) {
      DataType t = schema.apply(c).dataType();
      if (!(t instanceof NumericType)) {
        throw NonNumericValues.notNumeric(spark, spec, provisional, withRow, c, t);
      }
    }
    List<Column> cols = new ArrayList<>();
    for (int j = 0; j < features.size(); j++) {
      cols.add(Columns.exact(features.get(j)).cast(DataTypes.DoubleType).as(featureColumn(j)));
    }
    cols.add(Columns.exact(label).cast(DataTypes.DoubleType).as(LABEL));
    cols.add(functions.col(ROW));
    Dataset<Row> frame = withRow.select(cols.toArray(new Column[0]));
    return new RegressionTable(
        frame,
        List.copyOf(features),
        label,
        format,
        spec.path(),
        source,
        raw,
        List.copyOf(leftOut));
  }

  static String describeColumns(StructType schema) {
    if (schema.fields().length == 0) {
      return "(none)";
    }
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(Printable.name(f.name()) + " (" + f.dataType().simpleString() + ")");
    }
    return String.join(", ", out);
  }

  /**
   * "data.train: column 'x2', line 17 of a.csv (the header is line 1): 'abc' is not a number": one
   * bad value, where {@code where} comes from {@link RowLocator#locate}. The path is named once: in
   * {@code where} when that names the file, else after the key.
   */
  public static String problem(RegressionTable table, String column, String where, String what) {
    String head =
        where.contains(" of ")
            ? table.source().substring(0, table.source().indexOf(':'))
            : table.source();
    return head + ": column '" + Printable.name(column) + "', " + where + ": " + what;
  }
}
