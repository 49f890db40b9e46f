package io.sparkvae.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Loads image data sets from IDX, Parquet, CSV and LibSVM into an {@link ImageData}, all through
 * Spark data sources and the Hadoop file system API, so paths may be local, HDFS or S3 and no row
 * passes through the driver. The format is inferred from the path when not given.
 */
public final class Loaders {
  private Loaders() {}

  /** The formats we read. */
  public enum Format {
    IDX, PARQUET, CSV, LIBSVM, IMAGES;

    public static Format parse(String s, String key) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + " = '" + s
            + "' is not a format; expected one of idx, parquet, csv, libsvm, images");
      }
    }
  }

  /** What to load, as the job's configuration describes it. */
  public record Spec(String key, String path, Format format, String featuresColumn,
      String labelColumn, ImageData.Shape shape, int numFeatures) {}

  /** The format a path implies, or null when it does not say. */
  public static Format infer(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith("-ubyte") || p.endsWith("-ubyte.gz") || p.endsWith(".idx") || p.endsWith(".idx.gz")
        || p.contains("idx3")) {
      return Format.IDX;
    }
    if (p.endsWith(".parquet")) {
      return Format.PARQUET;
    }
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
      return Format.CSV;
    }
    if (p.endsWith(".libsvm") || p.endsWith(".svm") || p.endsWith(".libsvm.gz")) {
      return Format.LIBSVM;
    }
    return null;
  }

  /** Resolves the format: given, else inferred from the path, else from a directory's files. */
  public static Format resolveFormat(SparkSession spark, Spec spec) {
    if (spec.format() != null) {
      return spec.format();
    }
    Format f = infer(spec.path());
    if (f != null) {
      return f;
    }
    Path p = new Path(spec.path());
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      requireExists(fs, p, spec.key());
      if (fs.getFileStatus(p).isDirectory()) {
        boolean parquet = false;
        boolean images = false;
        for (FileStatus s : fs.listStatus(p)) {
          String n = s.getPath().getName().toLowerCase(Locale.ROOT);
          parquet |= n.endsWith(".parquet") || n.equals("_success");
          images |= s.isDirectory() || n.endsWith(".png") || n.endsWith(".jpg")
              || n.endsWith(".jpeg");
        }
        if (parquet) {
          return Format.PARQUET;
        }
        if (images) {
          return Format.IMAGES;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(spec.key() + ": cannot read " + spec.path() + ": "
          + e.getMessage(), e);
    }
    throw new IllegalArgumentException(spec.key() + " = " + spec.path()
        + ": cannot tell its format from the path; set data.format (idx, parquet, csv, libsvm, "
        + "images)");
  }

  static void requireExists(FileSystem fs, Path p, String key) throws IOException {
    if (!fs.exists(p)) {
      throw new IllegalArgumentException(key + ": input path does not exist: " + p);
    }
  }

  /** Loads an image data set. */
  public static ImageData load(SparkSession spark, Spec spec) {
    Format f = resolveFormat(spark, spec);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path p = new Path(spec.path());
      requireExists(p.getFileSystem(conf), p, spec.key());
    } catch (IOException e) {
      throw new UncheckedIOException(spec.key() + ": cannot read " + spec.path() + ": "
          + e.getMessage(), e);
    }
    switch (f) {
      case IDX:
        return idx(spark, spec);
      case PARQUET:
        return parquet(spark, spec);
      case CSV:
        return csv(spark, spec);
      case LIBSVM:
        return libsvm(spark, spec);
      case IMAGES:
        throw new IllegalArgumentException(spec.key() + ": image folders are not supported yet");
      default:
        throw new AssertionError(f);
    }
  }

  /** The labels file that sits beside an IDX images file, by the MNIST naming convention. */
  public static String idxLabelsPath(String imagesPath) {
    if (imagesPath.contains("images-idx3")) {
      return imagesPath.replace("images-idx3", "labels-idx1");
    }
    return null;
  }

  static final StructType IDX_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.LongType, false),
      DataTypes.createStructField("features", DataTypes.BinaryType, false),
      DataTypes.createStructField("label", DataTypes.IntegerType, true)});

  /**
   * IDX images (and the labels file beside them, when present) through Spark's binaryFile
   * source: one task parses the files and emits (id, 8-bit pixels, label) rows; they are spread
   * over partitions later. The file is gzip-compressed or not.
   */
  static ImageData idx(SparkSession spark, Spec spec) {
    String images = spec.path();
    String labels = idxLabelsPath(images);
    List<String> paths = new ArrayList<>();
    paths.add(images);
    try {
      if (labels != null) {
        Path lp = new Path(labels);
        if (!lp.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(lp)) {
          labels = null;
        } else {
          paths.add(labels);
        }
      }
    } catch (IOException e) {
      labels = null;
    }
    Dataset<Row> files = spark.read().format("binaryFile").load(paths.toArray(new String[0]))
        .select("path", "content").coalesce(1);
    final String key = spec.key();
    final String imagesName = new Path(images).getName();
    MapPartitionsFunction<Row, Row> parse = it -> {
      byte[] img = null;
      byte[] lab = null;
      String imgPath = null;
      String labPath = null;
      while (it.hasNext()) {
        Row r = it.next();
        String path = r.getString(0);
        if (new Path(path).getName().equals(imagesName)) {
          img = (byte[]) r.get(1);
          imgPath = path;
        } else {
          lab = (byte[]) r.get(1);
          labPath = path;
        }
      }
      if (img == null) {
        return new ArrayList<Row>().iterator();
      }
      IdxFile.Contents ic = IdxFile.read(new ByteArrayInputStream(img), key + " " + imgPath);
      if (ic.dims().length < 2) {
        throw new IOException(key + " " + imgPath + ": IDX images need at least 2 dimensions, "
            + "the header has " + ic.dims().length);
      }
      int[] lv = null;
      if (lab != null) {
        IdxFile.Contents lc = IdxFile.read(new ByteArrayInputStream(lab), key + " " + labPath);
        if (lc.count() != ic.count()) {
          throw new IOException(key + ": " + labPath + " holds " + lc.count() + " labels but "
              + imgPath + " holds " + ic.count() + " images");
        }
        lv = lc.labels();
      }
      final int[] labelsArr = lv;
      final int n = ic.count();
      final int size = ic.itemSize();
      final byte[] data = ic.data();
      return new java.util.Iterator<Row>() {
        int i = 0;

        @Override
        public boolean hasNext() {
          return i < n;
        }

        @Override
        public Row next() {
          byte[] px = Arrays.copyOfRange(data, i * size, (i + 1) * size);
          Row row = RowFactory.create((long) i, px, labelsArr == null ? null : labelsArr[i]);
          i++;
          return row;
        }
      };
    };
    Dataset<Row> frame = files.mapPartitions(parse, Encoders.row(IDX_SCHEMA));
    ImageData.Shape shape = spec.shape() != null ? spec.shape() : idxShape(spark, images);
    return new ImageData(frame, "features", labels != null ? "label" : null, "id", shape,
        spec.key() + ": " + images);
  }

  /** Reads just the IDX header (on the driver: a few bytes) for the image shape. */
  private static ImageData.Shape idxShape(SparkSession spark, String images) {
    Path p = new Path(images);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (java.io.InputStream raw = fs.open(p)) {
        int[] dims = IdxFile.readHeader(raw, images);
        if (dims.length == 3) {
          return new ImageData.Shape(dims[1], dims[2], 1);
        }
        if (dims.length == 4 && (dims[3] == 1 || dims[3] == 3)) {
          return new ImageData.Shape(dims[1], dims[2], dims[3]);
        }
        return null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  static ImageData parquet(SparkSession spark, Spec spec) {
    Dataset<Row> df = spark.read().parquet(spec.path());
    String col = spec.featuresColumn();
    List<String> names = Arrays.asList(df.schema().fieldNames());
    String label = spec.labelColumn() != null && names.contains(spec.labelColumn())
        ? spec.labelColumn() : null;
    String id = names.contains("id") ? "id" : (names.contains("path") ? "path" : null);
    return new ImageData(df, col, label, id, spec.shape(), spec.key() + ": " + spec.path());
  }

  /**
   * CSV with a header: every numeric column except the label and an {@code id} column is a pixel
   * (in file order), assembled into one array&lt;float&gt; features column.
   */
  static ImageData csv(SparkSession spark, Spec spec) {
    Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true")
        .csv(spec.path());
    List<String> names = Arrays.asList(df.schema().fieldNames());
    String label = spec.labelColumn() != null && names.contains(spec.labelColumn())
        ? spec.labelColumn() : null;
    String id = names.contains("id") ? "id" : null;
    List<org.apache.spark.sql.Column> pixels = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(label) || f.name().equals(id)) {
        continue;
      }
      DataType t = f.dataType();
      if (!(t instanceof NumericType)) {
        if (df.limit(1).count() == 0) {
          // With no data rows, schema inference types every column as a string.
          throw new IllegalArgumentException(spec.key() + " " + spec.path() + ", column '"
              + "features': the data set has no rows");
        }
        throw new IllegalArgumentException(spec.key() + " " + spec.path() + ": column '"
            + f.name() + "' is not numeric (" + t.simpleString() + "); every column but "
            + "'id' and the label must hold numbers");
      }
      pixels.add(functions.col("`" + f.name() + "`").cast(DataTypes.FloatType));
    }
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    if (id != null) {
      cols.add(functions.col(id));
    }
    if (label != null) {
      cols.add(functions.col(label));
    }
    cols.add(functions.array(pixels.toArray(new org.apache.spark.sql.Column[0])).as("features"));
    Dataset<Row> out = df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
    return new ImageData(out, "features", label, id, spec.shape(), spec.key() + ": "
        + spec.path());
  }

  /** LibSVM: Spark's own source (label, features Vector). */
  static ImageData libsvm(SparkSession spark, Spec spec) {
    var reader = spark.read().format("libsvm");
    if (spec.numFeatures() > 0) {
      reader = reader.option("numFeatures", spec.numFeatures());
    }
    Dataset<Row> df = reader.load(spec.path());
    return new ImageData(df, "features", "label", null, spec.shape(), spec.key() + ": "
        + spec.path());
  }
}
