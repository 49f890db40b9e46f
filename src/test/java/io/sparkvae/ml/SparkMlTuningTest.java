// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.ml.params.TuningMetric;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The VAE as a citizen of Spark ML: tuning with CrossValidator and TrainValidationSplit. */
class SparkMlTuningTest extends SparkTestBase {
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  @BeforeAll
  static void data() {
    train = TestFrames.images(spark(), Samples.trainImages(), 300, 2).cache();
    test = TestFrames.images(spark(), Samples.testImages(), 100, 2).cache();
  }

  private static VariationalAutoencoder tiny() {
    return new VariationalAutoencoder()
        .setHiddenLayers(new int[] {16})
        .setLatentSize(4)
        .setEpochs(3)
        .setBatchSize(25)
        .setMinRowsPerStep(0) // 25 rows on 2 partitions: keep the batch these figures were made for
        .setSyncEvery(3)
        .setLearningRate(3e-3)
        .setSeed(5)
        .setIdCol("id");
  }

  private static VariationalAutoencoderModel oneModel;

  private static synchronized VariationalAutoencoderModel model() {
    if (oneModel == null) {
      oneModel = tiny().setEpochs(1).fit(train);
    }
    return oneModel;
  }

  @Test
  void everyMetricIsALossSoSmallerIsBetter() {
    for (TuningMetric m : TuningMetric.values()) {
      VaeTuningEvaluator e = new VaeTuningEvaluator().setMetricName(m.paramName());
      assertFalse(e.isLargerBetter(), m.paramName());
    }
    assertEquals("negElbo", new VaeTuningEvaluator().getMetricName());
    assertThrows(
        IllegalArgumentException.class, () -> new VaeTuningEvaluator().setMetricName("accuracy"));
  }

  @Test
  void theEvaluatorAveragesTheModelsScoreColumns() {
    VariationalAutoencoderModel m = model().copy(new ParamMap()).setIwaeSamples(5);
    Dataset<Row> scored = m.transform(test).cache();
    Row means = scored.agg(functions.avg("neg_elbo"), functions.avg("iwae_nll")).first();
    VaeTuningEvaluator e = new VaeTuningEvaluator();
    assertEquals(means.getDouble(0), e.evaluate(scored), 1e-9);
    assertEquals(means.getDouble(1), e.setMetricName("iwae").evaluate(scored), 1e-9);
    double sq = e.setMetricName("reconstruction").evaluate(scored);
    double byHand =
        scored.collectAsList().stream()
            .mapToDouble(
                r -> {
                  byte[] x = r.getAs("features");
                  org.apache.spark.ml.linalg.Vector rec = r.getAs("reconstruction");
                  double s = 0;
                  for (int j = 0; j < x.length; j++) {
                    double d = (x[j] & 0xFF) / 255.0 - rec.apply(j);
                    s += d * d;
                  }
                  return s;
                })
            .average()
            .orElseThrow();
    assertEquals(byHand, sq, 1e-6 * byHand);
    assertTrue(sq > 0 && sq < 784, "squared error " + sq);
  }

  @Test
  void columnNamesWithDotsAreReadExactlyAsTheModelWritesThem(@TempDir Path dir) {
    Dataset<Row> dotted = test.withColumnRenamed("features", "img.features");
    VariationalAutoencoderModel m =
        model()
            .copy(new ParamMap())
            .setFeaturesCol("img.features")
            .setNegElboCol("vae.neg_elbo")
            .setReconstructionCol("vae.rec");
    Dataset<Row> scored = m.transform(dotted).cache();
    VaeTuningEvaluator e =
        new VaeTuningEvaluator()
            .setFeaturesCol("img.features")
            .setNegElboCol("vae.neg_elbo")
            .setReconstructionCol("vae.rec");
    double mean = scored.agg(functions.avg(functions.col("`vae.neg_elbo`"))).first().getDouble(0);
    assertEquals(mean, e.evaluate(scored), 1e-9);
    assertTrue(e.setMetricName("reconstruction").evaluate(scored) > 0);

    // A directory another evaluator wrote is refused by name, not cast and failed later.
    String other = dir.resolve("regression-evaluator").toString();
    try {
      new org.apache.spark.ml.evaluation.RegressionEvaluator().save(other);
    } catch (java.io.IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    IllegalArgumentException wrong =
        assertThrows(IllegalArgumentException.class, () -> VaeTuningEvaluator.load(other));
    assertTrue(wrong.getMessage().contains("RegressionEvaluator"), wrong.getMessage());
  }

  @Test
  void aMissingScoreColumnIsAnErrorThatSaysHowToGetIt() {
    Dataset<Row> scored = model().transform(test);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new VaeTuningEvaluator().setMetricName("iwae").evaluate(scored));
    assertTrue(e.getMessage().contains("iwaeSamples > 0"), e.getMessage());
  }

  @Test
  void crossValidationPicksTheBiggerHiddenLayer(@TempDir Path dir) throws Exception {
    VariationalAutoencoder vae = tiny();
    ParamMap[] grid =
        new ParamGridBuilder()
            .addGrid(vae.latentSize(), new int[] {4})
            .addGrid(
                vae.hiddenLayers(),
                CollectionConverters.asScala(List.of(new int[] {4}, new int[] {64})))
            .addGrid(vae.learningRate(), new double[] {3e-3})
            .build();
    CrossValidator cv =
        new CrossValidator()
            .setEstimator(vae)
            .setEvaluator(new VaeTuningEvaluator().setMetricName("negElbo"))
            .setEstimatorParamMaps(grid)
            .setNumFolds(2)
            .setParallelism(2)
            .setSeed(7);
    CrossValidatorModel cvm = cv.fit(train);
    double[] metrics = cvm.avgMetrics();
    int best = 0;
    for (int i = 1; i < metrics.length; i++) {
      best = metrics[i] < metrics[best] ? i : best;
    }
    VariationalAutoencoderModel chosen = (VariationalAutoencoderModel) cvm.bestModel();
    assertArrayEquals(new int[] {64}, chosen.architecture().hidden(), Arrays.toString(metrics));
    assertArrayEquals(new int[] {64}, (int[]) grid[best].apply(vae.hiddenLayers()));
    assertEquals(3e-3, (Double) grid[best].apply(vae.learningRate()));
    assertEquals(3e-3, chosen.metadata().training().params().path("learningRate").asDouble(), 0);
    // Every setting ran with its own params: no two grid points scored the same.
    assertEquals(2, Arrays.stream(metrics).distinct().count(), Arrays.toString(metrics));

    // The tuner saves, its grid and evaluator included; the evaluator loads back on its own.
    cv.write().overwrite().save(dir.resolve("cv").toString());
    VaeTuningEvaluator ev = VaeTuningEvaluator.load(dir.resolve("cv/evaluator").toString());
    assertEquals("negElbo", ev.getMetricName());
    assertEquals(cv.getEvaluator().uid(), ev.uid());
  }

  @Test
  void trainValidationSplitPicksTheBiggerLatentSpaceInAPipeline() {
    VariationalAutoencoder vae = tiny().setHiddenLayers(new int[] {64}).setFeaturesCol("pixels");
    // A feature stage before the VAE: the tuner fits the whole pipeline per grid point.
    SQLTransformer rename =
        new SQLTransformer().setStatement("SELECT id, features AS pixels FROM __THIS__");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {rename, vae});
    ParamMap[] grid = new ParamGridBuilder().addGrid(vae.latentSize(), new int[] {1, 16}).build();
    TrainValidationSplitModel tvs =
        new TrainValidationSplit()
            .setEstimator(pipeline)
            .setEvaluator(new VaeTuningEvaluator().setFeaturesCol("pixels"))
            .setEstimatorParamMaps(grid)
            .setTrainRatio(0.7)
            .setParallelism(2)
            .setSeed(3)
            .fit(train);
    double[] metrics = tvs.validationMetrics();
    assertTrue(metrics[1] < metrics[0], "latent 16 beats latent 1: " + Arrays.toString(metrics));
    VariationalAutoencoderModel chosen =
        (VariationalAutoencoderModel) ((PipelineModel) tvs.bestModel()).stages()[1];
    assertEquals(16, chosen.architecture().latent());
    assertEquals(16, chosen.metadata().training().params().path("latentSize").asInt());
  }

  @Test
  void copyCarriesParamsAndTheInMemoryWarmStart() {
    VariationalAutoencoderModel warm = model();
    VariationalAutoencoder est = tiny().setInitialModel(warm);
    VariationalAutoencoder c = est.copy(new ParamMap().put(est.learningRate(), 0.5));
    assertEquals(0.5, c.getLearningRate());
    assertEquals(16, c.getHiddenLayers()[0]);
    assertSame(warm, c.initialModel());
    assertEquals(3e-3, est.getLearningRate());
    // A path in the copy's extra params replaces the in-memory model.
    VariationalAutoencoder p = est.copy(new ParamMap().put(est.initialModelPath(), "/x"));
    assertEquals("/x", p.getInitialModelPath());
    assertNull(tiny().initialModel());
  }

  @Test
  void initialModelPathWarmStartsFromASavedModelAndIsSavedWithTheEstimator(@TempDir Path dir)
      throws Exception {
    String saved = dir.resolve("m").toString();
    model().write().overwrite().save(saved);
    VariationalAutoencoder est = tiny().setEpochs(1).setInitialModelPath(saved);
    est.write().overwrite().save(dir.resolve("est").toString());
    assertEquals(
        saved, VariationalAutoencoder.load(dir.resolve("est").toString()).getInitialModelPath());
    VariationalAutoencoderModel warm = est.fit(train);
    assertTrue(warm.metadata().training().warmStart());
    VariationalAutoencoderModel cold = tiny().setEpochs(1).fit(train);
    assertNotEquals(
        cold.transform(test).agg(functions.avg("neg_elbo")).first().getDouble(0),
        warm.transform(test).agg(functions.avg("neg_elbo")).first().getDouble(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> tiny().setInitialModelPath(dir.resolve("none").toString()).fit(train));
    assertTrue(e.getMessage().contains("initialModelPath"), e.getMessage());
  }
}
