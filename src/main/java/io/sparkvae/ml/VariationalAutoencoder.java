// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.engine.BlockedData;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.engine.OuterOptimizer;
import io.sparkvae.engine.ScaleOut;
import io.sparkvae.engine.SyncTrainer;
import io.sparkvae.engine.TrainerConfig;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.ml.params.ParamDefaults;
import io.sparkvae.ml.params.StorageLevels;
import io.sparkvae.ml.params.TrainSettings;
import io.sparkvae.ml.params.VaeEstimatorParams;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a variational autoencoder on a DataFrame column with the synchronous data-parallel loop
 * ({@link SyncTrainer}): each partition computes minibatch ELBO gradients with the native-BLAS
 * kernel; the driver averages them.
 *
 * <pre>{@code
 * VariationalAutoencoderModel model = new VariationalAutoencoder()
 *     .setFeaturesCol("features")      // binary 8-bit pixels, ML Vector, or array<float|double>
 *     .setHiddenLayers(new int[] {400}).setLatentSize(20)
 *     .setEpochs(10).setBatchSize(128).setLearningRate(1e-3)
 *     .fit(train);
 * Dataset<Row> scored = model.transform(test);   // latent_mean, latent_log_var, reconstruction, neg_elbo
 * model.write().overwrite().save("hdfs:///models/vae");
 * }</pre>
 *
 * <p>Params are Spark ML params (saved with the estimator and recorded in every model), each
 * declared once in {@link io.sparkvae.ml.params.Settings} (meaning, default, allowed values, config
 * key) and exposed through {@link VaeEstimatorParams}; this class adds setters. Settings that
 * describe a particular run rather than the model — validation data, a progress listener, a
 * checkpoint directory, resuming — are plain setters and are not saved. A warm start is either the
 * param {@code initialModelPath} (a saved model directory, loaded at fit time; saved, copied and
 * tunable like any param) or an in-memory model ({@link #setInitialModel}), which {@link #copy}
 * carries and which wins over the path.
 */
public final class VariationalAutoencoder extends Estimator<VariationalAutoencoderModel>
    implements VaeEstimatorParams, MLWritable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(VariationalAutoencoder.class);
  static final String CLASS = "io.sparkvae.ml.VariationalAutoencoder";

  /**
   * Default k: 0 = auto, {@link TrainerConfig#autoSyncEvery} local steps between synchronizations
   * (128 on most partition counts), or one round per epoch when an epoch is shorter; see
   * src/site/markdown/training.md (How training works, Choosing k).
   */
  public static final int DEFAULT_SYNC_EVERY =
      (Integer) TrainSettings.TRAIN_SYNC_EVERY.defaultValue();

  private final String uid;

  private transient Dataset<?> validation;
  private transient TrainingListener listener = TrainingListener.NONE;
  private String checkpointDir;
  private boolean resume;
  private transient VariationalAutoencoderModel initialModel;
  private int[] imageShape;
  private String dataDescription;

  public VariationalAutoencoder() {
    this(Identifiable.randomUID("vae"));
  }

  public VariationalAutoencoder(String uid) {
    this.uid = uid;
    ParamDefaults.apply(this, this::setDefault);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---- params: typed setters (the params and getters are VaeEstimatorParams') ----

  public VariationalAutoencoder setFeaturesCol(String v) {
    set(featuresCol(), v);
    return this;
  }

  public VariationalAutoencoder setIdCol(String v) {
    set(idCol(), v);
    return this;
  }

  /** {@code mlp} or {@code conv}; see {@link ModelSettings#MODEL_TYPE}. */
  public VariationalAutoencoder setModelType(String v) {
    set(modelType(), v);
    return this;
  }

  public VariationalAutoencoder setConvChannels(int[] v) {
    set(convChannels(), v);
    return this;
  }

  public VariationalAutoencoder setConvKernel(int v) {
    set(convKernel(), v);
    return this;
  }

  public VariationalAutoencoder setConvStride(int v) {
    set(convStride(), v);
    return this;
  }

  public VariationalAutoencoder setConvPadding(int v) {
    set(convPadding(), v);
    return this;
  }

  public VariationalAutoencoder setHiddenLayers(int[] v) {
    set(hiddenLayers(), v);
    return this;
  }

  public VariationalAutoencoder setLatentSize(int v) {
    set(latentSize(), v);
    return this;
  }

  public VariationalAutoencoder setActivation(String v) {
    set(activation(), v);
    return this;
  }

  public VariationalAutoencoder setLikelihood(String v) {
    set(likelihood(), v);
    return this;
  }

  public VariationalAutoencoder setInitialization(String v) {
    set(initialization(), v);
    return this;
  }

  public VariationalAutoencoder setBeta(double v) {
    set(beta(), v);
    return this;
  }

  public VariationalAutoencoder setKlWarmupEpochs(double v) {
    set(klWarmupEpochs(), v);
    return this;
  }

  public VariationalAutoencoder setLatentSamples(int v) {
    set(latentSamples(), v);
    return this;
  }

  public VariationalAutoencoder setBatchSize(int v) {
    set(batchSize(), v);
    return this;
  }

  public VariationalAutoencoder setLearningRate(double v) {
    set(learningRate(), v);
    return this;
  }

  public VariationalAutoencoder setOptimizer(String v) {
    set(optimizer(), v);
    return this;
  }

  public VariationalAutoencoder setEpochs(int v) {
    set(epochs(), v);
    return this;
  }

  public VariationalAutoencoder setMinRowsPerStep(int v) {
    set(minRowsPerStep(), v);
    return this;
  }

  public VariationalAutoencoder setSyncEvery(int v) {
    set(syncEvery(), v);
    return this;
  }

  public VariationalAutoencoder setSeed(long v) {
    set(seed(), v);
    return this;
  }

  public VariationalAutoencoder setAggregationDepth(int v) {
    set(aggregationDepth(), v);
    return this;
  }

  public VariationalAutoencoder setBatchMode(String v) {
    set(batchMode(), v);
    return this;
  }

  public VariationalAutoencoder setLearningRateScaling(String v) {
    set(learningRateScaling(), v);
    return this;
  }

  public VariationalAutoencoder setLearningRateWarmupEpochs(double v) {
    set(learningRateWarmupEpochs(), v);
    return this;
  }

  public VariationalAutoencoder setOuterOptimizer(String v) {
    set(outerOptimizer(), v);
    return this;
  }

  public VariationalAutoencoder setOuterLearningRate(double v) {
    set(outerLearningRate(), v);
    return this;
  }

  public VariationalAutoencoder setOuterMomentum(double v) {
    set(outerMomentum(), v);
    return this;
  }

  public VariationalAutoencoder setOuterWarmupEpochs(int v) {
    set(outerWarmupEpochs(), v);
    return this;
  }

  public VariationalAutoencoder setOptimizerState(String v) {
    set(optimizerState(), v);
    return this;
  }

  public VariationalAutoencoder setSyncWarmupEpochs(int v) {
    set(syncWarmupEpochs(), v);
    return this;
  }

  public VariationalAutoencoder setEarlyStoppingPatience(int v) {
    set(earlyStoppingPatience(), v);
    return this;
  }

  public VariationalAutoencoder setEarlyStoppingMinDelta(double v) {
    set(earlyStoppingMinDelta(), v);
    return this;
  }

  public VariationalAutoencoder setEmaDecay(double v) {
    set(emaDecay(), v);
    return this;
  }

  public VariationalAutoencoder setClipNorm(double v) {
    set(clipNorm(), v);
    return this;
  }

  public VariationalAutoencoder setNumPartitions(int v) {
    set(numPartitions(), v);
    return this;
  }

  public VariationalAutoencoder setStorageLevel(String v) {
    set(storageLevel(), v);
    return this;
  }

  public VariationalAutoencoder setCheckpointEveryRounds(int v) {
    set(checkpointEveryRounds(), v);
    return this;
  }

  public VariationalAutoencoder setCheckpointEveryMinutes(double v) {
    set(checkpointEveryMinutes(), v);
    return this;
  }

  // ---- run settings (not params, not saved) ----

  /** Data evaluated with the current parameters after every epoch (the validation curve). */
  public VariationalAutoencoder setValidationData(Dataset<?> v) {
    this.validation = v;
    return this;
  }

  public VariationalAutoencoder setListener(TrainingListener l) {
    this.listener = l == null ? TrainingListener.NONE : l;
    return this;
  }

  /** Where to write checkpoints (any Hadoop path); null for none. */
  public VariationalAutoencoder setCheckpointDir(String dir) {
    this.checkpointDir = dir;
    return this;
  }

  /** Continue from the checkpoint in the checkpoint directory, when there is one. */
  public VariationalAutoencoder setResume(boolean r) {
    this.resume = r;
    return this;
  }

  /**
   * Start from this model's weights (the architecture must match). The model is held in memory:
   * {@link #copy} carries it, persistence does not; it wins over {@code initialModelPath}.
   */
  public VariationalAutoencoder setInitialModel(VariationalAutoencoderModel m) {
    this.initialModel = m;
    return this;
  }

  /**
   * Start from the weights of the model saved in this directory, loaded at fit time (the
   * architecture must match); a param, so it is saved, copied and may be tuned. Clears a model
   * given to {@link #setInitialModel}.
   */
  public VariationalAutoencoder setInitialModelPath(String path) {
    set(initialModelPath(), path);
    this.initialModel = null;
    return this;
  }

  /** The warm-start model: the in-memory one, else the one saved at initialModelPath, or null. */
  VariationalAutoencoderModel initialModel() {
    if (initialModel != null) {
      return initialModel;
    }
    String path = getInitialModelPath();
    if (path == null || path.isBlank()) {
      return null;
    }
    try {
      return VariationalAutoencoderModel.load(path);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "initialModelPath = "
              + path
              + ": cannot load the "
              + "warm-start model: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The images' height, width and channels (rows are channels-last): a convolutional model ({@code
   * modelType = conv}) is built for them, and every model records them to draw its outputs. Not a
   * param, but saved with the estimator (so a saved {@code Pipeline} refits the same model); null
   * for none.
   */
  public VariationalAutoencoder setImageShape(int[] shape) {
    if (shape != null && (shape.length != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1)) {
      throw new IllegalArgumentException(
          "image shape must be {height, width, channels}, got " + Arrays.toString(shape));
    }
    this.imageShape = shape == null ? null : shape.clone();
    return this;
  }

  /** The image shape given to {@link #setImageShape}, or null. */
  public int[] getImageShape() {
    return imageShape == null ? null : imageShape.clone();
  }

  String checkpointDir() {
    return checkpointDir;
  }

  boolean resume() {
    return resume;
  }

  TrainingListener listener() {
    return listener;
  }

  String dataDescription() {
    return dataDescription;
  }

  /** A description of the training data to record in the model's provenance. */
  public VariationalAutoencoder setDataDescription(String d) {
    this.dataDescription = d;
    return this;
  }

  // ---- Estimator ----

  @Override
  public StructType transformSchema(StructType schema) {
    FeatureReader.forColumn(schema, getOrDefault(featuresCol()));
    return new VariationalAutoencoderModel(
            uid,
            new VaeArchitecture(1, new int[0], 1, Activation.RELU, Likelihood.GAUSSIAN),
            new float[0],
            ModelMetadata.ofSections(null, null, null, null))
        .setFeaturesCol(getOrDefault(featuresCol()))
        .transformSchema(schema);
  }

  VaeArchitecture architecture(int inputDim) {
    return ConfiguredArchitecture.of(this, imageShape, inputDim);
  }

  private StorageLevel level() {
    try {
      return StorageLevels.parse(getStorageLevel());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("storageLevel = " + e.getMessage(), e);
    }
  }

  private Dataset<Row> prepare(Dataset<?> ds) {
    Dataset<Row> df = ds.toDF();
    int p = (Integer) getOrDefault(numPartitions());
    return p > 0 ? df.repartition(p) : df;
  }

  @Override
  public VariationalAutoencoderModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    SparkSession spark = dataset.sparkSession();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Likelihood lik = Likelihood.fromName(getOrDefault(likelihood()));
    StorageLevel level = level();
    String id = getOrDefault(idCol());
    id = id.isEmpty() ? null : id;
    Dataset<Row> df = prepare(dataset);
    FeatureReader reader = FeatureReader.forColumn(df.schema(), getOrDefault(featuresCol()));
    VariationalAutoencoderModel initialModel = initialModel();
    int expected = initialModel != null ? initialModel.architecture().inputDim() : -1;
    if (ConfiguredArchitecture.isConvolutional(this)) {
      // The geometry is known before any row is read: a missing shape, or a size that does not
      // divide, fails now.
      ConfiguredArchitecture.checkWarmStart(
          architecture(imageShape == null ? -1 : imageShape[0] * imageShape[1] * imageShape[2]),
          initialModel);
    }
    long start = System.nanoTime();
    try (BlockedData train =
        BlockedData.build(
            df,
            reader,
            new BlockedData.Requirements(lik.needsUnitInterval(), expected),
            level,
            "training data",
            id)) {
      VaeArchitecture arch = architecture(train.width());
      ConfiguredArchitecture.checkWarmStart(arch, initialModel);
      LOG.info(
          "vae: {} ({} parameters), {} rows cached in {} partitions as {} ({} MB)",
          arch.describe(),
          arch.numParams(),
          train.rows(),
          train.numPartitions(),
          train.bytes() ? "8-bit pixels" : "floats",
          train.cachedBytes() >> 20);
      try (BlockedData val =
          validation == null
              ? null
              : BlockedData.build(
                  prepare(validation),
                  FeatureReader.forColumn(validation.schema(), getOrDefault(featuresCol())),
                  new BlockedData.Requirements(lik.needsUnitInterval(), train.width()),
                  level,
                  "validation data",
                  id)) {
        return VaeFit.train(this, jsc, arch, train, val, start, initialModel);
      }
    }
  }

  /**
   * A config spelling ({@code per-partition}) as its enum constant's name ({@code PER_PARTITION}).
   */
  private static String enumName(String spelling) {
    return spelling.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /**
   * The scale-out rules these params set, with {@code auto} still unresolved: the engine resolves
   * it from the round length and partition count ({@link ScaleOut#resolve}).
   */
  public ScaleOut scaleOut() {
    return new ScaleOut(
        OuterOptimizer.Kind.valueOf(enumName(getOuterOptimizer())),
        getOuterLearningRate(),
        getOuterMomentum(),
        ScaleOut.InnerState.valueOf(enumName(getOptimizerState())),
        getSyncWarmupEpochs(),
        ScaleOut.BatchMode.valueOf(enumName(getBatchMode())),
        ScaleOut.LearningRateScaling.valueOf(enumName(getLearningRateScaling())),
        getLearningRateWarmupEpochs(),
        getMinRowsPerStep(),
        getOuterWarmupEpochs());
  }

  /**
   * The settings a resumed run on {@code partitions} partitions must share with the run that wrote
   * the checkpoint ({@link ResumeFingerprint}).
   */
  Map<String, String> fingerprint(VaeArchitecture arch, int partitions) {
    return ResumeFingerprint.of(this, arch, partitions);
  }

  @Override
  public VariationalAutoencoder copy(ParamMap extra) {
    VariationalAutoencoder c = defaultCopy(extra);
    c.validation = validation;
    c.listener = listener;
    c.checkpointDir = checkpointDir;
    c.resume = resume;
    // A path given in extra (a tuning grid) replaces the in-memory warm start.
    c.initialModel = extra.contains(initialModelPath()) ? null : initialModel;
    c.imageShape = imageShape;
    c.dataDescription = dataDescription;
    return c;
  }

  /**
   * Saves the directory atomically: Spark ML's {@code metadata/}, so the estimator loads as a stage
   * of a saved {@code Pipeline} or {@code CrossValidator}, then {@code estimator.json}, our record
   * of the params ({@link EstimatorFiles}).
   */
  @Override
  public MLWriter write() {
    return EstimatorFiles.writer(this);
  }

  @Override
  public void save(String path) throws IOException {
    write().save(path);
  }

  public static MLReader<VariationalAutoencoder> read() {
    return EstimatorFiles.reader();
  }

  public static VariationalAutoencoder load(String path) {
    return read().load(path);
  }
}
