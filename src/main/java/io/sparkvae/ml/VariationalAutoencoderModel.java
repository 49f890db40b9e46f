package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.io.Json;
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
 *   <li>{@code iwae_nll} (when {@code iwaeSamples > 0}): −log p(x) by the importance-weighted bound.
 * </ul>
 *
 * Set any output column to "" to skip computing it. Noise is keyed by (seed, partition, block),
 * so a transform is reproducible for the same input partitioning.
 *
 * <p>Saved as safetensors weights plus JSON metadata ({@link ModelFiles}); {@link #load} verifies
 * the format version and the weights' checksum.
 */
public final class VariationalAutoencoderModel extends Model<VariationalAutoencoderModel>
    implements VaeModelParams, MLWritable {
  private static final long serialVersionUID = 1L;
  static final String CLASS = "io.sparkvae.ml.VariationalAutoencoderModel";

  private final String uid;
  private final VaeArchitecture arch;
  private final float[] weights;
  /** input, training, provenance and metrics sections of the metadata. */
  private final ObjectNode info;
  private transient Broadcast<float[]> broadcast;

  VariationalAutoencoderModel(String uid, VaeArchitecture arch, float[] weights, ObjectNode info) {
    this.uid = uid;
    this.arch = arch;
    this.weights = weights;
    this.info = info;
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

  /** Metadata sections: input, training, provenance, metrics (a copy). */
  public ObjectNode info() {
    return info.deepCopy();
  }

  /** Adds or replaces a metadata section (e.g. test metrics) before saving. */
  public VariationalAutoencoderModel putInfo(String section, JsonNode value) {
    info.set(section, value);
    return this;
  }

  /** Image height, width, channels recorded at training time, or null. */
  public int[] imageShape() {
    JsonNode s = info.path("input").path("shape");
    if (!s.isArray() || s.size() != 3) {
      return null;
    }
    return new int[] {s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt()};
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

  private void addField(List<StructField> fields, List<String> names, Param<String> p,
      org.apache.spark.sql.types.DataType t) {
    if (!on(p)) {
      return;
    }
    String n = getOrDefault(p);
    if (names.contains(n)) {
      throw new IllegalArgumentException("output column '" + n + "' (" + p.name()
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
    Scorer scorer = new Scorer(arch, reader, (Integer) getOrDefault(blockSize()),
        (Integer) getOrDefault(scoreSamples()), getIwaeSamples(), (Long) getOrDefault(seed()),
        on(latentMeanCol()), on(latentLogVarCol()), on(reconstructionCol()), on(negElboCol()),
        getIwaeSamples() > 0 && on(iwaeCol()));
    Broadcast<float[]> bc = broadcast(df.sparkSession());
    MapPartitionsFunction<Row, Row> f =
        it -> scorer.score(it, bc.value(), TaskContext.getPartitionId());
    return df.mapPartitions(f, Encoders.row(out));
  }

  /**
   * New data from the model: {@code n} rows numbered 0 to n − 1, each with a latent code
   * z ~ N(0, I) and the decoder's mean at z (pixel means in [0, 1] for a Bernoulli decoder).
   * Columns: {@code id} (long), {@code z} (vector of H), {@code sample} (vector of D). Row i's z
   * depends only on {@code seed} and i, so the same call gives the same rows on any cluster, and
   * {@code sample(spark, 10, s)} is the first ten rows of {@code sample(spark, 1000, s)}.
   *
   * <p>The rows are computed on the executors, a block at a time, so n may be far larger than
   * the driver could hold.
   */
  public Dataset<Row> sample(SparkSession spark, long n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("number of samples must be >= 0, got " + n);
    }
    int parts = (int) Math.max(1, Math.min(spark.sparkContext().defaultParallelism(),
        (n + 4095) / 4096));
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("id", DataTypes.LongType, false),
        DataTypes.createStructField("z", SQLDataTypes.VectorType(), false),
        DataTypes.createStructField("sample", SQLDataTypes.VectorType(), false)});
    Sampler sampler = new Sampler(arch, seed);
    Broadcast<float[]> bc = broadcast(spark);
    MapPartitionsFunction<Long, Row> f = it -> sampler.sample(it, bc.value());
    return spark.range(0, n, 1, parts).mapPartitions(f, Encoders.row(schema));
  }

  /** Parameters broadcast once per model and reused by every transform. */
  private synchronized Broadcast<float[]> broadcast(SparkSession spark) {
    if (broadcast == null) {
      broadcast = spark.sparkContext().broadcast(weights,
          scala.reflect.ClassTag$.MODULE$.apply(float[].class));
    }
    return broadcast;
  }

  /** Kernel objective for this model (β = 1, L = scoreSamples). */
  public VaeObjective objective() {
    return new VaeObjective(arch, 1.0, 0, (Integer) getOrDefault(scoreSamples()));
  }

  @Override
  public VariationalAutoencoderModel copy(ParamMap extra) {
    VariationalAutoencoderModel m = new VariationalAutoencoderModel(uid, arch, weights,
        info.deepCopy());
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

  ObjectNode metadata() {
    ObjectNode m = Json.object();
    m.put("format", ModelFiles.FORMAT);
    m.put("format_version", ModelFiles.VERSION);
    m.put("class", CLASS);
    m.put("uid", uid);
    m.set("architecture", ModelFiles.architectureJson(arch));
    m.set("params", ParamsJson.toJson(this));
    info.fields().forEachRemaining(e -> m.set(e.getKey(), e.getValue()));
    return m;
  }

  /**
   * Saves atomically: the new model is written beside the target and swapped in, so a crash
   * mid-save leaves the previous model intact and loadable. Without {@code overwrite()} an
   * existing path is an error, as in Spark ML.
   */
  static final class Writer extends MLWriter {
    private final VariationalAutoencoderModel model;

    Writer(VariationalAutoencoderModel model) {
      this.model = model;
    }

    @Override
    public void save(String path) throws IOException {
      Path p = new Path(path);
      FileSystem fs =
          FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
      AtomicFiles.recover(fs, p);
      if (fs.exists(p) && !shouldOverwrite()) {
        throw new IOException("path " + path + " already exists; use write().overwrite()"
            + ".save(path) to replace it");
      }
      saveImpl(path);
    }

    @Override
    public void saveImpl(String path) {
      Path p = new Path(path);
      try {
        FileSystem fs =
            FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
        ObjectNode meta = model.metadata();
        AtomicFiles.replaceDirectoryAtomically(fs, p,
            tmp -> ModelFiles.write(fs, tmp, meta, model.arch, model.weights));
      } catch (IOException e) {
        throw new UncheckedIOException("could not save the model to " + path + ": "
            + e.getMessage(), e);
      }
    }
  }

  static final class Reader extends MLReader<VariationalAutoencoderModel> {
    @Override
    public VariationalAutoencoderModel load(String path) {
      Path p = new Path(path);
      try {
        FileSystem fs =
            FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
        ModelFiles.Loaded l = ModelFiles.read(fs, p, CLASS);
        ObjectNode info = Json.object();
        for (String section : List.of("input", "training", "provenance", "metrics")) {
          if (l.metadata().has(section)) {
            info.set(section, l.metadata().get(section).deepCopy());
          }
        }
        VariationalAutoencoderModel m = new VariationalAutoencoderModel(
            l.metadata().path("uid").asText(Identifiable.randomUID("vae")), l.arch(), l.params(),
            info);
        ParamsJson.apply(m, l.metadata().path("params"), "model " + path);
        return m;
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }

}
