// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Folders of PNG and JPEG files as a data set: {@code root/*.png}, or {@code root/<class>/…} where
 * each subfolder is a class (label = the class's position among the sorted folder names).
 *
 * <p>Files are read with Spark's {@code binaryFile} source and decoded, converted and resampled by
 * {@link ImageDecoder} inside {@code mapPartitions}, so no image passes through the driver.
 * (Spark's {@code image} source measured 5 to 7 times slower on 28×28 PNGs and 2.5 times slower on
 * 400×300 JPEGs here, cannot resample, and hands on every image at its full decoded size; see
 * src/site/markdown/inputs.md, Image folders.) The decoded 8-bit pixels are cached
 * (MEMORY_AND_DISK) by the one job that also counts unreadable files and the images' sizes, so
 * every later pass (training, evaluation, pictures) reads the cache instead of decoding again.
 *
 * <p>The frame has columns {@code path} (the file, the row's id), {@code features} (binary: 8-bit
 * pixels, row-major, RGB interleaved) and, when there are class folders, {@code label} (int) and
 * {@code label_name} (the folder name).
 */
public final class ImageFolders {
  private static final Logger LOG = LoggerFactory.getLogger(ImageFolders.class);

  /** File names read as images; everything else in the folder is ignored. */
  static final String IMAGE_GLOB = "*.{[pP][nN][gG],[jJ][pP][gG],[jJ][pP][eE][gG]}";

  /**
   * Spark's file stream skips a file whose modification time is more than 7 days (its default)
   * older than the newest it has seen, and a file renamed into the folder keeps its old time: so
   * every file is taken, however old. The stream's log of files seen grows with them.
   */
  public static final String STREAM_MAX_FILE_AGE = "36500d";

  /** {@link #IMAGE_GLOB} as a pattern on file names, for listing without Spark. */
  private static final java.util.regex.Pattern IMAGE_NAME =
      java.util.regex.Pattern.compile("(?i).*\\.(png|jpg|jpeg)");

  /** How many unreadable files a message lists by name. */
  public static final int LISTED = 10;

  private static final int SIZES_LISTED = 4;

  /** Input partitions merged into one: about 500 small files per task. */
  static final int MERGED = 16;

  static final StructType DECODED =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("features", DataTypes.BinaryType, true),
            DataTypes.createStructField("label", DataTypes.IntegerType, true),
            DataTypes.createStructField("label_name", DataTypes.StringType, true),
            DataTypes.createStructField("source_height", DataTypes.IntegerType, true),
            DataTypes.createStructField("source_width", DataTypes.IntegerType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true)
          });

  private ImageFolders() {}

  /** True for the file names this loader reads. */
  public static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
  }

  /**
   * The class folders directly under {@code path}, sorted (the label numbering); empty when there
   * are none or {@code path} is a file. Hidden folders ({@code .x}, {@code _x}) are skipped, as
   * Spark skips them.
   */
  public static List<String> classNames(FileSystem fs, Path path) throws IOException {
    if (!fs.getFileStatus(path).isDirectory()) {
      return List.of();
    }
    TreeSet<String> names = new TreeSet<>();
    for (FileStatus s : fs.listStatus(path)) {
      String n = s.getPath().getName();
      if (s.isDirectory() && !n.startsWith(".") && !n.startsWith("_")) {
        names.add(n);
      }
    }
    return new ArrayList<>(names);
  }

  static ImageData load(SparkSession spark, Loaders.Spec spec) {
    Path root = new Path(spec.path());
    List<String> classes;
    Path qualified;
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      qualified = fs.makeQualified(root);
      classes = labelOrder(spark, spec, classNames(fs, qualified));
    } catch (IOException e) {
      throw new UncheckedIOException(
          spec.key() + ": cannot list " + spec.path() + ": " + e.getMessage(), e);
    }
    ImageData.Shape target = spec.shape();
    int channels = target != null ? target.channels() : spec.images().channels();
    ImageDecoder decoder =
        target == null
            ? new ImageDecoder(0, 0, channels)
            : new ImageDecoder(target.height(), target.width(), channels);

    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .option("pathGlobFilter", IMAGE_GLOB)
            .option("recursiveFileLookup", "true")
            .load(spec.path())
            .select("path", "content");
    // Spark packs small files about 32 to a partition (spark.sql.files.openCostInBytes): tens of
    // thousands of images make thousands of tiny tasks, each a few ms of overhead on every pass
    // over the cache. Merging them (no shuffle) keeps at least two tasks per core.
    int inputPartitions = files.rdd().getNumPartitions();
    int merged =
        Math.max(
            2 * spark.sparkContext().defaultParallelism(), (inputPartitions + MERGED - 1) / MERGED);
    if (merged < inputPartitions) {
      files = files.coalesce(merged);
    }
    Dataset<Row> decoded =
        files.mapPartitions(decode(decoder, qualified.depth(), classes), Encoders.row(DECODED));
    List<Row> empty;
    try {
      empty =
          emptyFiles(
              files,
              qualified.getFileSystem(spark.sparkContext().hadoopConfiguration()),
              qualified,
              classes);
    } catch (IOException e) {
      throw new UncheckedIOException(spec.key() + ": cannot list " + root + ": " + e, e);
    }
    if (!empty.isEmpty()) {
      decoded = decoded.union(spark.createDataFrame(empty, DECODED));
    }
    decoded = decoded.persist(StorageLevel.MEMORY_AND_DISK());
    String where = spec.key() + " = " + spec.path();
    try {
      return summarize(spec, decoded, classes, target, channels, where);
    } catch (Exception e) { // a failed job's SparkException too
      decoded.unpersist(false);
      throw e;
    }
  }

  /**
   * Checks the decoded images in one job (which also fills the cache) and a few small ones on the
   * cache: unreadable files, sizes. Only counts and a few example rows reach the driver.
   */
  private static ImageData summarize(
      Loaders.Spec spec,
      Dataset<Row> decoded,
      List<String> classes,
      ImageData.Shape target,
      int channels,
      String where) {
    Column bad = col("error").isNotNull();
    Row totals =
        decoded
            .agg(
                count(lit(1)),
                count(col("error")),
                count(when(col("label").isNull().and(col("error").isNull()), lit(1))))
            .first();
    long files = totals.getLong(0);
    long badFiles = totals.getLong(1);
    long unlabeled = totals.getLong(2);
    if (files == 0) {
      throw new IllegalArgumentException(
          where + ": no .png, .jpg or .jpeg files in this folder " + "or its subfolders");
    }
    if (badFiles > 0) {
      List<Row> examples =
          decoded.where(bad).select("path", "error").orderBy("path").limit(LISTED).collectAsList();
      List<String> listed = new ArrayList<>();
      for (Row r : examples) {
        listed.add(r.getString(0) + " (" + r.getString(1) + ")");
      }
      String more =
          badFiles > examples.size() ? "; and " + (badFiles - examples.size()) + " more" : "";
      if (spec.images().failOnBadFile() || badFiles == files) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s: %d of %d image files " + "cannot be read%s: %s%s",
                where,
                badFiles,
                files,
                badFiles == files ? "" : " (data.on-bad-file = fail; skip would leave them out)",
                String.join("; ", listed),
                more));
      }
      StringBuilder sb =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s: skipping %d of %d "
                      + "image files that cannot be read (data.on-bad-file = skip; fail stops the run "
                      + "instead):",
                  where,
                  badFiles,
                  files));
      for (String l : listed) {
        sb.append("\n  ").append(l);
      }
      if (!more.isEmpty()) {
        sb.append("\n  … and ").append(badFiles - examples.size()).append(" more");
      }
      LOG.warn(sb.toString());
    }
    ImageData.Shape shape = target;
    if (shape == null) {
      List<Row> sizes =
          decoded
              .where(col("error").isNull())
              .groupBy("source_height", "source_width")
              .agg(count(lit(1)).as("n"), min("path").as("example"))
              .orderBy(desc("n"), col("source_height"), col("source_width"))
              .limit(SIZES_LISTED + 1)
              .collectAsList();
      if (sizes.size() > 1) {
        List<String> listed = new ArrayList<>();
        for (Row r : sizes.subList(0, Math.min(SIZES_LISTED, sizes.size()))) {
          listed.add(
              String.format(
                  Locale.ROOT,
                  "%d of %dx%d (e.g. %s)",
                  r.getLong(2),
                  r.getInt(1),
                  r.getInt(0),
                  r.getString(3)));
        }
        throw new IllegalArgumentException(
            where
                + ": the images have different sizes (width x "
                + "height): "
                + String.join(", ", listed)
                + (sizes.size() > SIZES_LISTED ? ", and more" : "")
                + "; set data.height and data.width to resample every image "
                + "to one size");
      }
      Row only = sizes.get(0);
      shape = new ImageData.Shape(only.getInt(0), only.getInt(1), channels);
    }
    if (!classes.isEmpty() && unlabeled > 0) {
      LOG.warn(
          "{}: {} images lie directly in the folder, outside the class subfolders {}: "
              + "their label is null",
          where,
          unlabeled,
          classes);
    }
    LOG.info(
        "{}: {} images ({} skipped) as {} pixels, {}; decoded once and cached",
        where,
        files - badFiles,
        badFiles,
        shape,
        classes.isEmpty() ? "no class folders" : classes.size() + " classes " + classes);
    List<String> cols = new ArrayList<>(List.of("path", "features"));
    if (!classes.isEmpty()) {
      cols.add("label");
      cols.add("label_name");
    }
    Dataset<Row> frame =
        decoded
            .where(col("error").isNull())
            .select(cols.stream().map(c -> col(c)).toArray(Column[]::new));
    return new ImageData(
        frame,
        "features",
        classes.isEmpty() ? null : "label",
        "path",
        shape,
        spec.key() + ": " + spec.path(),
        classes.isEmpty() ? null : List.copyOf(classes));
  }

  /**
   * The label numbering: this folder's sorted classes, or, when {@code classesFrom} names another
   * folder (the training data), that folder's numbering with classes only found here appended.
   */
  private static List<String> labelOrder(SparkSession spark, Loaders.Spec spec, List<String> found)
      throws IOException {
    String ref = spec.images().classesFrom();
    if (ref == null) {
      return found;
    }
    Path rp = new Path(ref);
    FileSystem fs = rp.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(rp)) {
      return found;
    }
    List<String> order = new ArrayList<>(classNames(fs, rp));
    if (order.isEmpty()) {
      return found;
    }
    List<String> extra = new ArrayList<>();
    for (String c : found) {
      if (!order.contains(c)) {
        extra.add(c);
      }
    }
    if (!extra.isEmpty()) {
      LOG.warn(
          "{}: class folders {} are not in {}; they get labels {} to {}",
          spec.key(),
          extra,
          ref,
          order.size(),
          order.size() + extra.size() - 1);
      order.addAll(extra);
    }
    return order;
  }

  /**
   * The zero-byte image files, as rows of unreadable files: Spark's file sources plan no split for
   * an empty file, so such a file never reaches {@link #decode} and would vanish without being
   * counted. Taken from the listing Spark already made (no second listing, which costs on object
   * stores); should a Spark version hide that listing, the folder is listed again rather than
   * letting empty files slip through.
   */
  static List<Row> emptyFiles(Dataset<Row> files, FileSystem fs, Path root, List<String> classes)
      throws IOException {
    List<FileStatus> listed = sparkListing(files);
    if (listed == null) {
      listed = new ArrayList<>();
      var it = fs.listFiles(root, true);
      while (it.hasNext()) {
        FileStatus s = it.next();
        if (IMAGE_NAME.matcher(s.getPath().getName()).matches()) {
          listed.add(s);
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (FileStatus s : listed) {
      if (s.isFile() && s.getLen() == 0) {
        String path = s.getPath().toString();
        String cls = classes.isEmpty() ? null : classOf(path, root.depth());
        int label = cls == null ? -1 : classes.indexOf(cls);
        rows.add(
            RowFactory.create(path, null, label < 0 ? null : label, cls, null, null, "empty file"));
      }
    }
    return rows;
  }

  /** The files Spark listed for this source, or null if its plan does not show them. */
  private static List<FileStatus> sparkListing(Dataset<Row> files) {
    for (LogicalPlan leaf :
        CollectionConverters.asJava(files.queryExecution().analyzed().collectLeaves())) {
      if (leaf instanceof LogicalRelation lr
          && lr.relation() instanceof HadoopFsRelation fr
          && fr.location() instanceof PartitioningAwareFileIndex index) {
        return new ArrayList<>(CollectionConverters.asJava(index.allFiles()));
      }
    }
    return null;
  }

  /**
   * Image files as they land under {@code dir}, for Structured Streaming: each new file decoded on
   * the executors as {@link #load} decodes it, in rows of {@link #DECODED}'s schema (no labels); an
   * unreadable file is a row with its {@code error} set. A streaming source needs its schema up
   * front, so binaryFile's fixed one is given.
   *
   * @param maxFilesPerTrigger files per micro-batch, 0 for Spark's default (all new files)
   */
  public static Dataset<Row> stream(
      SparkSession spark, String dir, ImageDecoder decoder, int maxFilesPerTrigger) {
    StructType binary =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("path", DataTypes.StringType, false),
              DataTypes.createStructField("modificationTime", DataTypes.TimestampType, false),
              DataTypes.createStructField("length", DataTypes.LongType, false),
              DataTypes.createStructField("content", DataTypes.BinaryType, true)
            });
    var reader =
        spark
            .readStream()
            .format("binaryFile")
            .schema(binary)
            .option("pathGlobFilter", IMAGE_GLOB)
            .option("recursiveFileLookup", "true")
            .option("maxFileAge", STREAM_MAX_FILE_AGE);
    if (maxFilesPerTrigger > 0) {
      reader = reader.option("maxFilesPerTrigger", maxFilesPerTrigger);
    }
    return reader
        .load(dir)
        .select("path", "content")
        .mapPartitions(decode(decoder, 0, List.of()), Encoders.row(DECODED));
  }

  /** The executor side: (path, content) rows in, decoded rows out, one at a time. */
  private static MapPartitionsFunction<Row, Row> decode(
      ImageDecoder decoder, int rootDepth, List<String> classes) {
    final Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      index.put(classes.get(i), i);
    }
    final boolean labelled = !classes.isEmpty();
    return it ->
        new Iterator<Row>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Row next() {
            Row in = it.next();
            String path = in.getString(0);
            String cls = labelled ? classOf(path, rootDepth) : null;
            Integer label = cls == null ? null : index.get(cls);
            try {
              ImageDecoder.Decoded d = decoder.decode((byte[]) in.get(1));
              return RowFactory.create(
                  path, d.pixels, label, cls, d.sourceHeight, d.sourceWidth, null);
            } catch (ImageDecoder.BadImageException e) {
              return RowFactory.create(path, null, label, cls, null, null, e.getMessage());
            }
          }
        };
  }

  /** The first folder under the root on the way to {@code file}, or null for a file at the root. */
  static String classOf(String file, int rootDepth) {
    Path p = new Path(file).getParent();
    if (p == null || p.depth() <= rootDepth) {
      return null;
    }
    while (p.depth() > rootDepth + 1) {
      p = p.getParent();
    }
    return p.getName();
  }
}
