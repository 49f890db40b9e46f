// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.data.ImageData;
import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.engine.DataValidationException;
import io.sparkvae.engine.DivergenceException;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.io.Json;
import io.sparkvae.ml.ConfiguredArchitecture;
import io.sparkvae.ml.ModelMetadata;
import io.sparkvae.ml.VaeEvaluator;
import io.sparkvae.ml.VaePictures;
import io.sparkvae.ml.VariationalAutoencoder;
import io.sparkvae.ml.VariationalAutoencoderModel;
import io.sparkvae.ml.params.ModelSettings;
import io.sparkvae.ml.params.Setting;
import io.sparkvae.ml.params.Settings;
import io.sparkvae.ml.params.TrainSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code train}: fits a VAE on the configured data with the synchronous Spark loop, then writes the
 * model, {@code metrics.json} and pictures into the output directory.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a variational autoencoder on Spark and write the model, metrics.json "
            + "and images/ into --out.")
public final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

  @Mixin JobOptions options;

  @Override
  public Integer call() {
    JobConfig cfg = options.config();
    long start = System.nanoTime();
    boolean resume = cfg.bool("train.resume");
    String trainPath = cfg.requiredString("data.train");
    boolean versioned = cfg.bool("output.versioned");
    if (versioned) {
      Retraining.checkConfig(cfg);
    }
    SparkSession spark = SparkSessions.create(cfg);
    try {
      LOG.info("spark-vae {}; {}", io.sparkvae.ml.Provenance.version(), BlasInfo.oneLine());
      String coreWarning = BlasInfo.coreTypeWarning();
      if (coreWarning != null) {
        LOG.warn(coreWarning);
      }
      if (versioned) {
        return Retraining.run(spark, cfg, options.out(), trainPath);
      }
      VariationalAutoencoderModel init = initialModel(spark, cfg);
      OutputDir out =
          OutputDir.prepare(
              spark.sparkContext().hadoopConfiguration(), options.out(), options.overwrite, resume);
      if (options.overwrite && !resume) {
        // The run being replaced can no longer be continued; its checkpoint must not be resumed
        // later as if it were this run's. Its model stays until this run's replaces it.
        try {
          out.delete("checkpoint");
        } catch (java.io.IOException e) {
          throw new UserError(
              "--out " + options.out() + ": cannot remove the replaced run's checkpoint: " + e, e);
        }
      }
      train(spark, cfg, out, trainPath, resume, init);
      return Main.EXIT_OK;
    } finally {
      SparkSessions.stop(spark);
      LOG.debug("train took {} s", (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * The warm-start model of {@code train.init-model} (a model directory, a train output directory,
   * a versioned base or a latest pointer: see {@link ModelRef}), checked against the configured
   * architecture before any data is read; null when the key is not set.
   */
  static VariationalAutoencoderModel initialModel(SparkSession spark, JobConfig cfg) {
    String init = cfg.string("train.init-model");
    if (init == null || init.isBlank()) {
      return null;
    }
    if (init.trim().equals(Retraining.LATEST_WORD)) {
      throw new UserError(
          "train.init-model = latest names the latest run under --out, which "
              + "only versioned runs have: set output.versioned = true (conf/retrain.conf), or give "
              + "a model path");
    }
    VariationalAutoencoderModel m = ModelRef.load(spark, init, "train.init-model");
    checkArchitecture(cfg, m, init);
    return m;
  }

  /**
   * A warm start needs the configured model type, convolutions, layer sizes, activation and
   * likelihood (the image geometry, which comes from the data, is checked when training starts).
   */
  static void checkArchitecture(JobConfig cfg, VariationalAutoencoderModel m, String where) {
    io.sparkvae.kernel.VaeArchitecture a = m.architecture();
    List<String> diffs = ConfiguredArchitecture.settingDifferences(configured(cfg), a);
    if (!diffs.isEmpty()) {
      throw new UserError(
          "train.init-model "
              + where
              + " is a "
              + a.describe()
              + " VAE, which "
              + "the configuration does not match ("
              + String.join("; ", diffs)
              + ", configured vs "
              + "saved): set model.* as the saved model has them, or drop train.init-model to "
              + "start from random weights");
    }
  }

  /** Trains with the warm start of {@code train.init-model}, if any. */
  static VariationalAutoencoderModel train(
      SparkSession spark, JobConfig cfg, OutputDir out, String trainPath, boolean resume) {
    return train(spark, cfg, out, trainPath, resume, initialModel(spark, cfg));
  }

  /** Trains, warm-starting from {@code init} when it is not null. */
  static VariationalAutoencoderModel train(
      SparkSession spark,
      JobConfig cfg,
      OutputDir out,
      String trainPath,
      boolean resume,
      VariationalAutoencoderModel init) {
    Progress progress = new Progress(System.out, out);
    progress.started(cfg.positive("train.epochs"));
    try {
      VariationalAutoencoderModel model = train(spark, cfg, out, trainPath, resume, init, progress);
      progress.done();
      return model;
    } catch (RuntimeException | Error e) {
      progress.failed(e);
      throw e;
    }
  }

  /** The data a run reads: the training set, the optional test set, and the partition count. */
  private record RunData(ImageData train, ImageData test, int partitions) {
    static RunData load(SparkSession spark, JobConfig cfg) {
      ImageData train = Inputs.images(spark, cfg, "data.train");
      ImageData test =
          cfg.string("data.test") == null ? null : Inputs.images(spark, cfg, "data.test");
      int partitions = cfg.nonNegative("train.partitions");
      return new RunData(
          train, test, partitions == 0 ? spark.sparkContext().defaultParallelism() : partitions);
    }

    /** Pictures come from the test set when there is one. */
    ImageData shown() {
      return test != null ? test : train;
    }
  }

  /** The test-set figures and the baselines beside them; empty without a test set. */
  private record TestFigures(Map<String, Object> test, Map<String, Object> baselines) {}

  private static VariationalAutoencoderModel train(
      SparkSession spark,
      JobConfig cfg,
      OutputDir out,
      String trainPath,
      boolean resume,
      VariationalAutoencoderModel init,
      Progress progress) {
    long start = System.nanoTime();
    RunData data = RunData.load(spark, cfg);
    VariationalAutoencoder est = configure(cfg, out, data, resume, init, progress);
    printStart(cfg, trainPath, data, init);
    VariationalAutoencoderModel model =
        withGuessedShape(fit(est, data.train()), data.train().shape());
    TestFigures figures = testFigures(cfg, model, data);
    if (figures.test() != null) {
      model =
          model.withMetrics(
              new ModelMetadata.Metrics(ModelMetadata.TestMetrics.of(figures.test())));
    }
    try {
      model.write().overwrite().save(out.resolve("model"));
      ScoreThresholds.calibrate(spark, model, data.train(), out.resolve("model"));
      Set<String> pictures = writePictures(cfg, out, model, data.shown());
      double seconds = (System.nanoTime() - start) / 1e9;
      out.writeText("metrics.json", Json.write(metricsJson(cfg, model, figures, seconds)));
      summary(out, figures.test(), figures.baselines(), pictures, seconds);
      RunReports.writeTrain(out);
    } catch (IOException e) {
      throw new UserError(
          "could not write outputs to " + out.path() + ": " + e.getMessage(), Main.EXIT_FAILURE, e);
    }
    return model;
  }

  /** The estimator of the configuration, wired to this run's checkpoints, progress and data. */
  private static VariationalAutoencoder configure(
      JobConfig cfg,
      OutputDir out,
      RunData data,
      boolean resume,
      VariationalAutoencoderModel init,
      Progress progress) {
    VariationalAutoencoder est = estimator(cfg, data.train(), data.partitions());
    String checkpointDir = cfg.string("train.checkpoint-dir");
    est.setCheckpointDir(checkpointDir == null ? out.resolve("checkpoint") : checkpointDir)
        .setResume(resume)
        .setListener(progress)
        .setDataDescription(data.train().source());
    if (data.test() != null) {
      est.setValidationData(data.test().frame());
    }
    if (init != null) {
      est.setInitialModel(init);
    }
    ImageData.Shape shape = data.train().shape();
    if (shape != null) {
      est.setImageShape(new int[] {shape.height(), shape.width(), shape.channels()});
    }
    return est;
  }

  private static void printStart(
      JobConfig cfg, String trainPath, RunData data, VariationalAutoencoderModel init) {
    int k = cfg.nonNegative("train.sync-every");
    System.out.printf(
        Locale.ROOT,
        "training %s on %s (%d partitions), %d epochs, batch %d, " + "k=%s%n",
        describeModel(cfg, inputSize(data.train(), init)),
        trainPath,
        data.partitions(),
        cfg.positive("train.epochs"),
        cfg.positive("train.batch-size"),
        k == 0 ? "auto" : Integer.toString(k));
  }

  /** Fits, turning what the user can fix (bad data, divergence, bad settings) into a UserError. */
  private static VariationalAutoencoderModel fit(VariationalAutoencoder est, ImageData train) {
    try {
      return est.fit(train.frame());
    } catch (DataValidationException e) {
      throw new UserError(e.getMessage(), e);
    } catch (DivergenceException e) {
      throw new UserError(e.getMessage(), Main.EXIT_DIVERGED, e);
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** Without a shape from the data, a square grayscale guess lets the pictures be drawn. */
  private static VariationalAutoencoderModel withGuessedShape(
      VariationalAutoencoderModel model, ImageData.Shape known) {
    if (known != null) {
      return model;
    }
    ImageData.Shape shape = ImageData.Shape.guess(model.architecture().inputDim());
    return shape == null
        ? model
        : model.withInput(
            model.metadata().input().withShape(shape.height(), shape.width(), shape.channels()));
  }

  private static TestFigures testFigures(
      JobConfig cfg, VariationalAutoencoderModel model, RunData data) {
    Map<String, Object> baselines = new LinkedHashMap<>();
    if (data.test() == null) {
      return new TestFigures(null, baselines);
    }
    Map<String, Object> test =
        VaeEvaluator.evaluate(
            model,
            data.test().frame(),
            cfg.nonNegative("eval.iwae-k"),
            cfg.nonNegative("eval.iwae-rows"),
            data.test().idColumn());
    if (cfg.bool("eval.pca-baseline")) {
      baselines.put(
          "pca",
          io.sparkvae.ml.PcaBaseline.compare(model, data.train().frame(), data.test().frame()));
    }
    return new TestFigures(test, baselines);
  }

  /** Draws the pictures from a bounded sample of rows on the driver; returns their names. */
  private static Set<String> writePictures(
      JobConfig cfg, OutputDir out, VariationalAutoencoderModel model, ImageData shown)
      throws IOException {
    int images = cfg.nonNegative("eval.images");
    List<String> cols = new ArrayList<>(List.of(model.getFeaturesCol()));
    String labelCol = shown.labelColumn();
    if (labelCol != null) {
      cols.add(labelCol);
    }
    List<Row> rows =
        shown
            .frame()
            .select(
                cols.stream()
                    .map(c -> org.apache.spark.sql.functions.col("`" + c + "`"))
                    .toArray(org.apache.spark.sql.Column[]::new))
            .limit(Math.max(images, 2000))
            .collectAsList();
    String[] names = cfg.strings("data.label-names").toArray(new String[0]);
    if (names.length == 0 && shown.labelNames() != null) {
      names = shown.labelNames().toArray(new String[0]); // class folders name the classes
    }
    List<Integer> shape = model.metadata().input().shape();
    Map<String, byte[]> pics =
        VaePictures.render(
            model,
            rows,
            labelCol,
            names.length == 0 ? null : names,
            shape == null ? null : shape.stream().mapToInt(Integer::intValue).toArray(),
            model.metadata().training().history(),
            images,
            cfg.nonNegative("eval.samples"),
            cfg.longValue("train.seed"));
    // The whole folder is replaced: pictures an earlier run drew and this one did not must not
    // stay beside the new ones (the report shows every picture there).
    out.replaceDirectory("images", pics);
    return pics.keySet();
  }

  /** metrics.json: the model, per-epoch and test figures, BLAS, config and provenance. */
  private static ObjectNode metricsJson(
      JobConfig cfg, VariationalAutoencoderModel model, TestFigures figures, double seconds)
      throws IOException {
    ObjectNode metrics = Json.object();
    metrics.put("model", model.architecture().describe());
    metrics.put("parameters", model.architecture().numParams());
    ModelMetadata meta = model.metadata();
    metrics.set("epochs", Json.MAPPER.valueToTree(meta.training().epochs()));
    if (figures.test() != null) {
      metrics.set("test", Json.MAPPER.valueToTree(figures.test()));
    }
    if (!figures.baselines().isEmpty()) {
      metrics.set("baselines", Json.MAPPER.valueToTree(figures.baselines()));
    }
    metrics.put("blas", BlasInfo.oneLine());
    ObjectNode training = Json.MAPPER.valueToTree(meta.training());
    training.remove("epochs"); // metrics.json has them at the top level
    metrics.set("training", training);
    metrics.put("seconds", seconds);
    metrics.set("config", Json.MAPPER.readTree(cfg.renderJson()));
    metrics.set("provenance", Json.MAPPER.valueToTree(meta.provenance()));
    return metrics;
  }

  static String describeModel(JobConfig cfg, String inputSize) {
    StringBuilder sb = new StringBuilder("a VAE ");
    if ("conv".equals(cfg.oneOf(ModelSettings.MODEL_TYPE))) {
      sb.append("conv")
          .append(Arrays.toString(cfg.positiveInts("model.conv.channels")))
          .append(" k")
          .append(cfg.positive("model.conv.kernel"))
          .append(" s")
          .append(cfg.positive("model.conv.stride"))
          .append(" p")
          .append(cfg.nonNegative("model.conv.padding"))
          .append(' ');
    }
    sb.append(inputSize);
    for (int h : cfg.positiveInts("model.hidden")) {
      sb.append('-').append(h);
    }
    return sb.append('-')
        .append(cfg.positive("model.latent"))
        .append(' ')
        .append(cfg.string("model.likelihood"))
        .toString();
  }

  /**
   * The model's input size, for the first line: the images' size, else the warm-start model's, else
   * the length of the first row's features (one small job); "?" when that cannot be read (training
   * then says why).
   */
  static String inputSize(ImageData train, VariationalAutoencoderModel init) {
    if (train.shape() != null) {
      return Integer.toString(train.shape().size());
    }
    if (init != null) {
      return Integer.toString(init.architecture().inputDim());
    }
    try {
      FeatureReader reader =
          FeatureReader.forColumn(train.frame().schema(), train.featuresColumn());
      List<Row> first =
          train
              .frame()
              .where(functions.col("`" + train.featuresColumn() + "`").isNotNull())
              .limit(1)
              .collectAsList();
      if (!first.isEmpty()) {
        Row r = first.get(0);
        return Integer.toString(
            reader.bytes()
                ? reader.readBytes(r).length
                : reader.readFloats(r, new FeatureReader.FloatBuffer()));
      }
    } catch (Exception e) {
      // The same problem stops training, with its own message.
    }
    return "?";
  }

  /**
   * The estimator the configuration describes: every setting with both a config key and a param
   * name ({@link Settings}) is copied, so a new model or training setting needs no code here. The
   * data decide the columns; {@code partitions} is train.partitions with 0 resolved.
   */
  static VariationalAutoencoder estimator(JobConfig cfg, ImageData train, int partitions) {
    VariationalAutoencoder est = configured(cfg);
    try {
      return est.setFeaturesCol(train.featuresColumn())
          .setIdCol(train.idColumn() == null ? "" : train.idColumn())
          .setNumPartitions(partitions);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** An estimator with every setting of {@code cfg} that is an estimator param. */
  static VariationalAutoencoder configured(JobConfig cfg) {
    VariationalAutoencoder est = new VariationalAutoencoder();
    ParamMap values = new ParamMap();
    for (Setting s : Settings.all()) {
      // train.init-model is resolved by ModelRef (pointers, `latest`): see initialModel.
      if (s.key() != null
          && s.paramName() != null
          && !cfg.isNull(s.key())
          && s != TrainSettings.TRAIN_INIT_MODEL) {
        values.put(est.getParam(s.paramName()), cfg.value(s));
      }
    }
    try {
      return est.copy(values);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private static void summary(
      OutputDir out,
      Map<String, Object> test,
      Map<String, Object> baselines,
      java.util.Set<String> pictures,
      double seconds) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "done in %.1f s", seconds));
    if (test != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              ": test -ELBO %.2f nats (recon %.2f, KL %.2f) on %d " + "rows",
              (Double) test.get("neg_elbo"),
              (Double) test.get("recon"),
              (Double) test.get("kl"),
              (Long) test.get("n")));
      if (test.containsKey("iwae_nll")) {
        sb.append(
            String.format(
                Locale.ROOT,
                "; IWAE (K=%d) -log p(x) %.2f on %d rows",
                (Integer) test.get("iwae_k"),
                (Double) test.get("iwae_nll"),
                (Long) test.get("iwae_rows")));
      }
    }
    System.out.println(sb);
    if (baselines.containsKey("pca")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) baselines.get("pca");
      System.out.printf(
          Locale.ROOT,
          "reconstruction MSE on the test set: VAE %.5f, PCA with %d " + "components %.5f%n",
          (Double) p.get("vae_mse"),
          (Integer) p.get("components"),
          (Double) p.get("pca_mse"));
    }
    System.out.println("outputs in " + out.path() + ":");
    System.out.println("  model/         the trained model (weights.safetensors + metadata.json)");
    System.out.println("  metrics.json   per-epoch and test figures, config and provenance");
    System.out.println("  images/        " + String.join(", ", pictures));
    System.out.println(
        "  checkpoint/    the last training checkpoint (train.resume=true continues)");
    System.out.println("  progress.json  how far the run got (state, epoch, round, ETA)");
  }
}
