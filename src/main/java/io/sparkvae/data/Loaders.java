// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Loads image data sets from IDX, Parquet, CSV and LibSVM into an {@link ImageData}, all through
 * Spark data sources and the Hadoop file system API, so paths may be local, HDFS or S3 and no row
 * passes through the driver. The format is inferred from the path when not given.
 */
public final class Loaders {
  private Loaders() {}

  /** The formats we read. */
  public enum Format {
    IDX,
    PARQUET,
    CSV,
    LIBSVM,
    IMAGES;

    public static Format parse(String s, String key) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            key
                + " = '"
                + s
                + "' is not a format; expected one of idx, parquet, csv, libsvm, images");
      }
    }
  }

  /**
   * What to load, as the job's configuration describes it.
   *
   * @param shape the image geometry; for image folders the size every image is resampled to (null:
   *     keep the files' own size, which must then be the same for all)
   * @param images settings that only image folders use
   * @param idColumn the column that identifies rows ({@code data.id}); in CSV and Parquet it is
   *     never a pixel. Null or empty: none
   */
  public record Spec(
      String key,
      String path,
      Format format,
      String featuresColumn,
      String labelColumn,
      ImageData.Shape shape,
      int numFeatures,
      ImageOptions images,
      String idColumn) {
    public Spec {
      if (images == null) {
        images = ImageOptions.DEFAULTS;
      }
    }

    /** A spec whose rows are identified by an {@code id} column, as {@code data.id}'s default. */
    public Spec(
        String key,
        String path,
        Format format,
        String featuresColumn,
        String labelColumn,
        ImageData.Shape shape,
        int numFeatures,
        ImageOptions images) {
      this(key, path, format, featuresColumn, labelColumn, shape, numFeatures, images, "id");
    }

    /** A spec with the default image options. */
    public Spec(
        String key,
        String path,
        Format format,
        String featuresColumn,
        String labelColumn,
        ImageData.Shape shape,
        int numFeatures) {
      this(
          key,
          path,
          format,
          featuresColumn,
          labelColumn,
          shape,
          numFeatures,
          ImageOptions.DEFAULTS);
    }
  }

  /**
   * Settings of image folders.
   *
   * @param channels 1 (grayscale) or 3 (RGB) when {@link Spec#shape()} is null (it says otherwise)
   * @param failOnBadFile true: an unreadable file fails the load; false: it is skipped, and counted
   *     and listed in the log
   * @param classesFrom another image folder whose class subfolders fix the label numbering (the
   *     training folder, when loading the test folder), or null
   */
  public record ImageOptions(int channels, boolean failOnBadFile, String classesFrom) {
    public static final ImageOptions DEFAULTS = new ImageOptions(1, false, null);

    public ImageOptions {
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException(
            "data.channels must be 1 (grayscale) or 3 (RGB), got " + channels);
      }
    }
  }

  /** The format a path implies, or null when it does not say. */
  public static Format infer(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith("-ubyte")
        || p.endsWith("-ubyte.gz")
        || p.endsWith(".idx")
        || p.endsWith(".idx.gz")
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
      throw new UncheckedIOException(
          spec.key() + ": cannot read " + spec.path() + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        spec.key()
            + " = "
            + spec.path()
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
      throw new UncheckedIOException(
          spec.key() + ": cannot read " + spec.path() + ": " + e.getMessage(), e);
    }
    switch (f) {
      case IDX:
        return IdxLoader.idx(spark, spec);
      case PARQUET:
        return TableLoaders.parquet(spark, spec);
      case CSV:
        return TableLoaders.csv(spark, spec);
      case LIBSVM:
        return TableLoaders.libsvm(spark, spec);
      case IMAGES:
        return ImageFolders.load(spark, spec);
      default:
        throw new AssertionError(f);
    }
  }
}
