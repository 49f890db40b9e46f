// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.ColourShapes;
import io.sparkvae.data.PngEncoder;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate-shapes}: a data set of {@link ColourShapes} images of any size, drawn on the
 * executors. {@code spark.range} splits the ids into partitions and each task draws its rows one at
 * a time as the writer pulls them, so the driver holds no rows and a task holds one image (and for
 * Parquet, the row group being written). Image {@code id} depends only on the seed and the id, so
 * the partition count changes how the rows are split into files, never the images.
 *
 * <p>The data set is written into a hidden sibling of {@code --out} and moved into place whole
 * ({@link AtomicFiles#replaceDirectoryAtomically}): a failed run leaves no half data set. An
 * existing non-empty {@code --out} is refused; {@code --overwrite} replaces it only when it holds
 * {@value #MARKER}, the mark of a data set this command wrote.
 */
@Command(
    name = "generate-shapes",
    mixinStandardHelpOptions = true,
    description =
        "Write N procedurally drawn RGB images (a coloured shape on a coloured background) with "
            + "their factors as label columns: shape, x, y, scale, rotation, hue, background. "
            + "Parquet (id, label, shape, factors, features as binary 8-bit pixels) or a folder "
            + "of PNGs, one subfolder per shape, with the factors in DIR/_factors (Parquet). "
            + "The same seed gives the same images, whatever the partitioning.")
public final class GenerateShapesCommand implements Callable<Integer> {
  /** Written last into the data set: what it holds; its presence lets --overwrite replace it. */
  static final String MARKER = "_shapes.json";

  /** The folder format's factors, a Parquet directory Spark and the image loader both skip. */
  static final String FACTORS = "_factors";

  /** Bump when the drawing changes, so that a data set says which generator drew it. */
  static final int GENERATOR_VERSION = 1;

  /** About this many pixel bytes per partition (and Parquet part file) by default. */
  static final long PARTITION_BYTES = 128L << 20;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Where to write the data set (any Hadoop path); must not exist or be empty.")
  String out;

  @Option(
      names = "--rows",
      paramLabel = "N",
      required = true,
      description = "How many images, 1 to millions.")
  long rows;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "0",
      description = "The same seed gives the same images. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--size",
      paramLabel = "PIXELS",
      defaultValue = "64",
      description = "Width and height of the images, 16 to 1024. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "parquet",
      description = "parquet or folder (PNG files). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--partitions",
      paramLabel = "P",
      defaultValue = "0",
      description =
          "Spark partitions (and Parquet part files); 0 = about 128 MB of pixels each, at least "
              + "one per core. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--overwrite",
      description = "Replace --out when it holds a data set this command wrote (" + MARKER + ").")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    boolean folder = checkArguments();
    SparkSession spark = SparkSessions.create(JobConfig.load(null, List.of()));
    try {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      Path target = new Path(out);
      FileSystem fs = FileSystems.of(target, conf);
      checkOutput(fs, target);
      int p = partitionCount(spark.sparkContext().defaultParallelism());
      System.out.printf(
          Locale.ROOT,
          "drawing %,d images of %dx%d RGB (seed %d) in %d partitions into %s ...%n",
          rows,
          size,
          size,
          seed,
          p,
          out);
      spark
          .sparkContext()
          .setJobDescription(String.format(Locale.ROOT, "generate-shapes: %,d images", rows));
      long t0 = System.nanoTime();
      AtomicFiles.replaceDirectoryAtomically(
          fs,
          target,
          tmp -> {
            if (folder) {
              writeFolder(spark, fs, fs.makeQualified(tmp), p);
            } else {
              // Every image differs, so a dictionary of the pixel column never pays; Parquet
              // only gives it up after trying, which cost a sixth of the CPU time (measured).
              parquet(spark, rows, seed, size, p)
                  .write()
                  .mode(SaveMode.Overwrite)
                  .option("parquet.enable.dictionary#features", "false")
                  .parquet(tmp.toString());
            }
            AtomicFiles.writeAtomically(
                fs, new Path(tmp, MARKER), marker(folder).getBytes(StandardCharsets.UTF_8));
          });
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "wrote %,d images as %s in %.1f s (%,.0f images/s): %s%n",
          rows,
          folder ? "PNG files" : "Parquet",
          seconds,
          rows / seconds,
          fs.makeQualified(target));
      System.out.printf(
          Locale.ROOT,
          "train on them: submit/local.sh train --out OUT --set data.train=%s%s%n",
          out,
          folder ? " --set data.channels=3" : "");
      return Main.EXIT_OK;
    } finally {
      spark.sparkContext().setJobDescription(null);
      SparkSessions.stop(spark);
    }
  }

  /** Checks the options before Spark starts; true for the folder format. */
  boolean checkArguments() {
    if (rows < 1) {
      throw new UserError("--rows must be at least 1, got " + rows);
    }
    if (size < ColourShapes.MIN_SIZE || size > ColourShapes.MAX_SIZE) {
      throw new UserError(
          "--size must lie in "
              + ColourShapes.MIN_SIZE
              + ".."
              + ColourShapes.MAX_SIZE
              + " pixels, got "
              + size
              + (size < ColourShapes.MIN_SIZE
                  ? " (smaller, and the smallest shapes would be a pixel or two across)"
                  : ""));
    }
    if (partitions < 0) {
      throw new UserError("--partitions must be 0 (automatic) or more, got " + partitions);
    }
    String f = format.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("parquet") && !f.equals("folder")) {
      throw new UserError("--format must be parquet or folder, got '" + format + "'");
    }
    return f.equals("folder");
  }

  /** Refuses a file, or a non-empty directory that is not a data set of ours to overwrite. */
  private void checkOutput(FileSystem fs, Path target) throws IOException {
    if (target.getParent() == null) {
      throw new UserError("--out " + out + " is a root directory; choose a folder inside it");
    }
    AtomicFiles.recover(fs, target);
    if (!fs.exists(target)) {
      return;
    }
    if (!fs.getFileStatus(target).isDirectory()) {
      throw new UserError("--out " + out + " is a file, not a directory");
    }
    List<String> found = new ArrayList<>();
    for (FileStatus s : fs.listStatus(target)) {
      found.add(s.getPath().getName());
    }
    if (found.isEmpty()) {
      return;
    }
    found.sort(null);
    String listed =
        String.join(", ", found.subList(0, Math.min(5, found.size())))
            + (found.size() > 5 ? ", …" : "");
    if (!overwrite) {
      throw new UserError(
          "--out "
              + out
              + " already exists and is not empty ("
              + listed
              + "); choose another directory, or pass --overwrite to replace a data set that "
              + "generate-shapes wrote there");
    }
    if (!fs.exists(new Path(target, MARKER))) {
      throw new UserError(
          "--out "
              + out
              + " is not a data set that generate-shapes wrote (no "
              + MARKER
              + "; it holds "
              + listed
              + "), so --overwrite will not replace it; choose another directory");
    }
  }

  /** --partitions, or enough for about {@link #PARTITION_BYTES} each and one per core. */
  int partitionCount(int cores) {
    long p = partitions;
    if (p == 0) {
      long perPartition = Math.max(1, PARTITION_BYTES / (3L * size * size));
      p = Math.max(cores, (rows + perPartition - 1) / perPartition);
    }
    return (int) Math.max(1, Math.min(Math.min(p, rows), 100_000));
  }

  private String marker(boolean folder) {
    Map<String, Object> m = new LinkedHashMap<>(); // a fixed key order
    m.put("generator", "generate-shapes");
    m.put("version", GENERATOR_VERSION);
    m.put("format", folder ? "folder" : "parquet");
    m.put("rows", rows);
    m.put("seed", seed);
    m.put("size", size);
    m.put("channels", 3);
    m.put("shapes", ColourShapes.SHAPES);
    return Json.write(m) + "\n";
  }

  // ---- the rows ----

  /** The factor columns, in {@link ColourShapes.Factors}' order, after id, label and shape. */
  static final List<StructField> FACTOR_COLUMNS =
      List.of(
          DataTypes.createStructField("id", DataTypes.LongType, false),
          DataTypes.createStructField("label", DataTypes.IntegerType, false),
          DataTypes.createStructField("shape", DataTypes.StringType, false),
          DataTypes.createStructField("x", DataTypes.DoubleType, false),
          DataTypes.createStructField("y", DataTypes.DoubleType, false),
          DataTypes.createStructField("scale", DataTypes.DoubleType, false),
          DataTypes.createStructField("rotation", DataTypes.DoubleType, false),
          DataTypes.createStructField("hue", DataTypes.DoubleType, false),
          DataTypes.createStructField("background", DataTypes.DoubleType, false));

  /** Parquet rows: the factors, then the pixels. */
  static final StructType PARQUET_SCHEMA =
      schema(DataTypes.createStructField("features", DataTypes.BinaryType, false));

  /** The folder format's factors: the factors, then the file's path inside the folder. */
  static final StructType FOLDER_SCHEMA =
      schema(DataTypes.createStructField("file", DataTypes.StringType, false));

  private static StructType schema(StructField last) {
    List<StructField> fields = new ArrayList<>(FACTOR_COLUMNS);
    fields.add(last);
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** The data set as Parquet rows: ids 0..n-1, drawn on the executors as they are written. */
  static Dataset<Row> parquet(SparkSession spark, long n, long seed, int size, int partitions) {
    MapPartitionsFunction<Long, Row> draw =
        ids ->
            rowsOf(
                ids,
                id -> {
                  byte[] px = new byte[3 * size * size];
                  ColourShapes.Factors f = ColourShapes.render(seed, id, size, px, 0);
                  return factorRow(id, f, px);
                });
    return spark.range(0, n, 1, partitions).mapPartitions(draw, Encoders.row(PARQUET_SCHEMA));
  }

  /**
   * The folder format: each task writes its PNGs under {@code dir/<shape>/} and hands its factor
   * rows to the Parquet writer of {@code dir/_factors}, so one pass over the ids writes both.
   */
  private void writeFolder(SparkSession spark, FileSystem fs, Path dir, int p) throws IOException {
    // Every class folder, even one no image falls in: the image loader numbers its labels by the
    // folders it finds, and must find all six to number them as the label column does.
    for (String shape : ColourShapes.SHAPES) {
      fs.mkdirs(new Path(dir, shape));
    }
    SerializableWritable<Configuration> conf =
        new SerializableWritable<>(new Configuration(spark.sparkContext().hadoopConfiguration()));
    String root = dir.toString();
    int digits = Math.max(6, Long.toString(rows - 1).length());
    long s = seed;
    int px = size;
    MapPartitionsFunction<Long, Row> draw =
        ids -> {
          FileWriter files = fileWriter(new Path(root), conf.value());
          byte[] pixels = new byte[3 * px * px];
          return rowsOf(
              ids,
              id -> {
                ColourShapes.Factors f = ColourShapes.render(s, id, px, pixels, 0);
                String file = f.shapeName() + "/" + fileName(id, digits);
                try {
                  files.write(file, PngEncoder.rgb(pixels, 0, px, px));
                } catch (IOException e) {
                  throw new UncheckedIOException("cannot write " + root + "/" + file, e);
                }
                return factorRow(id, f, file);
              });
        };
    spark
        .range(0, rows, 1, p)
        .mapPartitions(draw, Encoders.row(FOLDER_SCHEMA))
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(new Path(dir, FACTORS).toString());
  }

  /** Writes one small file by its path inside the data set's folder. */
  private interface FileWriter {
    void write(String file, byte[] bytes) throws IOException;
  }

  /**
   * Writes files under {@code base}: through Hadoop, except on the local file system, where Hadoop
   * without its native library sets each new file's permissions by running {@code chmod} in a child
   * process, 10 to 20 ms a file (measured), a hundred times the cost of drawing and encoding the
   * image; java.nio writes the file with the usual umask instead. A retried task writes the same
   * bytes again, so overwriting is harmless.
   */
  private static FileWriter fileWriter(Path base, Configuration conf) throws IOException {
    FileSystem fs = FileSystems.of(base, conf);
    if (fs instanceof RawLocalFileSystem local) {
      java.nio.file.Path dir = local.pathToFile(base).toPath();
      return (file, bytes) -> {
        java.nio.file.Path p = dir.resolve(file);
        Files.createDirectories(p.getParent()); // the class folders exist: a cheap check
        Files.write(p, bytes);
      };
    }
    return (file, bytes) -> {
      try (FSDataOutputStream o = fs.create(new Path(base, file), true)) {
        o.write(bytes);
      }
    };
  }

  /** {@code id} zero-padded to {@code digits}, so that the files sort in id order. */
  static String fileName(long id, int digits) {
    String n = Long.toString(id);
    return "0".repeat(Math.max(0, digits - n.length())) + n + ".png";
  }

  private static Row factorRow(long id, ColourShapes.Factors f, Object last) {
    return RowFactory.create(
        id,
        f.shape(),
        f.shapeName(),
        f.x(),
        f.y(),
        f.scale(),
        f.rotation(),
        f.hue(),
        f.background(),
        last);
  }

  /** One row per id, made as it is asked for: a partition is never held in memory. */
  private static Iterator<Row> rowsOf(
      Iterator<Long> ids, java.util.function.LongFunction<Row> row) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public Row next() {
        return row.apply(ids.next());
      }
    };
  }
}
