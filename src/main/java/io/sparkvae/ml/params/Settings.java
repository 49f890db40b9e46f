package io.sparkvae.ml.params;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.VaeObjective;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of spark-vae, declared once: the registry from which the reference configuration,
 * its documentation table, the config's validation and the Spark ML params are all derived.
 *
 * <pre>{@code
 * Settings.MODEL_HIDDEN.key()          // "model.hidden"
 * Settings.MODEL_HIDDEN.paramName()    // "hiddenLayers"
 * Settings.MODEL_HIDDEN.defaultHocon() // "[400]"
 * Settings.byKey("train.epochs")       // the setting, or null
 * Settings.markdownTable()             // | `data.train` | `null` | Training data: … |
 * }</pre>
 *
 * <p>To add a setting: declare it here (key, param name, type, default, rule, meaning). A config
 * key then exists, is validated and is documented; with a param name it is also a param of the
 * estimator or model once one of the {@code *Params} interfaces returns it, and {@code train}
 * maps the key to it.
 *
 * <p>Print the reference: {@code java -cp spark-vae.jar io.sparkvae.ml.params.Settings
 * [--markdown]}.
 */
public final class Settings {
  private Settings() {}

  /** What {@code data.on-bad-file} may say about an undecodable image file. */
  public enum OnBadFile {
    SKIP, FAIL;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final List<Setting> ALL = new ArrayList<>();

  /** Sections whose keys are free-form (Spark's own settings) and not declared here. */
  public static final List<String> OPEN_SECTIONS = List.of("spark.conf");

  private static final String OPEN_SECTION_DOC =
      "extra Spark settings, passed to the session as given, e.g. "
          + "`spark.conf { \"spark.executor.memory\" = \"4g\" }`";

  // ---- data ----
  public static final Setting DATA_TRAIN = config("data.train", Setting.Type.STRING, "null",
          "required. Training data: an IDX file, Parquet, CSV, LibSVM, or (for `train`) a "
          + "folder of images; any Hadoop path (local, `hdfs://`, `s3a://`). For `linreg`: a "
          + "CSV file with a header, a Parquet file or directory, or a LibSVM file. See [Input "
          + "formats](inputs.md#input-formats)");
  public static final Setting DATA_TEST = config("data.test", Setting.Type.STRING, "null",
          "test data, same format; evaluated after every epoch (the validation curve) and at "
          + "the end. Not set: no test set (pictures then use the training set). The inference "
          + "commands' `--data PATH` sets this key");
  public static final Setting DATA_FORMAT = config("data.format", Setting.Type.STRING, "null",
          "`idx`, `parquet`, `csv`, `libsvm` or `images` (`linreg`: `csv`, `parquet` or "
          + "`libsvm`); not set = inferred from the path");
  public static final Setting DATA_FEATURES = config("data.features", Setting.Type.STRINGS, "[]",
          "VAE: one column (ML Vector, `array<float|double>`, `binary` 8-bit pixels) or "
          + "several numeric columns (pixels) assembled in order; `[]` = the `features` column "
          + "when present, else every numeric column but the label and id. `linreg`: the "
          + "feature columns, in order; `[]` = every numeric column but the label and `data.id` "
          + "(LibSVM: `x1 … xd`); see [linreg's input](linear-regression.md#input)");
  public static final Setting DATA_LABEL = config("data.label", Setting.Type.STRING, "\"label\"",
          "class labels (they colour the latent scatter) or the regression target (LibSVM: "
          + "always `label`)");
  public static final Setting DATA_LABEL_NAMES = config("data.label-names",
      Setting.Type.STRINGS, "[]",
          "class names for labels 0, 1, … in legends of the latent scatter; `[]` = the "
          + "numbers (image folders: the class folder names)");
  public static final Setting DATA_ID = config("data.id", Setting.Type.STRING, "\"id\"",
          "column that identifies rows in messages and outputs, and that is never a default "
          + "feature (`\"\"` = none)");
  public static final Setting DATA_HEIGHT = config("data.height", Setting.Type.INT, "null",
          "image height, used to draw images; not set = from the IDX header, otherwise a "
          + "square grayscale guess. Image folders: with `data.width`, every image is resampled "
          + "to height × width (area averaging when shrinking, bilinear when enlarging); not "
          + "set = keep the files' size, which must then be the same for all");
  public static final Setting DATA_WIDTH = config("data.width", Setting.Type.INT, "null",
          "image width; as `data.height`");
  public static final Setting DATA_CHANNELS = config("data.channels", Setting.Type.INT, "null",
          "1 = grayscale (ITU-R BT.601 luma), 3 = RGB; not set = from the data (image folders "
          + "default to 1)");
  public static final Setting DATA_ON_BAD_FILE = choice("data.on-bad-file", null,
      OnBadFile.values(), OnBadFile::configName, OnBadFile.SKIP,
          "image folders: a file that cannot be decoded (corrupt, truncated, not an image): "
          + "`skip` leaves it out (counted and listed in the log), `fail` stops the run before "
          + "training; see [Image folders](inputs.md#image-folders)");
  public static final Setting DATA_NUM_FEATURES = setting("data.num-features", null,
      Setting.Type.INT, "0", Rule.NON_NEGATIVE,
          "LibSVM: number of features (0 = infer from the data); set it when the last "
          + "features can be zero in every row");

  // ---- model ----
  public static final Setting MODEL_HIDDEN = setting("model.hidden", "hiddenLayers",
      Setting.Type.INTS, "[400]", Rule.POSITIVE,
          "encoder hidden layer sizes; the decoder mirrors them");
  public static final Setting MODEL_LATENT = setting("model.latent", "latentSize",
      Setting.Type.INT, "20", Rule.POSITIVE,
          "latent dimension H");
  public static final Setting MODEL_ACTIVATION = choice("model.activation", "activation",
      Activation.values(), Activation::configName, Activation.RELU,
          "hidden-layer activation: `relu`, `leaky-relu` or `tanh`");
  public static final Setting MODEL_LIKELIHOOD = choice("model.likelihood", "likelihood",
      Likelihood.values(), Likelihood::configName, Likelihood.BERNOULLI,
          "`bernoulli` (pixels in [0, 1]), `gaussian` (N(x; x̂, I)) or "
          + "`gaussian-learned-variance`");
  public static final Setting MODEL_INIT = choice("model.init", "initialization",
      VaeObjective.Init.values(), VaeObjective.Init::configName, VaeObjective.Init.UNIFORM,
          "weight initialization: `uniform` (PyTorch's default, ±1/√fan_in for weights and "
          + "biases), `he` (He-normal before ReLU-family layers, zero biases), `xavier` "
          + "(Xavier-uniform, zero biases); see [Performance](performance.md)");
  public static final Setting MODEL_BETA = setting("model.beta", "beta", Setting.Type.DOUBLE,
      "1.0", Rule.NON_NEGATIVE,
          "weight β of the KL term in the training gradient (1 = the ELBO); reported figures "
          + "always use β = 1");
  public static final Setting MODEL_KL_WARMUP_EPOCHS = setting("model.kl-warmup-epochs",
      "klWarmupEpochs", Setting.Type.DOUBLE, "0", Rule.NON_NEGATIVE,
          "epochs over which the KL weight ramps linearly from 0 to β (0 = no warm-up)");

  // ---- train ----
  public static final Setting TRAIN_EPOCHS = setting("train.epochs", "epochs", Setting.Type.INT,
      "10", Rule.POSITIVE,
          "passes over the training data");
  public static final Setting TRAIN_BATCH_SIZE = setting("train.batch-size", "batchSize",
      Setting.Type.INT, "128", Rule.POSITIVE,
          "rows per synchronous step, summed over all partitions (the global minibatch); each "
          + "partition takes a share in proportion to its rows, so the optimizer takes the same "
          + "steps whatever the partition count; see [How training "
          + "works](training.md#how-training-works)");
  public static final Setting TRAIN_LEARNING_RATE = setting("train.learning-rate",
      "learningRate", Setting.Type.DOUBLE, "0.001", Rule.POSITIVE,
          "step size");
  public static final Setting TRAIN_OPTIMIZER = choice("train.optimizer", "optimizer",
      Optimizer.Kind.values(), Optimizer.Kind::configName, Optimizer.Kind.ADAM,
          "`adam` (with bias correction) or `sgd`");
  public static final Setting TRAIN_SYNC_EVERY = setting("train.sync-every", "syncEvery",
      Setting.Type.INT, "0", Rule.NON_NEGATIVE,
          "k: local minibatch steps per partition between synchronizations (1 = synchronous "
          + "minibatch training on the union of the partitions' minibatches); 0 = auto (128, or "
          + "one round per epoch when an epoch is shorter); see [How training "
          + "works](training.md#how-training-works) and [the "
          + "measurements](performance.md#training-through-spark-bench-train)");
  public static final Setting TRAIN_SEED = setting("train.seed", "seed", Setting.Type.LONG,
      "42", Rule.ANY,
          "seeds every random stream (initialization, row order, noise)");
  public static final Setting TRAIN_PARTITIONS = setting("train.partitions", null,
      Setting.Type.INT, "0", Rule.NON_NEGATIVE,
          "partitions of the training data (0 = Spark's default parallelism)");
  public static final Setting TRAIN_AGGREGATION_DEPTH = setting("train.aggregation-depth",
      "aggregationDepth", Setting.Type.INT, "1", Rule.POSITIVE,
          "1: the driver sums the partitions' results; d ≥ 2: a tree of depth d (many "
          + "partitions)");
  public static final Setting TRAIN_CLIP_NORM = setting("train.clip-norm", "clipNorm",
      Setting.Type.DOUBLE, "0", Rule.NON_NEGATIVE,
          "maximum global gradient norm (0 = no clipping)");
  public static final Setting TRAIN_LATENT_SAMPLES = setting("train.latent-samples",
      "latentSamples", Setting.Type.INT, "1", Rule.POSITIVE,
          "L, draws of z per row in training");
  public static final Setting TRAIN_STORAGE_LEVEL = setting("train.storage-level",
      "storageLevel", Setting.Type.STRING, "MEMORY_AND_DISK", Rule.STORAGE_LEVEL,
          "Spark storage level of the cached training blocks; see [Data larger than "
          + "memory](inputs.md#data-larger-than-memory)");
  public static final Setting TRAIN_CHECKPOINT_EVERY_ROUNDS = setting(
      "train.checkpoint-every-rounds", "checkpointEveryRounds", Setting.Type.INT, "0",
      Rule.NON_NEGATIVE,
          "checkpoint every this many rounds, and at every epoch end (0 = epoch ends only)");
  public static final Setting TRAIN_CHECKPOINT_EVERY_MINUTES = setting(
      "train.checkpoint-every-minutes", "checkpointEveryMinutes", Setting.Type.DOUBLE, "0",
      Rule.NON_NEGATIVE,
          "also checkpoint by wall time: after the first round that ends this many minutes "
          + "after the last checkpoint (0 = off); for epochs that take hours");
  public static final Setting TRAIN_CHECKPOINT_DIR = config("train.checkpoint-dir",
      Setting.Type.STRING, "null",
          "where checkpoints go (any Hadoop path); not set = `<out>/checkpoint`");
  public static final Setting TRAIN_RESUME = config("train.resume", Setting.Type.BOOLEAN,
      "false",
          "continue from the checkpoint instead of starting over (same data and settings "
          + "needed); see [When machines fail](cluster.md#when-machines-fail)");
  public static final Setting TRAIN_INIT_MODEL = setting("train.init-model", "initialModelPath",
      Setting.Type.STRING, "null", Rule.ANY,
          "warm start from a saved model (same architecture: `model.*` must match it): a "
          + "model directory, a train output directory, a versioned base (its latest run), a "
          + "`latest` pointer file, or the word `latest`; not set = random weights. The "
          + "estimator's param takes a model directory, loaded at fit time. See [Warm "
          + "starts](retraining.md#warm-starts-traininit-model)");

  // ---- eval ----
  public static final Setting EVAL_IWAE_K = setting("eval.iwae-k", null, Setting.Type.INT, "100",
      Rule.NON_NEGATIVE,
          "K, draws of the importance-weighted bound on the test set (0 = skip)");
  public static final Setting EVAL_IWAE_ROWS = setting("eval.iwae-rows", null, Setting.Type.INT,
      "2000", Rule.NON_NEGATIVE,
          "test rows used for that bound (0 = all)");
  public static final Setting EVAL_IMAGES = setting("eval.images", null, Setting.Type.INT, "32",
      Rule.NON_NEGATIVE,
          "test images drawn beside their reconstructions");
  public static final Setting EVAL_SAMPLES = setting("eval.samples", null, Setting.Type.INT,
      "64", Rule.NON_NEGATIVE,
          "images decoded from z ~ N(0, I)");
  public static final Setting EVAL_PCA_BASELINE = config("eval.pca-baseline",
      Setting.Type.BOOLEAN, "true",
          "fit MLlib PCA with H components (as many as the latent size) and compare "
          + "reconstruction errors; see [the PCA baseline](outputs.md#the-pca-baseline)");

  // ---- linreg ----
  public static final Setting LINREG_EPOCHS = setting("linreg.epochs", null, Setting.Type.INT,
      "200", Rule.POSITIVE,
          "epochs (passes over the data) of the gradient fit on the engine");
  public static final Setting LINREG_BATCH_SIZE = setting("linreg.batch-size", null,
      Setting.Type.INT, "0", Rule.NON_NEGATIVE,
          "rows per step summed over all partitions, as for `train.batch-size`; 0 = every row "
          + "(full-batch gradient descent: one update per epoch). Full batch holds a copy of "
          + "each partition's rows in its task: on very large partitions set a batch size");
  public static final Setting LINREG_LEARNING_RATE = setting("linreg.learning-rate", null,
      Setting.Type.DOUBLE, "0.25", Rule.POSITIVE,
          "its step size η; with `sgd` it must stay below 1/λ_max of the (standardized) "
          + "features' second-moment matrix: `linreg` reports the limit and refuses a rate "
          + "above it");
  public static final Setting LINREG_OPTIMIZER = choice("linreg.optimizer", null,
      Optimizer.Kind.values(), Optimizer.Kind::configName, Optimizer.Kind.SGD,
          "`sgd` or `adam` (with `adam` there is no closed-form tolerance; the measured "
          + "difference is still reported)");
  public static final Setting LINREG_SYNC_EVERY = setting("linreg.sync-every", null,
      Setting.Type.INT, "1", Rule.POSITIVE,
          "its k: local steps per partition between synchronizations");
  public static final Setting LINREG_SEED = setting("linreg.seed", null, Setting.Type.LONG, "42",
      Rule.ANY,
          "its seed (row order of minibatches)");
  public static final Setting LINREG_STANDARDIZE = config("linreg.standardize",
      Setting.Type.BOOLEAN, "true",
          "standardize features and label for the gradient fit, with the exact pass's means "
          + "and standard deviations (weights reported on the original scale)");
  public static final Setting LINREG_PARTITIONS = setting("linreg.partitions", null,
      Setting.Type.INT, "0", Rule.NON_NEGATIVE,
          "partitions of the shared cached DataFrame (0 = Spark's default parallelism)");
  public static final Setting LINREG_MLLIB_TOL = setting("linreg.mllib-tol", null,
      Setting.Type.DOUBLE, "1e-12", Rule.POSITIVE,
          "MLlib `LinearRegression` (solver `l-bfgs`): convergence tolerance");
  public static final Setting LINREG_MLLIB_MAX_ITER = setting("linreg.mllib-max-iter", null,
      Setting.Type.INT, "1000", Rule.POSITIVE,
          "MLlib L-BFGS iteration limit");

  // ---- output, gate, spark ----
  public static final Setting OUTPUT_VERSIONED = config("output.versioned",
      Setting.Type.BOOLEAN, "false",
          "`true`: `--out BASE` writes `BASE/runs/<UTC time>/` and moves `BASE/latest` (a "
          + "one-line file naming the run) to it when the gate passes; exit code 4 when it does "
          + "not. Needs `data.test`. See [Versioned runs](retraining.md#versioned-runs)");
  public static final Setting GATE_TOLERANCE = config("gate.tolerance", Setting.Type.DOUBLE,
      "1.0",
          "nats of test −ELBO a new model may lose against `latest` and still be promoted "
          + "(both evaluated on `data.test` with the noise seed `train.seed`); negative: it "
          + "must be better by that much. See [The gate](retraining.md#the-gate)");
  public static final Setting SPARK_MASTER = config("spark.master", Setting.Type.STRING, "null",
          "Spark master; not set = as given by spark-submit, or `local[*]` under "
          + "`submit/local.sh`. See [Running on a Spark cluster](cluster.md)");
  public static final Setting SPARK_APP_NAME = config("spark.app-name", Setting.Type.STRING,
      "\"spark-vae\"",
          "Spark application name");

  // ---- Spark ML only (no config key) ----
  public static final Setting FEATURES_COL = param("featuresCol", Setting.Type.STRING,
      "\"features\"", Rule.ANY,
      "input column: binary 8-bit pixels, ML Vector, or array of float/double");
  public static final Setting ID_COL = param("idCol", Setting.Type.STRING, "\"\"", Rule.ANY,
      "column that names rows in error messages (\"\" = none)");
  public static final Setting NUM_PARTITIONS = param("numPartitions", Setting.Type.INT, "0",
      Rule.NON_NEGATIVE,
      "repartition the input into this many partitions (0 = keep its partitioning)");
  public static final Setting LATENT_MEAN_COL = param("latentMeanCol", Setting.Type.STRING,
      "\"latent_mean\"", Rule.ANY, "output column for the latent mean (\"\" to skip)");
  public static final Setting LATENT_LOG_VAR_COL = param("latentLogVarCol", Setting.Type.STRING,
      "\"latent_log_var\"", Rule.ANY, "output column for the latent log-variance (\"\" to skip)");
  public static final Setting RECONSTRUCTION_COL = param("reconstructionCol",
      Setting.Type.STRING, "\"reconstruction\"", Rule.ANY,
      "output column for the reconstruction at z = mu (\"\" to skip)");
  public static final Setting NEG_ELBO_COL = param("negElboCol", Setting.Type.STRING,
      "\"neg_elbo\"", Rule.ANY,
      "output column for -ELBO in nats, an anomaly score (\"\" to skip)");
  public static final Setting IWAE_COL = param("iwaeCol", Setting.Type.STRING, "\"iwae_nll\"",
      Rule.ANY,
      "output column for -log p(x) by the importance-weighted bound (needs iwaeSamples > 0)");
  public static final Setting IWAE_SAMPLES = param("iwaeSamples", Setting.Type.INT, "0",
      Rule.NON_NEGATIVE, "K draws for the importance-weighted bound (0 = do not compute it)");
  public static final Setting SCORE_SAMPLES = param("scoreSamples", Setting.Type.INT, "1",
      Rule.POSITIVE, "L draws of z per row for -ELBO");
  public static final Setting METRIC_NAME = choice(null, "metricName", TuningMetric.values(),
      TuningMetric::paramName, TuningMetric.NEG_ELBO,
      "what the tuning evaluator measures, from the model's output columns: `negElbo` (mean "
      + "-ELBO), `reconstruction` (mean squared reconstruction error at z = mu) or `iwae` "
      + "(mean IWAE -log p(x)); smaller is better for all");
  public static final Setting BLOCK_SIZE = param("blockSize", Setting.Type.INT, "256",
      Rule.POSITIVE, "rows per block in transform");

  private static final Map<String, Setting> BY_KEY = index(Setting::key);
  private static final Map<String, Setting> BY_PARAM = index(Setting::paramName);

  /** Every setting, in declaration order (config sections first). */
  public static List<Setting> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The settings that have a config key, in the reference configuration's order. */
  public static List<Setting> configKeys() {
    return ALL.stream().filter(s -> s.key() != null).toList();
  }

  /** The setting with config key {@code key}, or null. */
  public static Setting byKey(String key) {
    return BY_KEY.get(key);
  }

  /** The setting with Spark ML param name {@code name}, or null. */
  public static Setting byParam(String name) {
    return BY_PARAM.get(name);
  }

  /**
   * The reference configuration in HOCON: every key with its default and its meaning as a
   * comment, grouped in sections. {@code JobConfig} layers the user's file and {@code --set} over
   * it; a key that is not in it is an error.
   */
  public static String referenceHocon() {
    StringBuilder sb = new StringBuilder("# Every configuration key of spark-vae, with its "
        + "default (generated from io.sparkvae.ml.params.Settings).\n");
    String section = null;
    for (Setting s : configKeys()) {
      String[] parts = s.key().split("\\.", 2);
      if (!parts[0].equals(section)) {
        if (section != null) {
          sb.append(openSections(section)).append("}\n\n");
        }
        section = parts[0];
        sb.append(section).append(" {\n");
      }
      sb.append("  # ").append(s.doc()).append('\n');
      sb.append("  ").append(parts[1]).append(" = ").append(s.defaultHocon()).append('\n');
    }
    return sb.append(openSections(section)).append("}\n").toString();
  }

  private static String openSections(String section) {
    StringBuilder sb = new StringBuilder();
    for (String open : OPEN_SECTIONS) {
      if (open.startsWith(section + ".")) {
        sb.append("  # Free-form settings, e.g. conf { \"spark.executor.memory\" = \"4g\" }.\n")
            .append("  ").append(open.substring(section.length() + 1)).append(" {}\n");
      }
    }
    return sb.toString();
  }

  /**
   * The configuration table in markdown, one row per key: {@code | `key` | `default` | meaning |}
   * (the default as written in HOCON). The documentation's configuration page holds this table.
   */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    for (String section : sections()) {
      sb.append(markdownTable(section));
    }
    return sb.toString();
  }

  /** The config sections ({@code data}, {@code model}, …) in declaration order. */
  public static List<String> sections() {
    return configKeys().stream().map(s -> s.key().split("\\.", 2)[0]).distinct().toList();
  }

  /**
   * One section's table for the configuration page: {@code | `key` | `default` | meaning |} per
   * key, the default exactly as HOCON writes it. The page embeds these tables verbatim.
   */
  public static String markdownTable(String section) {
    StringBuilder sb = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Setting s : configKeys()) {
      if (s.key().startsWith(section + ".")) {
        sb.append("| `").append(s.key()).append("` | `").append(s.defaultHocon()).append("` | ")
            .append(s.doc().replace("|", "\\|")).append(" |\n");
      }
    }
    for (String open : OPEN_SECTIONS) {
      if (open.startsWith(section + ".")) {
        sb.append("| `").append(open).append("` | `{}` | ").append(OPEN_SECTION_DOC).append(" |\n");
      }
    }
    return sb.toString();
  }


  /** Prints the reference configuration, or with {@code --markdown} its table. */
  public static void main(String[] args) {
    System.out.print(Arrays.asList(args).contains("--markdown") ? markdownTable()
        : referenceHocon());
  }

  // ---- declaration helpers ----

  private static Setting setting(String key, String param, Setting.Type type, String def,
      Rule rule, String doc) {
    Setting s = new Setting(key, param, type, def, rule, null, doc);
    ALL.add(s);
    return s;
  }

  private static Setting config(String key, Setting.Type type, String def, String doc) {
    return setting(key, null, type, def, Rule.ANY, doc);
  }

  private static Setting param(String param, Setting.Type type, String def, Rule rule,
      String doc) {
    return setting(null, param, type, def, rule, doc);
  }

  /** A setting whose values are the config spellings of an enum's constants. */
  private static <E extends Enum<E>> Setting choice(String key, String param, E[] values,
      Function<E, String> spelling, E def, String doc) {
    List<String> allowed = Arrays.stream(values).map(spelling).toList();
    Setting s = new Setting(key, param, Setting.Type.STRING, spelling.apply(def), Rule.ONE_OF,
        allowed, doc);
    ALL.add(s);
    return s;
  }

  private static Map<String, Setting> index(Function<Setting, String> name) {
    Map<String, Setting> m = new LinkedHashMap<>();
    for (Setting s : ALL) {
      String n = name.apply(s);
      if (n != null && m.put(n, s) != null) {
        throw new ExceptionInInitializerError("declared twice: " + n);
      }
    }
    return m;
  }
}
