// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static io.sparkvae.testing.DataFrameAssertions.assertDataFrameApproximateEquals;
import static io.sparkvae.testing.DataFrameAssertions.assertHasColumn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.engine.TrainingListener;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VariationalAutoencoderTest extends SparkTestBase {
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  @BeforeAll
  static void data() {
    train = TestFrames.images(spark(), Samples.trainImages(), 600, 2);
    test = TestFrames.images(spark(), Samples.testImages(), 100, 2);
  }

  private static VariationalAutoencoder small() {
    return new VariationalAutoencoder()
        .setHiddenLayers(new int[] {64})
        .setLatentSize(4)
        .setEpochs(2)
        .setBatchSize(50)
        .setSyncEvery(2)
        .setSeed(3)
        .setIdCol("id");
  }

  @Test
  void fitThenTransformAddsLatentReconstructionAndScoreColumns() {
    VariationalAutoencoderModel m = small().setValidationData(test).fit(train);
    Dataset<Row> out = m.setIwaeSamples(20).transform(test);
    assertHasColumn(out, "latent_mean", "vector");
    assertHasColumn(out, "latent_log_var", "vector");
    assertHasColumn(out, "reconstruction", "vector");
    assertHasColumn(out, "neg_elbo", "double");
    assertHasColumn(out, "iwae_nll", "double");
    List<Row> rows = out.collectAsList();
    assertEquals(100, rows.size());
    double meanScore =
        rows.stream()
            .mapToDouble(r -> r.getDouble(r.fieldIndex("neg_elbo")))
            .average()
            .orElseThrow();
    double meanIwae =
        rows.stream()
            .mapToDouble(r -> r.getDouble(r.fieldIndex("iwae_nll")))
            .average()
            .orElseThrow();
    assertTrue(meanScore > 100 && meanScore < 543, "mean −ELBO " + meanScore);
    assertTrue(meanIwae < meanScore, "IWAE bound is tighter: " + meanIwae + " vs " + meanScore);
    assertEquals(4, ((org.apache.spark.ml.linalg.Vector) rows.get(0).getAs("latent_mean")).size());
    var history = m.metadata().training().epochs();
    assertEquals(2, history.size());
    assertTrue(history.get(1).valNegElbo() != null);
    // Turning an output off skips it.
    Dataset<Row> slim =
        m.copy(new org.apache.spark.ml.param.ParamMap())
            .setReconstructionCol("")
            .setLatentLogVarCol("")
            .transform(test);
    assertFalse(List.of(slim.columns()).contains("reconstruction"));
  }

  @Test
  void saveAndLoadRoundTripEveryParamAndTheWeights(@TempDir Path dir) throws IOException {
    VariationalAutoencoder est =
        small()
            .setActivation("tanh")
            .setLikelihood("bernoulli")
            .setInitialization("xavier")
            .setBeta(0.5)
            .setKlWarmupEpochs(1.0)
            .setLatentSamples(2)
            .setLearningRate(2e-3)
            .setOptimizer("adam")
            .setAggregationDepth(2)
            .setClipNorm(5.0)
            .setNumPartitions(3)
            .setStorageLevel("MEMORY_ONLY")
            .setCheckpointEveryRounds(7)
            .setCheckpointEveryMinutes(1.5)
            .setBatchMode("global")
            .setMinRowsPerStep(8)
            .setLearningRateScaling("sqrt")
            .setLearningRateWarmupEpochs(0.5)
            .setOuterOptimizer("slowmo")
            .setOuterLearningRate(1.0)
            .setOuterMomentum(0.5)
            .setOuterWarmupEpochs(1)
            .setOptimizerState("second-moment")
            .setSyncWarmupEpochs(1)
            .setEarlyStoppingPatience(0) // set, and off: this fit has no validation data
            .setEarlyStoppingMinDelta(0.1)
            .setEmaDecay(0.9)
            .setFeaturesCol("features")
            .setModelType("mlp") // the conv settings are saved, and unused by an MLP
            .setConvChannels(new int[] {3, 5})
            .setConvKernel(3)
            .setConvStride(1)
            .setConvPadding(0)
            .setInitialModelPath(""); // "" = no warm start (SparkMlTuningTest warm-starts)
    // Every estimator param is set explicitly, so the round trip covers them all.
    for (Param<?> p : est.params()) {
      assertTrue(est.isSet(p), "test sets " + p.name());
    }
    est.save(dir.resolve("est").toString());
    VariationalAutoencoder est2 = VariationalAutoencoder.load(dir.resolve("est").toString());
    for (Param<?> p : est.params()) {
      assertEquals(
          est.getParam(p.name()).jsonEncode(est.getOrDefault(p)),
          est2.getParam(p.name()).jsonEncode(est2.getOrDefault(est2.getParam(p.name()))),
          p.name());
    }
    assertEquals(est.uid(), est2.uid());
    // Two int components side by side in the engine's record: each param reaches its own.
    assertEquals(1, est2.scaleOut().outerWarmupEpochs());
    assertEquals(8, est2.scaleOut().minRowsPerStep());
    assertEquals(1, est2.scaleOut().syncWarmupEpochs());

    VariationalAutoencoderModel m = est.fit(train);
    m.setLatentMeanCol("mu")
        .setLatentLogVarCol("lv")
        .setReconstructionCol("rec")
        .setNegElboCol("score")
        .setIwaeCol("nll")
        .setIwaeSamples(5)
        .setScoreSamples(3)
        .setBlockSize(17)
        .setSeed(99)
        .setFeaturesCol("features");
    for (Param<?> p : m.params()) {
      assertTrue(m.isSet(p), "test sets model param " + p.name());
    }
    String path = dir.resolve("model").toString();
    m.save(path);
    assertTrue(Files.exists(dir.resolve("model/weights.safetensors")));
    assertTrue(Files.exists(dir.resolve("model/metadata.json")));
    VariationalAutoencoderModel m2 = VariationalAutoencoderModel.load(path);
    for (Param<?> p : m.params()) {
      assertEquals(
          m.getParam(p.name()).jsonEncode(m.getOrDefault(p)),
          m2.getParam(p.name()).jsonEncode(m2.getOrDefault(m2.getParam(p.name()))),
          p.name());
    }
    assertArrayEquals(m.weights(), m2.weights(), "weights bit-identical");
    assertEquals(m.architecture(), m2.architecture());
    assertEquals(m.uid(), m2.uid());
    assertEquals("tanh", m2.metadata().training().params().path("activation").asText());
    assertDataFrameApproximateEquals(m.transform(test), m2.transform(test), 0.0);

    // An existing path needs overwrite().
    assertThrows(IOException.class, () -> m.save(path));
    m.write().overwrite().save(path);
    assertArrayEquals(m.weights(), VariationalAutoencoderModel.load(path).weights());
  }

  @Test
  void tamperedWeightsAndNewerFormatsAreRefusedWithClearErrors(@TempDir Path dir)
      throws IOException {
    VariationalAutoencoderModel m = small().setEpochs(1).fit(train);
    String path = dir.resolve("m").toString();
    m.save(path);
    Path w = dir.resolve("m/weights.safetensors");
    byte[] b = Files.readAllBytes(w);
    b[b.length - 3] ^= 1;
    Files.write(w, b);
    assertFalse(Files.exists(dir.resolve("m/.weights.safetensors.crc")), "no .crc clutter");
    UncheckedIOException sha =
        assertThrows(UncheckedIOException.class, () -> VariationalAutoencoderModel.load(path));
    assertTrue(sha.getMessage().contains("weights.safetensors: SHA-256 is"), sha.getMessage());
    assertTrue(sha.getMessage().contains("corrupt"), sha.getMessage());

    m.write().overwrite().save(path);
    Path meta = dir.resolve("m/metadata.json");
    Files.writeString(
        meta, Files.readString(meta).replace("\"format_version\" : 1", "\"format_version\" : 7"));
    UncheckedIOException v =
        assertThrows(UncheckedIOException.class, () -> VariationalAutoencoderModel.load(path));
    assertTrue(v.getMessage().contains("format version 7 is newer"), v.getMessage());
  }

  @Test
  void warmStartNeedsTheSameArchitecture() {
    VariationalAutoencoderModel m = small().setEpochs(1).fit(train);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> small().setLatentSize(5).setInitialModel(m).fit(train));
    assertTrue(e.getMessage().contains("warm-start model is 784-64-4"), e.getMessage());
    VariationalAutoencoderModel warm = small().setEpochs(1).setInitialModel(m).fit(train);
    double cold = m.metadata().training().epochs().get(0).trainNegElbo();
    double warmLoss = warm.metadata().training().epochs().get(0).trainNegElbo();
    assertTrue(warmLoss < cold, "warm start continues from the model: " + warmLoss + " < " + cold);
  }

  /** The two kinds of network, each on data it trains on in a second or two. */
  enum Network {
    MLP,
    /** 12×12 images, two stride-2 convolutions of 4 and 8 filters, a dense layer of 16. */
    CONV;

    VariationalAutoencoder estimator() {
      return this == MLP
          ? small()
          : small()
              .setModelType("conv")
              .setConvChannels(new int[] {4, 8})
              .setHiddenLayers(new int[] {16})
              .setImageShape(new int[] {Samples.SMALL, Samples.SMALL, 1});
    }

    Dataset<Row> data() {
      if (this == MLP) {
        return train;
      }
      if (smallTrain == null) {
        smallTrain = TestFrames.images(spark(), Samples.shrunk(Samples.trainImages(), 600), 600, 2);
      }
      return smallTrain;
    }
  }

  private static Dataset<Row> smallTrain;

  @ParameterizedTest
  @EnumSource(Network.class)
  void aRunStoppedMidEpochResumesToBitIdenticalParameters(Network net, @TempDir Path dir) {
    Dataset<Row> train = net.data();
    VariationalAutoencoderModel straight = net.estimator().setEpochs(3).fit(train);

    String ck = dir.resolve("ck").toString();
    // Stop after round 4 of epoch 2 (rounds per epoch: 6 steps of 50 rows / k=2 = 3... per
    // partition 300 rows: 6 steps, 3 rounds), with a checkpoint every round.
    RuntimeException crash =
        assertThrows(
            RuntimeException.class,
            () ->
                net.estimator()
                    .setEpochs(3)
                    .setCheckpointEveryRounds(1)
                    .setCheckpointDir(ck)
                    .setListener(
                        new TrainingListener() {
                          @Override
                          public void onEpoch(io.sparkvae.engine.EpochReport r, int total) {}

                          @Override
                          public void onRound(int epoch, int round, int rounds, double s) {
                            if (epoch == 1 && round == 2) {
                              throw new RuntimeException("simulated crash");
                            }
                          }
                        })
                    .fit(train));
    assertEquals("simulated crash", crash.getMessage());
    VariationalAutoencoderModel resumed =
        net.estimator()
            .setEpochs(3)
            .setCheckpointEveryRounds(1)
            .setCheckpointDir(ck)
            .setResume(true)
            .fit(train);
    assertTrue(resumed.metadata().training().resumed());
    assertArrayEquals(straight.weights(), resumed.weights(), "bit-identical after resume");
    assertEquals(3, resumed.metadata().training().epochs().size());

    IllegalStateException changed =
        assertThrows(
            IllegalStateException.class,
            () ->
                net.estimator()
                    .setEpochs(3)
                    .setLearningRate(0.01)
                    .setCheckpointDir(ck)
                    .setResume(true)
                    .fit(train));
    assertTrue(
        changed.getMessage().contains("learningRate was 0.001, now 0.01"), changed.getMessage());
  }

  /**
   * Early stopping changes which parameters are kept, never how training runs: the model is the one
   * a run of exactly the best epoch's length ends with, bit for bit. A high learning rate makes the
   * test −ELBO wander, so the best epoch is usually not the last.
   */
  @Test
  void withEarlyStoppingTheModelIsTheBestEpochsAndTrainingStopsAfterThePatience() {
    VariationalAutoencoderModel stopped =
        small()
            .setEpochs(4)
            .setLearningRate(0.02)
            .setEarlyStoppingPatience(1)
            .setValidationData(test)
            .fit(train);
    List<ModelMetadata.Epoch> epochs = stopped.metadata().training().epochs();
    int best = 0;
    for (int e = 1; e < epochs.size(); e++) {
      best = epochs.get(e).valNegElbo() < epochs.get(best).valNegElbo() ? e : best;
    }
    assertTrue(
        epochs.size() == 4 || epochs.size() == best + 1 + 1,
        "stops one epoch after the best, or runs them all: " + epochs.size());
    VariationalAutoencoderModel bestLength =
        small().setEpochs(best + 1).setLearningRate(0.02).fit(train);
    assertArrayEquals(
        bestLength.weights(), stopped.weights(), "epoch " + (best + 1) + "'s weights");
  }

  @Test
  void withEmaDecayTrainingIsTheSameAndTheModelIsAnotherSetOfWeights() {
    VariationalAutoencoderModel last = small().fit(train);
    VariationalAutoencoderModel averaged = small().setEmaDecay(0.9).fit(train);
    var a = last.metadata().training().epochs();
    var b = averaged.metadata().training().epochs();
    for (int e = 0; e < a.size(); e++) {
      assertEquals(a.get(e).trainNegElbo(), b.get(e).trainNegElbo(), "epoch " + (e + 1));
    }
    assertFalse(java.util.Arrays.equals(last.weights(), averaged.weights()));
    double gap = 0;
    for (int i = 0; i < last.weights().length; i++) {
      gap = Math.max(gap, Math.abs(last.weights()[i] - averaged.weights()[i]));
    }
    assertTrue(gap < 0.1, "an average of recent weights stays near the last: " + gap);
  }

  @Test
  void paramsAreListedAndValidated() {
    VariationalAutoencoder v = new VariationalAutoencoder();
    assertTrue(v.params().length >= 20);
    assertThrows(IllegalArgumentException.class, () -> v.setLatentSize(0));
    assertThrows(IllegalArgumentException.class, () -> v.setLearningRate(-1));
    assertThrows(IllegalArgumentException.class, () -> v.setActivation("sigmoid"));
    assertThrows(IllegalArgumentException.class, () -> v.setHiddenLayers(new int[] {400, -1}));
    assertEquals(VariationalAutoencoder.DEFAULT_SYNC_EVERY, v.getSyncEvery());
    ParamPair<?>[] none = new ParamPair<?>[0];
    assertEquals(0, none.length);
  }

  @Test
  void aCheckpointOfTheHistoricalLoopResumesOnlyUnderItsSettingsNotUnderTodaysDefaults() {
    io.sparkvae.kernel.VaeArchitecture arch =
        new io.sparkvae.kernel.VaeArchitecture(
            784,
            new int[] {8},
            2,
            io.sparkvae.kernel.Activation.RELU,
            io.sparkvae.kernel.Likelihood.BERNOULLI);
    Map<String, String> today = new VariationalAutoencoder().fingerprint(arch, 2);
    assertEquals("\"auto\"", today.get("outerOptimizer"), "today's default is named");
    assertEquals("16", today.get("minRowsPerStep"));
    assertEquals("\"auto\"", today.get("optimizerState"));
    Map<String, String> historical =
        new VariationalAutoencoder()
            .setOuterOptimizer("average")
            .setOuterLearningRate(0.7)
            .setOuterMomentum(0.9)
            .setLearningRateScaling("none")
            .setLearningRateWarmupEpochs(0)
            .setMinRowsPerStep(0)
            .setOptimizerState("average")
            .fingerprint(arch, 2);
    for (String k :
        List.of(
            "batchMode",
            "outerOptimizer",
            "outerLearningRate",
            "outerMomentum",
            "learningRateScaling",
            "learningRateWarmupEpochs",
            "optimizerState",
            "minRowsPerStep")) {
      assertFalse(historical.containsKey(k), k + " is left out, as a format-1 checkpoint has it");
    }
    assertEquals(
        "256 local steps on 2 partitions",
        today.get("syncEveryAuto"),
        "on 2 partitions the automatic k doubled: a checkpoint from before is refused");
    assertFalse(
        new VariationalAutoencoder().fingerprint(arch, 4).containsKey("syncEveryAuto"),
        "on 4 partitions the automatic k is still 128");
    assertEquals(
        "32 local steps per partition",
        new VariationalAutoencoder().fingerprint(arch, 8).get("syncEveryAuto"),
        "on 8 partitions the automatic k grew: a checkpoint from before is refused");
    assertFalse(
        new VariationalAutoencoder()
            .setSyncEvery(128)
            .fingerprint(arch, 8)
            .containsKey("syncEveryAuto"),
        "an explicit k is the same rounds as before");
    assertFalse(today.containsKey("emaDecay"), "off: a checkpoint from before it existed resumes");
    assertEquals(
        "0.997",
        new VariationalAutoencoder().setEmaDecay(0.997).fingerprint(arch, 2).get("emaDecay"),
        "on, it is part of what a resume must share");
    assertFalse(today.containsKey("outerWarmupEpochs"), "auto is no outer warm-up on 2 partitions");
    assertEquals(
        "-1",
        new VariationalAutoencoder().fingerprint(arch, 8).get("outerWarmupEpochs"),
        "on 8 partitions the automatic warm-up averages first: a checkpoint from before is refused");
    assertFalse(
        new VariationalAutoencoder()
            .setOuterWarmupEpochs(0)
            .fingerprint(arch, 8)
            .containsKey("outerWarmupEpochs"),
        "none is the loop of before");
  }
}
