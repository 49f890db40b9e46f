// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scale-out mode keeps the engine's promises: a run interrupted by a crash, whose cached
 * blocks were lost on the way (what a killed executor leaves behind: Spark rebuilds them from the
 * lineage) and resumed from its last checkpoint ends with exactly the parameters, optimizer and
 * outer state, history and early-stopping record of an uninterrupted run. Two separate executions
 * agreeing to the bit is also the determinism check; each mode must also change the result, or it
 * would be testing nothing. Small on purpose: 400 rows, a 784-32-4 VAE, two epochs.
 */
class ScaleOutModesTest extends SparkTestBase {
  private static final ByteRows IMAGES = Samples.trainImages();
  private static final VaeObjective OBJ =
      new VaeObjective(
          new VaeArchitecture(784, new int[] {32}, 4, Activation.RELU, Likelihood.BERNOULLI));
  private static final int[] SIZES = {90, 110, 70, 130};
  private static final int EPOCHS = 2;
  private static float[] historical;

  private static BlockedData blocks(int[] sizes) {
    return BlockedData.build(
        TestFrames.imagesWithSizes(spark(), IMAGES, sizes),
        FeatureReader.forColumn(TestFrames.IMAGE_SCHEMA, "features"),
        new BlockedData.Requirements(true, -1),
        StorageLevel.MEMORY_ONLY(),
        "test data",
        "id");
  }

  /** Batch 40, k = 3: an epoch is 10 steps in 4 rounds (per-partition batch: 4 steps, 2 rounds). */
  private static TrainerConfig config(ScaleOut so, TrainerConfig.EarlyStopping es, int depth) {
    return config(so, es, depth, 40);
  }

  private static TrainerConfig config(
      ScaleOut so, TrainerConfig.EarlyStopping es, int depth, int batch) {
    return new TrainerConfig("test", EPOCHS, batch, 3, 7, depth, 0, 1, 0, so, es, 0);
  }

  /**
   * Every mode at least once; modes that combine are combined, to keep the test short. The
   * post-local case takes batches of 80 (5 synchronous rounds in its first epoch, not 10).
   */
  static Stream<Arguments> modes() {
    ScaleOut d = ScaleOut.DEFAULT;
    TrainerConfig.EarlyStopping off = TrainerConfig.EarlyStopping.OFF;
    ScaleOut diloco = d.withOuter(OuterOptimizer.Kind.DILOCO, 0.7, 0.9);
    return Stream.of(
        Arguments.of(
            "DiLoCo averaging the second moment only",
            config(diloco.withInnerState(ScaleOut.InnerState.SECOND_MOMENT), off, 1)),
        Arguments.of(
            "SlowMo resetting the inner state after a post-local SGD warm-up",
            config(
                d.withOuter(OuterOptimizer.Kind.SLOWMO, 1, 0.5)
                    .withInnerState(ScaleOut.InnerState.RESET)
                    .withSyncWarmupEpochs(1),
                off,
                1,
                80)),
        Arguments.of(
            "per-partition batches, square-root scaling warmed up",
            config(
                d.withBatchMode(
                    ScaleOut.BatchMode.PER_PARTITION, ScaleOut.LearningRateScaling.SQRT, 1.5),
                off,
                1)),
        Arguments.of(
            "a global batch grown to 15 rows per partition, DiLoCo",
            config(
                diloco
                    .withBatchMode(ScaleOut.BatchMode.GLOBAL, ScaleOut.LearningRateScaling.SQRT, 0)
                    .withMinRowsPerStep(15),
                off,
                1)),
        Arguments.of(
            "DiLoCo after an outer warm-up of one epoch",
            config(diloco.withOuterWarmupEpochs(1), off, 1)),
        Arguments.of(
            "early stopping with DiLoCo and an auto-depth tree over 9 partitions",
            config(diloco, new TrainerConfig.EarlyStopping(5, 0), 0)));
  }

  @BeforeAll
  static void historicalLoop() {
    try (BlockedData data = blocks(SIZES)) {
      historical = run(config(ScaleOut.DEFAULT, TrainerConfig.EarlyStopping.OFF, 1), data, null);
    }
  }

  private static float[] run(TrainerConfig cfg, BlockedData data, BlockedData val) {
    Adam adam = new Adam(2e-3);
    TrainingState s = SyncTrainer.initialState(OBJ, adam, cfg.seed());
    return new SyncTrainer(jsc(), cfg)
        .fit(OBJ, adam, data, val, s, null, TrainingListener.NONE)
        .modelParams();
  }

  /** Drops the cached blocks at {@code dropAt} and crashes at {@code crashAt}: {epoch, round}. */
  private static TrainingListener trouble(BlockedData data, int[] dropAt, int[] crashAt) {
    return new TrainingListener() {
      @Override
      public void onEpoch(EpochReport r, int total) {}

      @Override
      public void onRound(Round r) {
        if (r.epoch() == dropAt[0] && r.round() == dropAt[1]) {
          data.rdd().unpersist(true);
        }
        if (r.epoch() == crashAt[0] && r.round() == crashAt[1]) {
          throw new IllegalStateException("simulated crash");
        }
      }
    };
  }

  @org.junit.jupiter.api.Test
  void autoOnRoundsOfThreeStepsIsTheHistoricalLoopToTheBit() {
    try (BlockedData data = blocks(SIZES)) {
      ScaleOut auto = ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.AUTO, 1.0, 0.8);
      float[] p = run(config(auto, TrainerConfig.EarlyStopping.OFF, 1), data, null);
      assertArrayEquals(historical, p, "k = 3 < 64: plain averaging");
    }
  }

  @org.junit.jupiter.api.Test
  void aMinimumOfRowsPerStepTrainsExactlyTheGrownBatchAtTheScaledRate() {
    ScaleOut sqrt =
        ScaleOut.DEFAULT.withBatchMode(
            ScaleOut.BatchMode.GLOBAL, ScaleOut.LearningRateScaling.SQRT, 0);
    try (BlockedData data = blocks(SIZES)) {
      // 4 partitions × 15 rows = 60 > 40: the batch grows by 1.5, the rate by √1.5.
      float[] grown =
          run(config(sqrt.withMinRowsPerStep(15), TrainerConfig.EarlyStopping.OFF, 1), data, null);
      Adam scaled = new Adam((double) (float) 2e-3 * Math.sqrt(1.5));
      TrainerConfig explicit = config(sqrt, TrainerConfig.EarlyStopping.OFF, 1, 60);
      float[] byHand =
          new SyncTrainer(jsc(), explicit)
              .fit(
                  OBJ,
                  scaled,
                  data,
                  null,
                  SyncTrainer.initialState(OBJ, scaled, explicit.seed()),
                  null,
                  TrainingListener.NONE)
              .modelParams();
      assertArrayEquals(byHand, grown, "batch 60 at 2e-3 · √1.5, set by hand");
      assertFalse(Arrays.equals(historical, grown), "and it is not the batch-40 run");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aRunCrashedAfterLosingItsCacheAndResumedEqualsAnUninterruptedOne(
      String mode, TrainerConfig cfg, @TempDir Path dir) throws IOException {
    boolean validate = cfg.earlyStopping().enabled();
    int[] sizes = validate ? new int[] {40, 50, 30, 60, 45, 35, 55, 40, 45} : SIZES;
    try (BlockedData data = blocks(sizes);
        BlockedData val = validate ? blocks(new int[] {60, 40}) : null) {
      Adam adam = new Adam(2e-3);
      TrainingState straight =
          new SyncTrainer(jsc(), cfg)
              .fit(
                  OBJ,
                  adam,
                  data,
                  val,
                  SyncTrainer.initialState(OBJ, adam, cfg.seed()),
                  null,
                  TrainingListener.NONE);

      FsCheckpointer ck =
          new FsCheckpointer(
              jsc().hadoopConfiguration(), dir.toString(), Map.of("test", "1"), Set.of());
      assertThrows(
          IllegalStateException.class,
          () ->
              new SyncTrainer(jsc(), cfg)
                  .fit(
                      OBJ,
                      adam,
                      data,
                      val,
                      SyncTrainer.initialState(OBJ, adam, cfg.seed()),
                      ck,
                      trouble(data, new int[] {0, 1}, new int[] {1, 2})));
      TrainingState saved = ck.load();
      assertEquals(new TrainingState.Position(1, 1), saved.position());
      TrainingState resumed =
          new SyncTrainer(jsc(), cfg).fit(OBJ, adam, data, val, saved, ck, TrainingListener.NONE);

      assertArrayEquals(straight.liveParams(), resumed.liveParams(), "bit-identical parameters");
      assertArrayEquals(straight.liveOptimizerState(), resumed.liveOptimizerState());
      assertArrayEquals(straight.liveOuterState(), resumed.liveOuterState());
      assertArrayEquals(straight.modelParams(), resumed.modelParams());
      assertEquals(straight.updates(), resumed.updates());
      assertEquals(straight.bestEpoch(), resumed.bestEpoch());
      assertEquals(straight.epochsSinceBest(), resumed.epochsSinceBest());
      for (int e = 0; e < EPOCHS; e++) {
        assertArrayEquals(
            straight.history().get(e).train(),
            resumed.history().get(e).train(),
            "epoch " + (e + 1) + " train losses");
      }
      if (validate) {
        assertTrue(straight.bestEpoch() > 0, "early stopping recorded a best epoch");
      }
      if (!validate) {
        assertFalse(
            Arrays.equals(historical, straight.modelParams()),
            mode + " changes the result of the historical loop");
      }
    }
  }
}
