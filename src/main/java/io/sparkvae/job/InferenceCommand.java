// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.sparkvae.data.ImageData;
import io.sparkvae.engine.DataValidationException;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.ml.VariationalAutoencoderModel;
import io.sparkvae.report.ImageGrid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the commands that run a saved model share: {@code --model} (a model directory, a train
 * output directory, a versioned base or its {@code latest} pointer; see {@link ModelRef}), {@code
 * --config}/{@code --set}/{@code --out}/{@code --overwrite}, and for those that read data, {@code
 * --data}/{@code --format}.
 *
 * <p>The input is described by the same {@code data.*} keys as training; {@code --data PATH} is
 * short for {@code --set data.test=PATH} and {@code --format F} for {@code --set data.format=F}, so
 * {@code evaluate --config conf/x.conf --model M} runs on that configuration's test set. Every
 * computation on rows is a {@link VariationalAutoencoderModel#transform}, so a notebook user gets
 * the same numbers from plain Spark ML calls.
 */
abstract class InferenceCommand implements Callable<Integer> {

  /** {@code --data} and {@code --format}, for the commands that read rows. */
  static final class DataOptions {
    @Option(
        names = "--data",
        paramLabel = "PATH",
        description =
            "The input rows, any Hadoop path (default: data.test of --config). "
                + "Same as --set data.test=PATH; the other data.* keys apply as in train.")
    String data;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description =
            "The input's format, as data.format: idx, parquet, csv, libsvm, … "
                + "(default: from the path). Same as --set data.format=FORMAT.")
    String format;
  }

  @Option(
      names = "--model",
      required = true,
      paramLabel = "PATH",
      description =
          "The model: a model directory, a train --out directory, a versioned base "
              + "(its latest run) or a latest pointer file.")
  String model;

  @Mixin JobOptions options;

  /** The data options, or null for a command that reads no rows. */
  abstract DataOptions dataOptions();

  /** Runs the command once the model, data and output directory are ready. */
  abstract int run(Context c) throws IOException;

  /** What {@link #run} works with. */
  static final class Context {
    final SparkSession spark;
    final JobConfig cfg;
    final VariationalAutoencoderModel model;

    /** The input rows (null for commands without --data); its features column set on model. */
    final ImageData data;

    /** Image height, width, channels, or null when rows are not images. */
    final int[] shape;

    final OutputDir out;
    final String modelPath;

    /** A PNG grid of images of this model's shape, at the default scale. */
    byte[] gridPng(float[][] images, int columns, String[] captions, String title)
        throws IOException {
      return ImageGrid.toPngBytes(
          ImageGrid.grid(
              images,
              shape[0],
              shape[1],
              shape[2],
              columns,
              ImageGrid.defaultScale(shape[0], shape[1]),
              captions,
              title));
    }

    Context(
        SparkSession spark,
        JobConfig cfg,
        VariationalAutoencoderModel model,
        ImageData data,
        int[] shape,
        OutputDir out,
        String modelPath) {
      this.spark = spark;
      this.cfg = cfg;
      this.model = model;
      this.data = data;
      this.shape = shape;
      this.out = out;
      this.modelPath = modelPath;
    }

    /** A copy of the model with every output column off; callers turn on what they need. */
    VariationalAutoencoderModel quietModel() {
      return model
          .copy(new org.apache.spark.ml.param.ParamMap())
          .setLatentMeanCol("")
          .setLatentLogVarCol("")
          .setReconstructionCol("")
          .setNegElboCol("")
          .setIwaeCol("")
          .setIwaeSamples(0);
    }

    /** The columns that identify a row and carry through to outputs: id (or path), label. */
    List<Column> keyColumns() {
      List<Column> cols = new ArrayList<>();
      for (String c : keyColumnNames()) {
        cols.add(functions.col("`" + c + "`"));
      }
      return cols;
    }

    List<String> keyColumnNames() {
      List<String> names = new ArrayList<>();
      if (data.idColumn() != null) {
        names.add(data.idColumn());
      }
      if (data.labelColumn() != null && !data.labelColumn().equals(data.idColumn())) {
        names.add(data.labelColumn());
      }
      return names;
    }

    String source() {
      return cfg.string("data.test");
    }
  }

  @Override
  public final Integer call() throws Exception {
    JobConfig cfg = config();
    DataOptions d = dataOptions();
    if (d != null && cfg.string("data.test") == null) {
      throw new UserError("no input data: pass --data PATH (or set data.test in --config)");
    }
    SparkSession spark = SparkSessions.create(cfg);
    try {
      VariationalAutoencoderModel m = ModelRef.load(spark, model, "--model");
      ImageData data = null;
      if (d != null) {
        cfg = withModelChannels(cfg, m);
        data = Inputs.images(spark, cfg, "data.test");
        data = withRowId(data);
        m.setFeaturesCol(data.featuresColumn());
        checkFirstRow(m, data);
      }
      int[] shape = imageShape(m, data);
      OutputDir out =
          OutputDir.prepareFresh(
              spark.sparkContext().hadoopConfiguration(), options.out(), options.overwrite);
      try {
        return run(new Context(spark, cfg, m, data, shape, out, model));
      } catch (IOException e) {
        throw new UserError(
            "could not write outputs to " + out.path() + ": " + e.getMessage(),
            Main.EXIT_FAILURE,
            e);
      } catch (Exception e) {
        // Spark's Scala code throws the checked SparkException without declaring it.
        throw asUserError(e, data == null ? "--model " + model : data.source());
      }
    } finally {
      SparkSessions.stop(spark);
    }
  }

  /**
   * Without data.channels, image folders are read with the model's channels (3 for a model trained
   * on colour images) rather than as grayscale.
   */
  private JobConfig withModelChannels(JobConfig cfg, VariationalAutoencoderModel m) {
    int[] s = m.imageShape();
    if (!cfg.isNull("data.channels")
        || s == null
        || s[0] * s[1] * s[2] != m.architecture().inputDim()
        || s[2] == 1) {
      return cfg;
    }
    return config(List.of("data.channels=" + s[2]));
  }

  private JobConfig config() {
    return config(List.of());
  }

  private JobConfig config(List<String> extra) {
    List<String> sets = new ArrayList<>(options.sets);
    sets.addAll(extra);
    DataOptions d = dataOptions();
    if (d != null && d.data != null) {
      sets.add("data.test=" + quote(d.data));
    }
    if (d != null && d.format != null) {
      sets.add("data.format=" + quote(d.format));
    }
    return JobConfig.load(options.configFile, sets);
  }

  /** A HOCON string literal: paths such as hdfs://nn/x would otherwise read as a comment. */
  static String quote(String s) {
    return ConfigValueFactory.fromAnyRef(s).render(ConfigRenderOptions.concise());
  }

  /**
   * Rows with neither an id nor a path column get {@code row_id}: the position of the row in its
   * input (partition number in the upper bits), stable for the same input files, so that outputs
   * can be joined back.
   */
  static ImageData withRowId(ImageData d) {
    if (d.idColumn() != null) {
      return d;
    }
    List<String> names = Arrays.asList(d.frame().columns());
    if (names.contains("row_id")) {
      return new ImageData(
          d.frame(), d.featuresColumn(), d.labelColumn(), "row_id", d.shape(), d.source());
    }
    return new ImageData(
        d.frame().withColumn("row_id", functions.monotonically_increasing_id()),
        d.featuresColumn(),
        d.labelColumn(),
        "row_id",
        d.shape(),
        d.source());
  }

  /**
   * Fails fast, on the driver, when the data's rows do not have the model's input dimension: reads
   * the first row only. Rows further on are checked as they are scored.
   */
  static void checkFirstRow(VariationalAutoencoderModel m, ImageData data) {
    FeatureReader reader;
    try {
      reader = FeatureReader.forColumn(data.frame().schema(), data.featuresColumn());
    } catch (IllegalArgumentException e) {
      throw new UserError(data.source() + ": " + e.getMessage(), e);
    }
    List<Column> cols = new ArrayList<>();
    for (String c : data.frame().columns()) {
      cols.add(functions.col("`" + c + "`"));
    }
    List<Row> first;
    try {
      first = data.frame().select(cols.toArray(new Column[0])).limit(1).collectAsList();
    } catch (Exception e) { // Spark's own exceptions are checked, thrown undeclared
      throw new UserError(data.source() + ": cannot read: " + Inputs.rootMessage(e), e);
    }
    if (first.isEmpty()) {
      throw new UserError(data.source() + ": the data set has no rows");
    }
    int d = m.architecture().inputDim();
    ImageData.Shape shape = data.shape();
    int[] conv = m.architecture().isConvolutional() ? m.imageShape() : null;
    if (conv != null
        && shape != null
        && (shape.height() != conv[0] || shape.width() != conv[1] || shape.channels() != conv[2])) {
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%s: the images are %dx%dx%d, but the convolutional model was trained on %dx%dx%d "
                  + "images; set data.height = %d, data.width = %d and data.channels = %d (image "
                  + "folders are resized to them)",
              data.source(),
              shape.height(),
              shape.width(),
              shape.channels(),
              conv[0],
              conv[1],
              conv[2],
              conv[0],
              conv[1],
              conv[2]));
    }
    Row row = first.get(0);
    int dim = reader.read(row, new float[d], 0, d, new FeatureReader.FloatBuffer());
    if (dim != d) {
      int[] s = m.imageShape();
      String what =
          s == null ? "" : String.format(Locale.ROOT, " (%dx%dx%d images)", s[0], s[1], s[2]);
      Object id = data.idColumn() == null ? null : row.get(row.fieldIndex(data.idColumn()));
      throw new UserError(
          data.source()
              + ": column '"
              + data.featuresColumn()
              + "' holds "
              + (dim < 0 ? "a null" : dim + " values")
              + " in the first row read"
              + (id == null ? "" : " (" + data.idColumn() + " " + id + ")")
              + ", but the model "
              + "was trained on "
              + d
              + " values per row"
              + what
              + "; score data of the same "
              + "shape as the training data (data.features names the column)");
    }
  }

  /** The image geometry: the model's record, else data.height/width/channels, else a guess. */
  static int[] imageShape(VariationalAutoencoderModel m, ImageData data) {
    int[] s = m.imageShape();
    if (s != null && s[0] * s[1] * s[2] == m.architecture().inputDim()) {
      return s;
    }
    ImageData.Shape shape = data == null ? null : data.shape();
    if (shape == null || shape.size() != m.architecture().inputDim()) {
      shape = ImageData.Shape.guess(m.architecture().inputDim());
    }
    return shape == null ? null : new int[] {shape.height(), shape.width(), shape.channels()};
  }

  /**
   * A failure inside a Spark job whose cause is bad input (a row of the wrong dimension, a null, a
   * NaN) becomes a clear UserError naming the data; anything else is left as it is.
   */
  static Exception asUserError(Exception e, String source) {
    if (e instanceof UserError) {
      return e;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataValidationException) {
        return new UserError(source + ": " + t.getMessage(), e);
      }
      if (t instanceof IllegalArgumentException
          && t.getMessage() != null
          && t.getMessage().startsWith("column '")) {
        return new UserError(source + ": " + t.getMessage(), e);
      }
      // A failed task often reaches the driver as a SparkException without a cause, the task's
      // exception only quoted in its message ("Lost task … : java.lang.Illegal…: column …").
      String quoted = quotedRowError(t.getMessage());
      if (quoted != null) {
        return new UserError(source + ": " + quoted, e);
      }
    }
    return e;
  }

  private static String quotedRowError(String message) {
    String marker = IllegalArgumentException.class.getName() + ": column '";
    int i = message == null ? -1 : message.indexOf(marker);
    if (i < 0) {
      return null;
    }
    String rest = message.substring(i + marker.length() - "column '".length());
    int end = rest.indexOf('\n');
    return (end < 0 ? rest : rest.substring(0, end)).strip();
  }

  /** Drops the hidden Spark ML vector type from outputs: float arrays are read by any tool. */
  static Column asFloats(String column) {
    return org.apache
        .spark
        .ml
        .functions
        .vector_to_array(functions.col(column), "float32")
        .as(column);
  }

  static Dataset<Row> select(Dataset<Row> df, List<Column> cols) {
    return df.select(cols.toArray(new Column[0]));
  }
}
