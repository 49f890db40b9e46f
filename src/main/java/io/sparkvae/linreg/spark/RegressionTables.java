package io.sparkvae.linreg.spark;

import io.sparkvae.data.Loaders;
import io.sparkvae.io.Printable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.ml.attribute.AttributeGroup;
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
 * <p><b>Formats.</b> CSV is read by Spark's CSV source with {@code header} and
 * {@code inferSchema}; Parquet as it is; LibSVM by Spark's {@code libsvm} source, whose
 * {@code features} vector is expanded into the columns {@code x1 … xd} beside {@code label}.
 * The features are the listed columns, or every numeric column but the label and the id column.
 *
 * <p><b>The prepared frame</b> has the columns {@code _f0 … _f(d−1)} (the features, as double),
 * {@code _y} (the label, as double) and {@code _row}: Spark's {@code monotonically_increasing_id}
 * of the row as read, (partition &lt;&lt; 33) + index in the partition. Internal names keep
 * column names with dots or spaces away from Spark's parser; {@link RegressionTable#features()}
 * holds the user's names. {@code _row} survives repartitioning and caching, so a problem found
 * anywhere later can still be traced back to the file.
 *
 * <p><b>Where a row is.</b> {@link #locate} turns {@code _row} values into what a user can find
 * in the file: for CSV the line number (counting every physical line; the header is the first
 * non-blank line, and Spark skips blank lines, as the count does), for LibSVM the line number
 * (Spark skips blank lines and lines starting with '#'), for Parquet the 1-based row of its file.
 * It costs one Spark job over the data (the file of each row is recorded only then, so loading
 * pays nothing for it) and, for text files, reading the file up to that line on the driver; it
 * runs only when there is a problem to report.
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

  private static final long INDEX_MASK = (1L << 33) - 1;

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
  public record Spec(String key, String path, Loaders.Format format, String label,
      List<String> features, String idColumn, int numFeatures) {
    public Spec {
      features = List.copyOf(features);
    }

    public Spec(String key, String path, Loaders.Format format, String label,
        List<String> features, String idColumn) {
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
   *     {@link #locate} reads it again to find files and positions
   * @param leftOut columns that are neither label, id nor feature because they do not hold
   *     numbers ("name (string)"), when the features were chosen by default; else empty
   */
  public record RegressionTable(Dataset<Row> frame, List<String> features, String label,
      Loaders.Format format, String path, String source, Dataset<Row> raw, List<String> leftOut) {
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
   * @throws IllegalArgumentException naming the column (and, for values that are not numbers,
   *     the first offending row and value)
   */
  public static RegressionTable load(SparkSession spark, Spec spec) {
    Loaders.Format format = Loaders.resolveFormat(spark, new Loaders.Spec(spec.key(),
        spec.path(), spec.format(), null, spec.label(), null, 0));
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(spec.path());
      Loaders.requireExists(p.getFileSystem(conf), p, spec.key());
    } catch (IOException e) {
      throw new UncheckedIOException(spec.key() + ": cannot read " + spec.path() + ": "
          + e.getMessage(), e);
    }
    String source = spec.key() + ": " + spec.path();
    Dataset<Row> raw;
    Dataset<Row> typed;
    switch (format) {
      case CSV:
        raw = spark.read().option("header", "true").option("inferSchema", "true")
            .csv(spec.path());
        typed = raw;
        break;
      case PARQUET:
        raw = spark.read().parquet(spec.path());
        typed = raw;
        break;
      case LIBSVM:
        raw = readLibsvm(spark, spec);
        typed = expandLibsvm(raw, spec);
        break;
      default:
        throw new IllegalArgumentException(spec.key() + " = " + spec.path() + ": linreg reads "
            + "csv, parquet or libsvm tables, not " + format.name().toLowerCase(Locale.ROOT)
            + " (set data.format if the path does not say)");
    }
    StructType schema = typed.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    String label = spec.label();
    if (label == null || !names.contains(label)) {
      throw new IllegalArgumentException(source + ": no label column '" + Printable.name(label)
          + "'; the columns are " + describeColumns(schema) + " (set data.label)");
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
        throw new IllegalArgumentException(source + ": no numeric feature columns besides the "
            + "label '" + Printable.name(label) + "'" + (names.contains(spec.idColumn())
            ? " and the id '" + Printable.name(spec.idColumn()) + "'" : "")
            + "; the columns are " + describeColumns(schema)
            + " (list the features in data.features)");
      }
    } else {
      Set<String> seen = new HashSet<>();
      for (String f : features) {
        if (!names.contains(f)) {
          throw new IllegalArgumentException(source + ": data.features names a column '"
              + Printable.name(f) + "' that is not there; the columns are "
              + describeColumns(schema));
        }
        if (f.equals(label)) {
          throw new IllegalArgumentException(source + ": data.features lists the label column '"
              + Printable.name(f) + "'; a column cannot be both label and feature");
        }
        if (!seen.add(f)) {
          throw new IllegalArgumentException(source + ": data.features lists '"
              + Printable.name(f) + "' twice");
        }
      }
    }
    Dataset<Row> withRow = typed.withColumn(ROW, functions.monotonically_increasing_id());
    RegressionTable provisional = new RegressionTable(null, features, label, format,
        spec.path(), source, raw, List.of());
    List<String> needed = new ArrayList<>(features);
    needed.add(label);
    for (String c : needed) {
      DataType t = schema.apply(c).dataType();
      if (!(t instanceof NumericType)) {
        throw notNumeric(spark, spec, provisional, withRow, c, t);
      }
    }
    List<Column> cols = new ArrayList<>();
    for (int j = 0; j < features.size(); j++) {
      cols.add(col(features.get(j)).cast(DataTypes.DoubleType).as(featureColumn(j)));
    }
    cols.add(col(label).cast(DataTypes.DoubleType).as(LABEL));
    cols.add(functions.col(ROW));
    Dataset<Row> frame = withRow.select(cols.toArray(new Column[0]));
    return new RegressionTable(frame, List.copyOf(features), label, format, spec.path(), source,
        raw, List.copyOf(leftOut));
  }

  /** A column by its exact name, whatever characters it holds. */
  static Column col(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
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

  // ---- LibSVM ----

  private static Dataset<Row> readLibsvm(SparkSession spark, Spec spec) {
    try {
      var reader = spark.read().format("libsvm");
      if (spec.numFeatures() > 0) {
        reader = reader.option("numFeatures", spec.numFeatures());
      }
      return reader.load(spec.path());
    } catch (Exception e) {
      // The source reads every line to count the features; a line it cannot parse fails here
      // (as a SparkException, which Scala throws unchecked).
      String where = LibsvmScan.firstBadLine(spark.sparkContext().hadoopConfiguration(),
          spec.path());
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
  private static Dataset<Row> expandLibsvm(Dataset<Row> raw, Spec spec) {
    int d = AttributeGroup.fromStructField(raw.schema().apply("features")).size();
    if (d <= 0) {
      throw new IllegalArgumentException(spec.key() + " " + spec.path()
          + ": the LibSVM data has no features");
    }
    List<Column> cols = new ArrayList<>();
    cols.add(functions.col("label"));
    Column arr = org.apache.spark.ml.functions.vector_to_array(functions.col("features"),
        "float64");
    for (int j = 0; j < d; j++) {
      cols.add(arr.getItem(j).as("x" + (j + 1)));
    }
    return raw.select(cols.toArray(new Column[0]));
  }

  /** Driver-side reading of LibSVM text, for the line Spark's parser stopped at. */
  static final class LibsvmScan {
    private LibsvmScan() {}

    /** "line 7 of f.libsvm: 'abc' is not a number (the label)", or null when all parse. */
    static String firstBadLine(Configuration conf, String path) {
      try {
        for (Path f : files(conf, path)) {
          FileSystem fs = f.getFileSystem(conf);
          try (BufferedReader r = open(fs, f, conf)) {
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
              if (!isNumber(tok[0])) {
                problem = "'" + tok[0] + "' is not a number (the label)";
              }
              for (int i = 1; i < tok.length && problem == null; i++) {
                int colon = tok[i].indexOf(':');
                if (colon <= 0) {
                  problem = "'" + tok[i] + "' is not an index:value pair";
                } else if (!tok[i].substring(0, colon).matches("[0-9]+")) {
                  problem = "'" + tok[i].substring(0, colon) + "' is not a feature index";
                } else if (!isNumber(tok[i].substring(colon + 1))) {
                  problem = "'" + tok[i].substring(colon + 1) + "' is not a number (column 'x"
                      + tok[i].substring(0, colon) + "')";
                }
              }
              if (problem != null) {
                return "line " + no + " of " + display(f.toString()) + ": " + problem;
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

  // ---- values that are not numbers ----

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
   * text) and for string columns, it finds the first value that is not a number and says
   * where it is; otherwise it names the column's type.
   */
  private static IllegalArgumentException notNumeric(SparkSession spark, Spec spec,
      RegressionTable table, Dataset<Row> withRow, String column, DataType type) {
    String role = column.equals(spec.label()) ? "label column" : "feature column";
    Dataset<Row> strings;
    if (table.format() == Loaders.Format.CSV) {
      // Read again with every column as text; same files, so same partitions and row ids.
      StructType allText = new StructType();
      for (StructField f : table.raw().schema().fields()) {
        allText = allText.add(f.name(), DataTypes.StringType, true);
      }
      strings = spark.read().option("header", "true").schema(allText).csv(spec.path())
          .withColumn(ROW, functions.monotonically_increasing_id());
    } else if (type.equals(DataTypes.StringType)) {
      strings = withRow;
    } else {
      return new IllegalArgumentException(table.source() + ": " + role + " '"
          + Printable.name(column) + "' has type " + type.simpleString()
          + " in every row; linear regression needs "
          + "numbers");
    }
    Dataset<Row> pair = strings.select(col(column).cast(DataTypes.StringType),
        functions.col(ROW));
    List<Row> firstPerPartition = pair.toJavaRDD().mapPartitions(it -> {
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
    }).collect();
    Row bad = null;
    for (Row r : firstPerPartition) {
      boolean text = !r.isNullAt(0) && !r.getString(0).isEmpty();
      boolean badText = bad != null && !bad.isNullAt(0) && !bad.getString(0).isEmpty();
      if (bad == null || (text && !badText) || (text == badText && r.getLong(1) < bad.getLong(1))) {
        bad = r;
      }
    }
    if (bad == null) {
      return new IllegalArgumentException(table.source() + ": " + role + " '"
          + Printable.name(column) + "' has type " + type.simpleString()
          + "; linear regression needs numbers");
    }
    String where = locate(table, List.of(bad.getLong(1))).get(0);
    String what = bad.isNullAt(0) || bad.getString(0).isEmpty() ? "the value is empty"
        : "'" + bad.getString(0) + "' is not a number";
    return new IllegalArgumentException(problem(table, column, where, what
        + " (the " + role + " must hold a number in every row)"));
  }

  /**
   * "data.train: column 'x2', line 17 of a.csv (the header is line 1): 'abc' is not a number":
   * one bad value, where {@code where} comes from {@link #locate}. The path is named once: in
   * {@code where} when that names the file, else after the key.
   */
  public static String problem(RegressionTable table, String column, String where,
      String what) {
    String head = where.contains(" of ") ? table.source().substring(0,
        table.source().indexOf(':')) : table.source();
    return head + ": column '" + Printable.name(column) + "', " + where + ": " + what;
  }

  // ---- where rows are ----

  /** The source partition of a {@link #ROW} value. */
  public static int partitionOf(long rowId) {
    return (int) (rowId >>> 33);
  }

  /** The 0-based index in its source partition of a {@link #ROW} value. */
  public static long indexOf(long rowId) {
    return rowId & INDEX_MASK;
  }

  /** One partition's rows per file, in order, up to the rows asked for. */
  private static final class PartitionFiles implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final LinkedHashMap<String, Long> counts;
    /** File and rows of that file before it in this partition, per asked index. */
    final HashMap<Long, String> fileAt;
    final HashMap<Long, Long> beforeAt;

    PartitionFiles(int partition, LinkedHashMap<String, Long> counts, HashMap<Long, String> fileAt,
        HashMap<Long, Long> beforeAt) {
      this.partition = partition;
      this.counts = counts;
      this.fileAt = fileAt;
      this.beforeAt = beforeAt;
    }
  }

  /**
   * Where each {@link #ROW} value is, in words a user can find in the file: "line 17 of
   * data/a.csv (the header is line 1)", "row 5 of part-0.parquet (1-based)", or, when the
   * file is unknown, "data row 5 (1-based, in the order Spark reads the data)".
   */
  public static List<String> locate(RegressionTable table, List<Long> rowIds) {
    int last = 0;
    Map<Integer, Set<Long>> wanted = new HashMap<>();
    for (long id : rowIds) {
      int p = partitionOf(id);
      last = Math.max(last, p);
      wanted.computeIfAbsent(p, k -> new HashSet<>()).add(indexOf(id));
    }
    final int lastPartition = last;
    final HashMap<Integer, HashSet<Long>> want = new HashMap<>();
    wanted.forEach((k, v) -> want.put(k, new HashSet<>(v)));
    String first = table.raw().schema().fieldNames()[0];
    List<PartitionFiles> parts = table.raw()
        .select(functions.input_file_name(), col(first))
        .toJavaRDD()
        .mapPartitionsWithIndex((q, it) -> {
          if (q > lastPartition) {
            return new ArrayList<PartitionFiles>().iterator();
          }
          HashSet<Long> asked = want.getOrDefault(q, new HashSet<>());
          long maxAsked = asked.stream().mapToLong(Long::longValue).max().orElse(-1);
          LinkedHashMap<String, Long> counts = new LinkedHashMap<>();
          HashMap<Long, String> fileAt = new HashMap<>();
          HashMap<Long, Long> beforeAt = new HashMap<>();
          long i = 0;
          while (it.hasNext()) {
            if (q == lastPartition && i > maxAsked) {
              break;
            }
            String f = it.next().getString(0);
            if (asked.contains(i)) {
              fileAt.put(i, f);
              beforeAt.put(i, counts.getOrDefault(f, 0L));
            }
            counts.merge(f, 1L, Long::sum);
            i++;
          }
          return List.of(new PartitionFiles(q, counts, fileAt, beforeAt)).iterator();
        }, true)
        .collect();
    PartitionFiles[] byPartition = new PartitionFiles[last + 1];
    for (PartitionFiles pf : parts) {
      byPartition[pf.partition] = pf;
    }
    List<String> out = new ArrayList<>();
    Configuration conf = table.raw().sparkSession().sparkContext().hadoopConfiguration();
    for (long id : rowIds) {
      int p = partitionOf(id);
      long idx = indexOf(id);
      PartitionFiles pf = byPartition[p];
      String file = pf == null ? null : pf.fileAt.get(idx);
      long global = idx + 1;
      for (int q = 0; q < p; q++) {
        if (byPartition[q] != null) {
          global += byPartition[q].counts.values().stream().mapToLong(Long::longValue).sum();
        }
      }
      if (file == null || file.isEmpty()) {
        out.add("data row " + global + " (1-based, in the order Spark reads the data)");
        continue;
      }
      long k = pf.beforeAt.get(idx) + 1;
      for (int q = 0; q < p; q++) {
        if (byPartition[q] != null) {
          k += byPartition[q].counts.getOrDefault(file, 0L);
        }
      }
      out.add(describe(conf, table.format(), file, k, global));
    }
    return out;
  }

  /** Record k (1-based) of one file, in the words of its format. */
  private static String describe(Configuration conf, Loaders.Format format, String file, long k,
      long global) {
    String shown = display(file);
    if (format == Loaders.Format.CSV || format == Loaders.Format.LIBSVM) {
      try {
        long line = recordLine(conf, file, k, format == Loaders.Format.CSV);
        if (line > 0) {
          return "line " + line + " of " + shown + (format == Loaders.Format.CSV
              ? " (the header is line " + headerLine(conf, file) + ")" : "");
        }
      } catch (IOException | RuntimeException e) {
        // Fall through to the record number, which needs no file access.
      }
      return "data row " + k + " of " + shown + " (1-based, not counting the header or blank "
          + "lines)";
    }
    return "row " + k + " of " + shown + " (1-based)";
  }

  /**
   * The physical line number of data record k: CSV records are the non-blank lines after the
   * first non-blank one (the header); LibSVM records are the lines that are neither blank nor
   * start with '#'. 0 when the file has fewer records.
   */
  static long recordLine(Configuration conf, String file, long k, boolean csvHeader)
      throws IOException {
    Path p = toPath(file);
    try (BufferedReader r = open(p.getFileSystem(conf), p, conf)) {
      String line;
      long no = 0;
      long seen = 0;
      boolean headerSeen = !csvHeader;
      while ((line = r.readLine()) != null) {
        no++;
        String t = line.trim();
        if (t.isEmpty() || (!csvHeader && t.startsWith("#"))) {
          continue;
        }
        if (!headerSeen) {
          headerSeen = true;
          continue;
        }
        if (++seen == k) {
          return no;
        }
      }
      return 0;
    }
  }

  private static long headerLine(Configuration conf, String file) throws IOException {
    Path p = toPath(file);
    try (BufferedReader r = open(p.getFileSystem(conf), p, conf)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (!line.trim().isEmpty()) {
          return no;
        }
      }
      return 1;
    }
  }

  private static Path toPath(String file) {
    try {
      return new Path(new URI(file));
    } catch (URISyntaxException e) {
      return new Path(file);
    }
  }

  /** A file as a user would type it: local files without the file: scheme. */
  static String display(String file) {
    if (file.startsWith("file:")) {
      Path p = toPath(file);
      return p.toUri().getPath();
    }
    return file;
  }

  private static BufferedReader open(FileSystem fs, Path p, Configuration conf)
      throws IOException {
    InputStream in = fs.open(p);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
    if (codec != null) {
      in = codec.createInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The files of a path: itself, or a directory's visible files in name order. */
  private static List<Path> files(Configuration conf, String path) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.getFileStatus(p).isDirectory()) {
      return List.of(p);
    }
    List<Path> out = new ArrayList<>();
    for (FileStatus s : fs.listStatus(p)) {
      String n = s.getPath().getName();
      if (s.isFile() && !n.startsWith(".") && !n.startsWith("_")) {
        out.add(s.getPath());
      }
    }
    out.sort(null);
    return out;
  }
}
