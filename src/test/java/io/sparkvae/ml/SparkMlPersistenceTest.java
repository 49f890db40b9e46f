// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static io.sparkvae.testing.DataFrameAssertions.assertDataFrameEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.io.Safetensors;
import io.sparkvae.io.SafetensorsContents;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimator and the model as stages of Spark ML's own containers: a saved {@code Pipeline},
 * {@code PipelineModel}, {@code CrossValidatorModel} and {@code TrainValidationSplitModel} load
 * back (Spark reads each stage's {@code metadata/}), while the model directory stays {@code
 * weights.safetensors} + {@code metadata.json}, and directories saved before {@code metadata/}
 * existed still load. Training is tiny: 1 epoch, hidden [16], latent 2.
 */
class SparkMlPersistenceTest extends SparkTestBase {
  /** The output columns of a VAE transform, compared exactly after a round trip. */
  private static final String[] OUTPUTS = {
    "id", "latent_mean", "latent_log_var", "reconstruction", "neg_elbo"
  };

  /** (id, pixels: ML vector of raw 0..255 values, 784 wide), 300 rows in 2 partitions. */
  private static Dataset<Row> pixels;

  /** (id, features: binary 8-bit pixels, zero: 0.0), 300 rows in 2 partitions. */
  private static Dataset<Row> images;

  /** MinMaxScaler (pixels → scaled in [0, 1]) then the VAE on scaled, fitted once. */
  private static PipelineModel fitted;

  @BeforeAll
  static void data() {
    ByteRows rows = Samples.trainImages();
    pixels = vectors(rows, 300);
    images = TestFrames.images(spark(), rows, 300, 2).withColumn("zero", functions.lit(0.0));
    fitted = scaledVae().fit(pixels);
  }

  private static Dataset<Row> vectors(ByteRows rows, int n) {
    List<Row> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] v = new double[rows.width()];
      for (int j = 0; j < v.length; j++) {
        v[j] = rows.data()[i * rows.width() + j] & 0xff;
      }
      list.add(RowFactory.create((long) i, Vectors.dense(v)));
    }
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.LongType, false),
              DataTypes.createStructField("pixels", SQLDataTypes.VectorType(), false)
            });
    return spark().createDataFrame(jsc().parallelize(list, 2), schema);
  }

  private static VariationalAutoencoder tiny() {
    return new VariationalAutoencoder()
        .setHiddenLayers(new int[] {16})
        .setLatentSize(2)
        .setEpochs(1)
        .setBatchSize(50)
        .setSeed(5);
  }

  private static Pipeline scaledVae() {
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              new MinMaxScaler().setInputCol("pixels").setOutputCol("scaled"),
              tiny().setFeaturesCol("scaled")
            });
  }

  /** Mean −ELBO, as a regression error against a column of zeros: smaller is better. */
  private static RegressionEvaluator negElbo() {
    return new RegressionEvaluator()
        .setLabelCol("zero")
        .setPredictionCol("neg_elbo")
        .setMetricName("mae");
  }

  private static Dataset<Row> outputs(Transformer t, Dataset<Row> df) {
    return t.transform(df).select(OUTPUTS[0], java.util.Arrays.copyOfRange(OUTPUTS, 1, 5));
  }

  /** The names in a directory, without Hadoop's hidden .crc files. */
  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .collect(Collectors.toSet());
    }
  }

  private static Path onlyStageDir(Path pipelineDir, String prefix) throws IOException {
    try (Stream<Path> s = Files.list(pipelineDir.resolve("stages"))) {
      return s.filter(p -> p.getFileName().toString().matches("\\d+_" + prefix + "_.*"))
          .findFirst()
          .orElseThrow();
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertSameParams(
      org.apache.spark.ml.param.Params a, org.apache.spark.ml.param.Params b) {
    assertEquals(a.uid(), b.uid());
    for (Param<?> p : a.params()) {
      Param<Object> q = b.getParam(p.name());
      assertEquals(a.isSet(p), b.isSet(q), p.name() + " set");
      assertEquals(a.isDefined(p), b.isDefined(q), p.name() + " defined");
      if (a.isDefined(p)) { // initialModelPath has no default: "not set" is its value
        assertEquals(
            ((Param<Object>) p).jsonEncode(a.getOrDefault(p)),
            q.jsonEncode(b.getOrDefault(q)),
            p.name());
      }
    }
  }

  @Test
  void anUnfittedPipelineWithTheEstimatorSavesAndLoadsWithTheSameParams(@TempDir Path dir)
      throws IOException {
    Pipeline pipeline = scaledVae();
    ((VariationalAutoencoder) pipeline.getStages()[1])
        .setLikelihood("gaussian")
        .setBeta(0.5)
        .setStorageLevel("MEMORY_ONLY");
    String path = dir.resolve("pipeline").toString();
    pipeline.write().overwrite().save(path);

    Pipeline loaded = Pipeline.load(path);
    assertEquals(2, loaded.getStages().length);
    VariationalAutoencoder vae =
        assertInstanceOf(VariationalAutoencoder.class, loaded.getStages()[1]);
    assertSameParams(pipeline.getStages()[1], vae);
    assertEquals("gaussian", vae.getLikelihood());
    Path stage = onlyStageDir(dir.resolve("pipeline"), "vae");
    assertEquals(Set.of("metadata", "estimator.json"), names(stage));
  }

  @SuppressWarnings("unchecked")
  @Test
  void anEstimatorSavedBeforeTheSparkMetadataExistedStillLoads(@TempDir Path dir)
      throws IOException {
    VariationalAutoencoder est = tiny().setBeta(0.25);
    String path = dir.resolve("est").toString();
    est.save(path);
    deleteTree(dir.resolve("est").resolve(SparkMetadata.DIR));
    VariationalAutoencoder loaded = VariationalAutoencoder.load(path);
    assertEquals(est.uid(), loaded.uid());
    for (Param<?> p : est.params()) {
      assertEquals(est.isDefined(p), loaded.isDefined(loaded.getParam(p.name())), p.name());
      if (!est.isDefined(p)) {
        continue;
      }
      assertEquals(
          ((Param<Object>) p).jsonEncode(est.getOrDefault(p)),
          loaded.getParam(p.name()).jsonEncode(loaded.getOrDefault(loaded.getParam(p.name()))),
          p.name());
    }
  }

  @Test
  void aFittedPipelineModelSavesAndLoadsAndTransformsIdentically(@TempDir Path dir)
      throws IOException {
    String path = dir.resolve("pipeline-model").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);

    VariationalAutoencoderModel vae =
        assertInstanceOf(VariationalAutoencoderModel.class, loaded.stages()[1]);
    VariationalAutoencoderModel original = (VariationalAutoencoderModel) fitted.stages()[1];
    assertSameParams(original, vae);
    assertArrayEquals(original.weights(), vae.weights());
    assertDataFrameEquals(outputs(fitted, pixels), outputs(loaded, pixels));
    Path stage = onlyStageDir(dir.resolve("pipeline-model"), "vae");
    assertEquals(Set.of("metadata", "metadata.json", "weights.safetensors"), names(stage));
  }

  @Test
  void aCrossValidatorModelSavesAndLoadsAndItsBestModelTransformsIdentically(@TempDir Path dir)
      throws IOException {
    VariationalAutoencoder vae = tiny();
    CrossValidatorModel cv =
        new CrossValidator()
            .setEstimator(vae)
            .setEvaluator(negElbo())
            .setEstimatorParamMaps(
                new ParamGridBuilder()
                    .addGrid(vae.learningRate(), new double[] {1e-3, 3e-3})
                    .build())
            .setNumFolds(2)
            .setSeed(1)
            .fit(images);
    String path = dir.resolve("cv").toString();
    cv.write().overwrite().save(path);

    CrossValidatorModel loaded = CrossValidatorModel.load(path);
    assertArrayEquals(cv.avgMetrics(), loaded.avgMetrics());
    assertSameParams(vae, loaded.getEstimator());
    ParamMap[] grid = loaded.getEstimatorParamMaps();
    assertEquals(2, grid.length);
    assertEquals(
        3e-3,
        (Double) grid[1].apply(((VariationalAutoencoder) loaded.getEstimator()).learningRate()));
    assertInstanceOf(VariationalAutoencoderModel.class, loaded.bestModel());
    assertDataFrameEquals(outputs(cv.bestModel(), images), outputs(loaded.bestModel(), images));
    assertDataFrameEquals(outputs(cv, images), outputs(loaded, images));
  }

  @Test
  void aTrainValidationSplitModelOfAPipelineSavesAndLoadsAndItsBestModelTransformsIdentically(
      @TempDir Path dir) throws IOException {
    Pipeline pipeline = scaledVae();
    VariationalAutoencoder vae = (VariationalAutoencoder) pipeline.getStages()[1];
    Dataset<Row> data = pixels.withColumn("zero", functions.lit(0.0));
    TrainValidationSplitModel tvs =
        new TrainValidationSplit()
            .setEstimator(pipeline)
            .setEvaluator(negElbo())
            .setEstimatorParamMaps(
                new ParamGridBuilder().addGrid(vae.beta(), new double[] {1.0, 0.5}).build())
            .setTrainRatio(0.75)
            .setSeed(1)
            .fit(data);
    String path = dir.resolve("tvs").toString();
    tvs.write().overwrite().save(path);

    TrainValidationSplitModel loaded = TrainValidationSplitModel.load(path);
    assertArrayEquals(tvs.validationMetrics(), loaded.validationMetrics());
    PipelineModel best = assertInstanceOf(PipelineModel.class, loaded.bestModel());
    assertInstanceOf(VariationalAutoencoderModel.class, best.stages()[1]);
    assertDataFrameEquals(outputs(tvs.bestModel(), data), outputs(best, data));
  }

  @Test
  void aModelSavedBeforeTheSparkMetadataExistedStillLoadsAndCanJoinAPipeline(@TempDir Path dir)
      throws IOException, URISyntaxException {
    Path old = dir.resolve("old");
    Path resource = Path.of(getClass().getResource("/models/v1-2026-12/").toURI());
    Files.createDirectories(old);
    for (String f : List.of("metadata.json", "weights.safetensors")) {
      Files.copy(resource.resolve(f), old.resolve(f));
    }
    assertFalse(Files.exists(resource.resolve(SparkMetadata.DIR)), "the resource is old-layout");

    VariationalAutoencoderModel m = VariationalAutoencoderModel.load(old.toString());
    assertEquals("vae_b8af771e3c7a", m.uid());
    assertEquals(7L, m.getOrDefault(m.seed()));
    assertEquals(4, m.architecture().inputDim());

    // Saved again inside a pipeline, it gains the metadata/ and loads as a stage.
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create((long) i, Vectors.dense(i % 2, (i / 2) % 2, 0.25, 0.75)));
    }
    Dataset<Row> df =
        spark()
            .createDataFrame(
                jsc().parallelize(rows, 2),
                new StructType(
                    new StructField[] {
                      DataTypes.createStructField("id", DataTypes.LongType, false),
                      DataTypes.createStructField("features", SQLDataTypes.VectorType(), false)
                    }));
    PipelineModel pm = new Pipeline().setStages(new PipelineStage[] {m}).fit(df);
    String path = dir.resolve("upgraded").toString();
    pm.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    assertDataFrameEquals(outputs(m, df), outputs(loaded, df));
    assertEquals("vae_b8af771e3c7a", loaded.stages()[0].uid());
  }

  @Test
  void aModelDirectoryWrittenNowIsStillSafetensorsPlusMetadataJsonBesideSparksMetadata(
      @TempDir Path dir) throws IOException {
    VariationalAutoencoderModel m = (VariationalAutoencoderModel) fitted.stages()[1];
    Path model = dir.resolve("model");
    m.save(model.toString());
    assertEquals(Set.of("metadata", "metadata.json", "weights.safetensors"), names(model));

    // Our files, read as before (and as numpy / PyTorch read them): unchanged.
    org.apache.hadoop.fs.Path hp = new org.apache.hadoop.fs.Path(model.toString());
    FileSystem fs = hp.getFileSystem(spark().sparkContext().hadoopConfiguration());
    ModelFiles.Loaded l = ModelFiles.read(fs, hp, VariationalAutoencoderModel.CLASS);
    assertArrayEquals(m.weights(), l.params());
    assertEquals(m.uid(), l.metadata().uid());
    assertEquals(ModelFiles.VERSION, l.metadata().formatVersion());
    SafetensorsContents st =
        Safetensors.read(Files.readAllBytes(model.resolve("weights.safetensors")), "weights");
    for (var t : m.architecture().tensors()) {
      assertEquals(t.shape().length, st.shape(t.name()).length, t.name());
    }

    // Spark's metadata: the class to load, the uid and the params.
    var spark =
        DefaultParamsReader.loadMetadata(
            model.toString(), spark(), VariationalAutoencoderModel.CLASS);
    assertEquals(m.uid(), spark.uid());
    assertTrue(spark.metadataJson().contains("\"featuresCol\":\"scaled\""), spark.metadataJson());
  }

  @Test
  void aSparkMetadataFromAnotherModelIsRefused(@TempDir Path dir) throws IOException {
    VariationalAutoencoderModel m = (VariationalAutoencoderModel) fitted.stages()[1];
    Path a = dir.resolve("a");
    m.save(a.toString());
    Path b = dir.resolve("b");
    new VariationalAutoencoderModel("vae_other", m.architecture(), m.weights(), m.metadata())
        .save(b.toString());
    // a's files with b's metadata/: a directory mixed from two saves.
    deleteTree(a.resolve(SparkMetadata.DIR));
    Files.move(b.resolve(SparkMetadata.DIR), a.resolve(SparkMetadata.DIR));
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> VariationalAutoencoderModel.load(a.toString()));
    assertTrue(e.getMessage().contains("vae_other"), e.getMessage());
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
