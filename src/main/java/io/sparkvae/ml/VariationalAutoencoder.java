// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.engine.BlockedData;
import io.sparkvae.engine.Checkpointer;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.engine.FsCheckpointer;
import io.sparkvae.engine.OuterOptimizer;
import io.sparkvae.engine.ScaleOut;
import io.sparkvae.engine.SyncTrainer;
import io.sparkvae.engine.TrainerConfig;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.engine.TrainingState;
import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.ml.params.ModelType;
import io.sparkvae.ml.params.ParamDefaults;
import io.sparkvae.ml.params.Setting;
import io.sparkvae.ml.params.StorageLevels;
import io.sparkvae.ml.params.TrainSettings;
import io.sparkvae.ml.params.VaeEstimatorParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
   * Default k: 0 = auto, {@link TrainerConfig#AUTO_SYNC_EVERY} local steps between
   * synchronizations, or one round per epoch when an epoch is shorter; see
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
    int[] hidden = getOrDefault(hiddenLayers());
    int latent = (Integer) getOrDefault(latentSize());
    Activation act = Activation.fromName(getOrDefault(activation()));
    Likelihood lik = Likelihood.fromName(getOrDefault(likelihood()));
    if (!isConvolutional()) {
      return new VaeArchitecture(inputDim, hidden, latent, act, lik);
    }
    if (imageShape == null) {
      throw new IllegalArgumentException(
          "model.type = conv needs the images' height, width and channels: set data.height, "
              + "data.width and data.channels (IDX files and image folders give them), or call "
              + "setImageShape(new int[] {height, width, channels}) on the estimator");
    }
    int h = imageShape[0];
    int w = imageShape[1];
    int c = imageShape[2];
    if ((long) h * w * c != inputDim) {
      throw new IllegalArgumentException(
          "model.type = conv: the image shape "
              + h
              + "×"
              + w
              + "×"
              + c
              + " has "
              + (long) h * w * c
              + " values but the rows have "
              + inputDim
              + "; set data.height, data.width and data.channels to the data's geometry");
    }
    try {
      return VaeArchitecture.conv(
          new VaeArchitecture.Conv(
              h,
              w,
              c,
              Arrays.stream(getConvChannels()).boxed().toList(),
              getConvKernel(),
              getConvStride(),
              getConvPadding()),
          hidden,
          latent,
          act,
          lik);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model.type = conv: the "
              + h
              + "×"
              + w
              + " images (data.height × data.width) do not fit model.conv.channels = "
              + Arrays.toString(getConvChannels())
              + ", model.conv.kernel = "
              + getConvKernel()
              + ", model.conv.stride = "
              + getConvStride()
              + ", model.conv.padding = "
              + getConvPadding()
              + ": "
              + e.getMessage()
              + (e.getMessage().contains("Resize")
                  ? " (image folders are resized by data.height and data.width)"
                  : ""),
          e);
    }
  }

  private boolean isConvolutional() {
    return ModelType.fromName(getModelType()) == ModelType.CONV;
  }

  /**
   * What differs between the configured architecture and a warm-start model's, naming the settings
   * (configured vs saved); empty when they are equal.
   */
  static List<String> differences(VaeArchitecture want, VaeArchitecture have) {
    List<String> d = new ArrayList<>();
    VaeArchitecture.Conv a = want.conv();
    VaeArchitecture.Conv b = have.conv();
    if ((a == null) != (b == null)) {
      d.add("model.type = " + (a == null ? "mlp" : "conv") + " vs " + (b == null ? "mlp" : "conv"));
    } else if (a != null) {
      diff(d, "model.conv.channels", a.filters(), b.filters());
      diff(d, "model.conv.kernel", a.kernel(), b.kernel());
      diff(d, "model.conv.stride", a.stride(), b.stride());
      diff(d, "model.conv.padding", a.padding(), b.padding());
      diff(
          d,
          "image shape (data.height × data.width × data.channels)",
          a.height() + "×" + a.width() + "×" + a.channels(),
          b.height() + "×" + b.width() + "×" + b.channels());
    }
    if (a == null && b == null) {
      diff(d, "input size", want.inputDim(), have.inputDim());
    }
    diff(d, "model.hidden", Arrays.toString(want.hidden()), Arrays.toString(have.hidden()));
    diff(d, "model.latent", want.latent(), have.latent());
    diff(d, "model.activation", want.activation().configName(), have.activation().configName());
    diff(d, "model.likelihood", want.likelihood().configName(), have.likelihood().configName());
    return d;
  }

  private static void diff(List<String> d, String name, Object want, Object have) {
    if (!want.equals(have)) {
      d.add(name + " = " + want + " vs " + have);
    }
  }

  private static void checkWarmStart(VaeArchitecture arch, VariationalAutoencoderModel init) {
    if (init != null && !arch.equals(init.architecture())) {
      throw new IllegalArgumentException(
          "train.init-model: the warm-start model is "
              + init.architecture().describe()
              + " but the configuration describes "
              + arch.describe()
              + " ("
              + String.join("; ", differences(arch, init.architecture()))
              + ", configured vs saved); use the same model.* settings");
    }
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
    if (isConvolutional()) {
      // The geometry is known before any row is read: a missing shape, or a size that does not
      // divide, fails now.
      checkWarmStart(
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
      checkWarmStart(arch, initialModel);
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
        return train(jsc, arch, train, val, start, initialModel);
      }
    }
  }

  private VariationalAutoencoderModel train(
      JavaSparkContext jsc,
      VaeArchitecture arch,
      BlockedData train,
      BlockedData val,
      long start,
      VariationalAutoencoderModel initialModel) {
    VaeObjective objective =
        new VaeObjective(
            arch,
            (Double) getOrDefault(beta()),
            (Double) getOrDefault(klWarmupEpochs()),
            (Integer) getOrDefault(latentSamples()),
            VaeObjective.Init.fromName(getOrDefault(initialization())));
    Optimizer opt = Optimizer.named(getOptimizer(), getLearningRate());
    TrainerConfig cfg =
        new TrainerConfig(
            "vae",
            getEpochs(),
            getBatchSize(),
            getSyncEvery(),
            getSeed(),
            getAggregationDepth(),
            getClipNorm(),
            getCheckpointEveryRounds(),
            getCheckpointEveryMinutes(),
            scaleOut(),
            new TrainerConfig.EarlyStopping(getEarlyStoppingPatience(), getEarlyStoppingMinDelta()),
            getEmaDecay());
    Checkpointer ck =
        checkpointDir == null
            ? null
            : new FsCheckpointer(
                jsc.hadoopConfiguration(),
                checkpointDir,
                fingerprint(arch, train.numPartitions()),
                Set.of("epochs"));
    TrainingState state = null;
    boolean resumed = false;
    if (ck != null && resume) {
      try {
        state = ck.load();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resume: " + e.getMessage(), e);
      }
      resumed = state != null;
      if (resumed) {
        LOG.info(
            "vae: resuming from {} at epoch {}, round {}",
            checkpointDir,
            state.position().epoch() + 1,
            state.position().round() + 1);
      } else {
        LOG.info("vae: no checkpoint in {}; starting from the beginning", checkpointDir);
      }
    }
    if (state == null) {
      state = SyncTrainer.initialState(objective, opt, getSeed());
      if (initialModel != null) {
        state.overwriteParams(initialModel.weightsNoCopy());
      }
    }
    new SyncTrainer(jsc, cfg).fit(objective, opt, train, val, state, ck, listener);
    if (state.bestEpoch() > 0) {
      LOG.info(
          "vae: early stopping keeps epoch {}'s parameters (the best test -ELBO), of {} epochs run",
          state.bestEpoch(),
          state.history().size());
    }

    ModelMetadata.Input input =
        new ModelMetadata.Input(
            getFeaturesCol(),
            train.bytes() ? "uint8" : "float",
            train.bytes() ? "pixel / 255 (8-bit to [0, 1])" : "none",
            train.width(),
            imageShape == null ? null : Arrays.stream(imageShape).boxed().toList());
    ModelMetadata.Training training =
        new ModelMetadata.Training(
            ParamsJson.toJson(this),
            dataDescription,
            train.rows(),
            train.numPartitions(),
            state.updates(),
            (System.nanoTime() - start) / 1e9,
            resumed,
            initialModel != null,
            state.history().stream().map(ModelMetadata.Epoch::of).toList());
    VariationalAutoencoderModel m =
        new VariationalAutoencoderModel(
            uid,
            arch,
            state.modelParams(),
            ModelMetadata.ofSections(input, training, Provenance.current(), null));
    m.setFeaturesCol(getFeaturesCol())
        .setSeed(getSeed())
        .setScoreSamples((Integer) getOrDefault(latentSamples()));
    return m.setParent(this);
  }

  /**
   * A config spelling ({@code per-partition}) as its enum constant's name ({@code PER_PARTITION}).
   */
  private static String enumName(String spelling) {
    return spelling.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /**
   * Settings added after checkpoint format 1, with the value that reproduces the loop of that time
   * (their defaults until 2026-12-02; some defaults changed since).
   */
  private static final Map<Setting, Object> SINCE_FORMAT_1 =
      Map.ofEntries(
          Map.entry(TrainSettings.TRAIN_BATCH_MODE, "global"),
          Map.entry(TrainSettings.TRAIN_LEARNING_RATE_SCALING, "none"),
          Map.entry(TrainSettings.TRAIN_LEARNING_RATE_WARMUP_EPOCHS, 0.0),
          Map.entry(TrainSettings.TRAIN_OUTER_OPTIMIZER, "average"),
          Map.entry(TrainSettings.TRAIN_OUTER_LEARNING_RATE, 0.7),
          Map.entry(TrainSettings.TRAIN_OUTER_MOMENTUM, 0.9),
          Map.entry(TrainSettings.TRAIN_OPTIMIZER_STATE, "average"),
          Map.entry(TrainSettings.TRAIN_SYNC_WARMUP_EPOCHS, 0),
          Map.entry(TrainSettings.TRAIN_EARLY_STOPPING, 0),
          Map.entry(TrainSettings.TRAIN_EARLY_STOPPING_MIN_DELTA, 0.0),
          Map.entry(TrainSettings.TRAIN_MIN_ROWS_PER_STEP, 0),
          Map.entry(TrainSettings.TRAIN_EMA_DECAY, 0.0));

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
        getMinRowsPerStep());
  }

  /**
   * The settings a resumed run on {@code partitions} partitions must share with the run that wrote
   * the checkpoint.
   */
  Map<String, String> fingerprint(VaeArchitecture arch, int partitions) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("architecture", arch.describe());
    JsonNode params = ParamsJson.toJson(this);
    params.fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().toString()));
    f.remove("checkpointEveryRounds");
    f.remove("checkpointEveryMinutes");
    // Settings added after checkpoint format 1 are left out at the values of that loop, so a
    // checkpoint written before they existed (which does not name them) resumes when they are
    // set so, and is refused, naming them, under today's defaults instead of changing rule.
    for (Map.Entry<Setting, Object> e : SINCE_FORMAT_1.entrySet()) {
      if (getOrDefault(getParam(e.getKey().paramName())).equals(e.getValue())) {
        f.remove(e.getKey().paramName());
      }
    }
    // The automatic k grew with the partition count on 2026-12-02; a checkpoint written before
    // on 8 partitions or more ran shorter rounds and does not name the rule, so it is refused.
    if (getSyncEvery() == 0 && TrainerConfig.autoSyncEveryGrows(partitions)) {
      f.put(
          "syncEveryAuto",
          TrainerConfig.AUTO_SYNC_EVERY_PER_PARTITION + " local steps per partition");
    }
    return f;
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
