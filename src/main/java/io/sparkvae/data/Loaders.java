package io.sparkvae.data;

import io.sparkvae.io.Printable;
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

  /**
   * What to load, as the job's configuration describes it.
   *
   * @param shape the image geometry; for image folders the size every image is resampled to
   *     (null: keep the files' own size, which must then be the same for all)
   * @param images settings that only image folders use
   */
  public record Spec(String key, String path, Format format, String featuresColumn,
      String labelColumn, ImageData.Shape shape, int numFeatures, ImageOptions images) {
    public Spec {
      if (images == null) {
        images = ImageOptions.DEFAULTS;
      }
    }

    /** A spec with the default image options. */
    public Spec(String key, String path, Format format, String featuresColumn,
        String labelColumn, ImageData.Shape shape, int numFeatures) {
      this(key, path, format, featuresColumn, labelColumn, shape, numFeatures,
          ImageOptions.DEFAULTS);
    }
  }

  /**
   * Settings of image folders.
   *
   * @param channels 1 (grayscale) or 3 (RGB) when {@link Spec#shape()} is null (it says
   *     otherwise)
   * @param failOnBadFile true: an unreadable file fails the load; false: it is skipped, and
   *     counted and listed in the log
   * @param classesFrom another image folder whose class subfolders fix the label numbering (the
   *     training folder, when loading the test folder), or null
   */
  public record ImageOptions(int channels, boolean failOnBadFile, String classesFrom) {
    public static final ImageOptions DEFAULTS = new ImageOptions(1, false, null);

    public ImageOptions {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("data.channels must be 1 (grayscale) or 3 (RGB), got "
            + channels);
      }
    }
  }

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

  /**
   * Resolves the format: given, else inferred from the path's name, else from a directory's
   * contents (see {@link #inferDirectory}).
   */
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
        f = inferDirectory(fs, p);
        if (f != null) {
          return f;
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

  /**
   * The format of a directory from at most two listings: its own files (a Parquet, CSV or LibSVM
   * part file, or an image), else its first subfolder: {@code key=value} means a partitioned
   * Parquet table, images or part files in it decide as above. A bare {@code _SUCCESS} means
   * Parquet (Spark's default output). Null when nothing says.
   */
  static Format inferDirectory(FileSystem fs, Path dir) throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    Arrays.sort(children);
    Format f = formatOfFiles(children);
    if (f != null) {
      return f;
    }
    boolean success = false;
    for (FileStatus s : children) {
      String n = s.getPath().getName();
      success |= n.equals("_SUCCESS");
      if (s.isDirectory() && !n.startsWith(".") && !n.startsWith("_")) {
        if (n.contains("=")) {
          return Format.PARQUET;
        }
        f = formatOfFiles(fs.listStatus(s.getPath()));
        if (f != null) {
          return f;
        }
        break;
      }
    }
    return success ? Format.PARQUET : null;
  }

  private static Format formatOfFiles(FileStatus[] files) {
    for (FileStatus s : files) {
      String n = s.getPath().getName();
      if (!s.isFile() || n.startsWith(".") || n.startsWith("_")) {
        continue;
      }
      if (ImageFolders.isImageName(n)) {
        return Format.IMAGES;
      }
      Format f = infer(n);
      if (f == Format.PARQUET || f == Format.CSV || f == Format.LIBSVM) {
        return f;
      }
    }
    return null;
  }

  public static void requireExists(FileSystem fs, Path p, String key) throws IOException {
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
        return ImageFolders.load(spark, spec);
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
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    int[] dims;
    try {
      if (labels != null) {
        Path lp = new Path(labels);
        if (!lp.getFileSystem(conf).exists(lp)) {
          labels = null;
        } else {
          paths.add(labels);
        }
      }
      // Checked here, on the driver, so that a damaged file is a one-line error before any job.
      dims = checkIdx(conf, images, spec.key());
      if (dims.length < 2) {
        throw new IllegalArgumentException(spec.key() + " " + images + ": IDX images need at "
            + "least 2 dimensions, the header has " + dims.length + " (is it a labels file?)");
      }
      if (labels != null) {
        int[] ld = checkIdx(conf, labels, spec.key() + " labels");
        if (ld[0] != dims[0]) {
          throw new IllegalArgumentException(spec.key() + ": " + labels + " holds " + ld[0]
              + " labels but " + images + " holds " + dims[0] + " images");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
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
      try {
        return rows(img, imgPath, lab, labPath, key);
      } catch (IOException e) {
        // The driver checked the files; this is a file changed since, or a damaged gzip body.
        throw new BadDataException(e.getMessage(), e);
      }
    };
    Dataset<Row> frame = files.mapPartitions(parse, Encoders.row(IDX_SCHEMA));
    ImageData.Shape shape = spec.shape() != null ? spec.shape() : idxShape(dims);
    return new ImageData(frame, "features", labels != null ? "label" : null, "id", shape,
        spec.key() + ": " + images);
  }

  /** Parses the IDX bytes (on an executor) into rows. */
  private static java.util.Iterator<Row> rows(byte[] img, String imgPath, byte[] lab,
      String labPath, String key) throws IOException {
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
  }

  /** The image shape an IDX header describes, or null. */
  private static ImageData.Shape idxShape(int[] dims) {
    if (dims.length == 3) {
      return new ImageData.Shape(dims[1], dims[2], 1);
    }
    if (dims.length == 4 && (dims[3] == 1 || dims[3] == 3)) {
      return new ImageData.Shape(dims[1], dims[2], dims[3]);
    }
    return null;
  }

  /**
   * Checks an IDX file on the driver without reading its body where that can be avoided: the
   * header, then the body's length: from the file size when uncompressed, from the gzip trailer
   * (the uncompressed size mod 2^32) when compressed, and only when that disagrees (a truncated
   * file, or a file of several gzip members) by decompressing and counting.
   *
   * @return the dimensions
   * @throws IOException naming the file and what is wrong
   */
  static int[] checkIdx(Configuration conf, String file, String key) throws IOException {
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(conf);
    String source = key + " " + file;
    long len = fs.getFileStatus(p).getLen();
    boolean gzip;
    int[] dims;
    try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(p)) {
      gzip = IdxFile.looksGzipped(in);
      in.seek(0);
      dims = IdxFile.readHeader(in, source);
      if (!gzip) {
        String problem = IdxFile.bodyProblem(dims, len - IdxFile.headerBytes(dims.length),
            source);
        if (problem != null) {
          throw new IOException(problem);
        }
        return dims;
      }
      long expected = IdxFile.headerBytes(dims.length) + IdxFile.bodyBytes(dims);
      if (len >= 18) { // a gzip member is at least 18 bytes; ISIZE is its last 4, little-endian
        byte[] t = new byte[4];
        in.readFully(len - 4, t);
        long isize = (t[0] & 0xFFL) | (t[1] & 0xFFL) << 8 | (t[2] & 0xFFL) << 16
            | (t[3] & 0xFFL) << 24;
        if (isize == (expected & 0xFFFFFFFFL)) {
          return dims;
        }
      }
    }
    try (java.io.InputStream in = fs.open(p)) {
      return IdxFile.verify(in, source);
    }
  }

  /**
   * Parquet: the features column (binary 8-bit pixels, array of float/double, or ML Vector), or,
   * when there is no column called "features", every numeric column but the label and id.
   */
  static ImageData parquet(SparkSession spark, Spec spec) {
    Dataset<Row> df = spark.read().parquet(spec.path());
    String col = spec.featuresColumn();
    List<String> names = Arrays.asList(df.schema().fieldNames());
    String label = spec.labelColumn() != null && names.contains(spec.labelColumn())
        ? spec.labelColumn() : null;
    String id = names.contains("id") ? "id" : (names.contains("path") ? "path" : null);
    if (col.equals("features") && !names.contains(col)) {
      // No features column: every numeric column but the label and id is a pixel, as for CSV.
      List<org.apache.spark.sql.Column> pixels = new ArrayList<>();
      for (StructField f : df.schema().fields()) {
        if (!f.name().equals(label) && !f.name().equals(id)
            && f.dataType() instanceof NumericType) {
          pixels.add(functions.col("`" + f.name() + "`").cast(DataTypes.FloatType));
        }
      }
      if (!pixels.isEmpty()) {
        df = df.withColumn("features", functions.array(
            pixels.toArray(new org.apache.spark.sql.Column[0])));
      }
    }
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
            + Printable.name(f.name()) + "' is not numeric (" + t.simpleString()
            + "); every column but 'id' and the label must hold numbers");
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
