// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.engine.FeatureReader;
import io.sparkvae.io.FileSystems;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.ml.params.ParamDefaults;
import io.sparkvae.ml.params.VaeModelParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A trained variational autoencoder. {@link #transform} appends, per row:
 *
 * <ul>
 *   <li>{@code latent_mean} and {@code latent_log_var}: the encoder's q(z | x) = N(μ, diag σ²), as
 *       ML vectors (feed them to KMeans, a classifier, a nearest-neighbour index…);
 *   <li>{@code reconstruction}: the decoder mean at z = μ;
 *   <li>{@code neg_elbo}: −ELBO in nats, an anomaly score (higher = less like the training data);
 *   <li>{@code iwae_nll} (when {@code iwaeSamples > 0}): −log p(x) by the importance-weighted
 *       bound.
 * </ul>
 *
 * Set any output column to "" to skip computing it. Noise is keyed by (seed, partition, block), so
 * a transform is reproducible for the same input partitioning.
 *
 * <p>Saved as safetensors weights plus JSON metadata ({@link ModelFiles}), beside Spark ML's {@code
 * metadata/} ({@link SparkMetadata}) so that it also saves and loads as a stage of a {@code
 * PipelineModel} or the best model of a {@code CrossValidatorModel}; {@link #load} verifies the
 * format version and the weights' checksum.
 */
public final class VariationalAutoencoderModel extends Model<VariationalAutoencoderModel>
    implements VaeModelParams, MLWritable {
  private static final long serialVersionUID = 1L;
  static final String CLASS = "io.sparkvae.ml.VariationalAutoencoderModel";

  private final String uid;
  private final VaeArchitecture arch;
  private final float[] weights;

  /**
   * The input, training, provenance and metrics sections (and, once loaded, the weights entry);
   * uid, architecture and params come from the model itself when {@link #metadata()} is asked.
   */
  private final ModelMetadata sections;

  private transient Broadcast<float[]> broadcast;

  /** The context {@link #broadcast} lives in: a broadcast is only valid there. */
  private transient org.apache.spark.SparkContext broadcastContext;

  VariationalAutoencoderModel(
      String uid, VaeArchitecture arch, float[] weights, ModelMetadata sections) {
    this.uid = uid;
    this.arch = arch;
    this.weights = weights;
    this.sections = sections;
    ParamDefaults.apply(this, this::setDefault);
    // A model made outside fit() scores with seed 0 (fit() sets the estimator's seed).
    setDefault(seed(), 0L);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- params: setters (the params and getters are VaeModelParams') ----

  public VariationalAutoencoderModel setFeaturesCol(String v) {
    set(featuresCol(), v);
    return this;
  }

  public VariationalAutoencoderModel setLatentMeanCol(String v) {
    set(latentMeanCol(), v);
    return this;
  }

  public VariationalAutoencoderModel setLatentLogVarCol(String v) {
    set(latentLogVarCol(), v);
    return this;
  }

  public VariationalAutoencoderModel setReconstructionCol(String v) {
    set(reconstructionCol(), v);
    return this;
  }

  public VariationalAutoencoderModel setNegElboCol(String v) {
    set(negElboCol(), v);
    return this;
  }

  public VariationalAutoencoderModel setIwaeCol(String v) {
    set(iwaeCol(), v);
    return this;
  }

  public VariationalAutoencoderModel setIwaeSamples(int v) {
    set(iwaeSamples(), v);
    return this;
  }

  public VariationalAutoencoderModel setScoreSamples(int v) {
    set(scoreSamples(), v);
    return this;
  }

  public VariationalAutoencoderModel setBlockSize(int v) {
    set(blockSize(), v);
    return this;
  }

  public VariationalAutoencoderModel setSeed(long v) {
    set(seed(), v);
    return this;
  }

  /** The architecture: sizes, activation, likelihood and the parameter layout. */
  public VaeArchitecture architecture() {
    return arch;
  }

  /** A copy of the flat parameter vector (layout: {@link VaeArchitecture#tensors()}). */
  public float[] weights() {
    return weights.clone();
  }

  float[] weightsNoCopy() {
    return weights;
  }

  /**
   * What {@code metadata.json} holds for this model, as it would be saved now: this model's uid,
   * architecture and current params, with the input, training history, provenance and metrics of
   * its fit. {@code weights()} is the loaded file's entry, or null for a model never saved.
   */
  public ModelMetadata metadata() {
    return sections.forModel(uid, arch, ParamsJson.toJson(this));
  }

  /**
   * A copy of this model recording another input description, e.g. an image shape found after
   * fitting ({@code withInput(metadata().input().withShape(28, 28, 1))}).
   */
  public VariationalAutoencoderModel withInput(ModelMetadata.Input input) {
    return withSections(sections.withInput(input));
  }

  /** A copy of this model recording figures measured after fitting (saved with it). */
  public VariationalAutoencoderModel withMetrics(ModelMetadata.Metrics metrics) {
    return withSections(sections.withMetrics(metrics));
  }

  private VariationalAutoencoderModel withSections(ModelMetadata s) {
    VariationalAutoencoderModel m = new VariationalAutoencoderModel(uid, arch, weights, s);
    return copyValues(m, new ParamMap()).setParent(parent());
  }

  /**
   * Image height, width, channels: a convolutional model's own geometry, else the shape recorded at
   * training time, or null.
   */
  public int[] imageShape() {
    VaeArchitecture.Conv c = arch.conv();
    if (c != null) {
      return new int[] {c.height(), c.width(), c.channels()};
    }
    return sections.input().imageShape();
  }

  private boolean on(Param<String> p) {
    String v = getOrDefault(p);
    return v != null && !v.isEmpty();
  }

  @Override
  public StructType transformSchema(StructType schema) {
    FeatureReader.forColumn(schema, getOrDefault(featuresCol()));
    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    List<String> names = new ArrayList<>(List.of(schema.fieldNames()));
    addField(fields, names, latentMeanCol(), SQLDataTypes.VectorType());
    addField(fields, names, latentLogVarCol(), SQLDataTypes.VectorType());
    addField(fields, names, reconstructionCol(), SQLDataTypes.VectorType());
    addField(fields, names, negElboCol(), DataTypes.DoubleType);
    if (getIwaeSamples() > 0) {
      addField(fields, names, iwaeCol(), DataTypes.DoubleType);
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  private void addField(
      List<StructField> fields,
      List<String> names,
      Param<String> p,
      org.apache.spark.sql.types.DataType t) {
    if (!on(p)) {
      return;
    }
    String n = getOrDefault(p);
    if (names.contains(n)) {
      throw new IllegalArgumentException(
          "output column '"
              + n
              + "' ("
              + p.name()
              + ") already exists in the input; choose another name");
    }
    names.add(n);
    fields.add(DataTypes.createStructField(n, t, true));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Dataset<Row> df = dataset.toDF();
    FeatureReader reader = FeatureReader.forColumn(df.schema(), getOrDefault(featuresCol()));
    Scorer scorer =
        new Scorer(
            arch,
            reader,
            (Integer) getOrDefault(blockSize()),
            (Integer) getOrDefault(scoreSamples()),
            getIwaeSamples(),
            (Long) getOrDefault(seed()),
            on(latentMeanCol()),
            on(latentLogVarCol()),
            on(reconstructionCol()),
            on(negElboCol()),
            getIwaeSamples() > 0 && on(iwaeCol()));
    Broadcast<float[]> bc = broadcast(df.sparkSession());
    MapPartitionsFunction<Row, Row> f =
        it -> scorer.score(it, bc.value(), TaskContext.getPartitionId());
    return df.mapPartitions(f, Encoders.row(out));
  }

  /**
   * New data from the model: {@code n} rows numbered 0 to n − 1, each with a latent code z ~ N(0,
   * I) and the decoder's mean at z (pixel means in [0, 1] for a Bernoulli decoder). Columns: {@code
   * id} (long), {@code z} (vector of H), {@code sample} (vector of D). Row i's z depends only on
   * {@code seed} and i, so the same call gives the same rows on any cluster, and {@code
   * sample(spark, 10, s)} is the first ten rows of {@code sample(spark, 1000, s)}.
   *
   * <p>The rows are computed on the executors, a block at a time, so n may be far larger than the
   * driver could hold.
   */
  public Dataset<Row> sample(SparkSession spark, long n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("number of samples must be >= 0, got " + n);
    }
    int parts =
        (int) Math.max(1, Math.min(spark.sparkContext().defaultParallelism(), (n + 4095) / 4096));
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.LongType, false),
              DataTypes.createStructField("z", SQLDataTypes.VectorType(), false),
              DataTypes.createStructField("sample", SQLDataTypes.VectorType(), false)
            });
    Sampler sampler = new Sampler(arch, seed);
    Broadcast<float[]> bc = broadcast(spark);
    MapPartitionsFunction<Long, Row> f = it -> sampler.sample(it, bc.value());
    return spark.range(0, n, 1, parts).mapPartitions(f, Encoders.row(schema));
  }

  /**
   * Parameters broadcast once per model and SparkContext, and reused by every transform. A new
   * context (a notebook's session stopped and started again) numbers its broadcasts from 0 again,
   * so one made in an earlier context could read another model's weights: it is made anew.
   */
  private synchronized Broadcast<float[]> broadcast(SparkSession spark) {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
      broadcast = sc.broadcast(weights, scala.reflect.ClassTag$.MODULE$.apply(float[].class));
      broadcastContext = sc;
    }
    return broadcast;
  }

  /** Kernel objective for this model (β = 1, L = scoreSamples). */
  public VaeObjective objective() {
    return new VaeObjective(arch, 1.0, 0, (Integer) getOrDefault(scoreSamples()));
  }

  @Override
  public VariationalAutoencoderModel copy(ParamMap extra) {
    VariationalAutoencoderModel m = new VariationalAutoencoderModel(uid, arch, weights, sections);
    return copyValues(m, extra).setParent(parent());
  }

  // ---- persistence ----

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  @Override
  public void save(String path) throws IOException {
    write().save(path);
  }

  public static MLReader<VariationalAutoencoderModel> read() {
    return new Reader();
  }

  public static VariationalAutoencoderModel load(String path) {
    return read().load(path);
  }

  /**
   * Saves atomically: the new model is written beside the target and swapped in, so a crash
   * mid-save leaves the previous model intact and loadable. Without {@code overwrite()} an existing
   * path is an error, as in Spark ML. The directory holds Spark ML's {@code metadata/} ({@link
   * SparkMetadata}, so the model loads as a stage of a saved pipeline), then {@code
   * weights.safetensors} and {@code metadata.json} ({@link ModelFiles}).
   */
  static final class Writer extends SparkMetadata.AtomicDirWriter {
    private final VariationalAutoencoderModel model;

    Writer(VariationalAutoencoderModel model) {
      super(model);
      this.model = model;
    }

    @Override
    String what() {
      return "the model";
    }

    @Override
    void writeFiles(FileSystem fs, Path dir) throws IOException {
      ModelFiles.write(fs, dir, model.metadata(), model.arch, model.weights);
    }
  }

  static final class Reader extends MLReader<VariationalAutoencoderModel> {
    @Override
    public VariationalAutoencoderModel load(String path) {
      Path p = new Path(path);
      try {
        FileSystem fs = FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
        ModelFiles.Loaded l = ModelFiles.read(fs, p, CLASS);
        String uid = l.metadata().uid();
        VariationalAutoencoderModel m =
            new VariationalAutoencoderModel(
                uid == null || uid.isEmpty() ? Identifiable.randomUID("vae") : uid,
                l.arch(),
                l.params(),
                l.metadata());
        if (SparkMetadata.isIn(fs, p)) {
          SparkMetadata.readInto(m, fs, p, sparkSession(), CLASS);
        } else {
          // Saved before the Spark ML metadata/ was added: the params are metadata.json's.
          ParamsJson.apply(m, l.metadata().params(), "model " + path);
        }
        return m;
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }
}
