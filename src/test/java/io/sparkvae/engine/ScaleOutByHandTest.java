// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Sgd;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * The scale-out rules through the whole engine on the {@link Quadratic} objective, against values
 * worked by hand. Every number below is a short binary fraction, so float arithmetic is exact and
 * the comparisons are to the bit.
 *
 * <p>The two-partition set-up: partition 0 holds 4 rows of x = 0, partition 1 holds 4 rows of x =
 * 1; global batch 4, so an epoch is 2 steps of 2 rows per partition; inner SGD with γ = 0.5, so a
 * step is θ ← θ − 0.5 (θ − x) = (θ + x) / 2. With k = 2 one round is one epoch, and from θ:
 *
 * <pre>
 *   partition 0: θ → θ/2 → θ/4
 *   partition 1: θ → (θ + 1)/2 → θ/4 + 3/4
 *   θ̄ = θ/4 + 3/8 (equal rows),  Δ = θ − θ̄ = 3θ/4 − 3/8
 * </pre>
 */
class ScaleOutByHandTest extends SparkTestBase {

  private static BlockedData twoPartitions() {
    return data(new float[] {0f, 1f}, new int[] {4, 4});
  }

  /** One value per partition, repeated {@code sizes[p]} times; also {@link WeightAverageTest}'s. */
  static BlockedData data(float[] values, int[] sizes) {
    return BlockedData.build(
        TestFrames.valuesWithSizes(spark(), values, sizes),
        FeatureReader.forColumn(TestFrames.VALUE_SCHEMA, "features"),
        new BlockedData.Requirements(false, -1),
        StorageLevel.MEMORY_ONLY(),
        "test data",
        "id");
  }

  private static TrainerConfig config(int epochs, int batch, int k) {
    return new TrainerConfig("test", epochs, batch, k, 1, 1, 0, 0);
  }

  private static TrainingState fit(TrainerConfig cfg, BlockedData train, BlockedData val) {
    Quadratic q = new Quadratic();
    Sgd sgd = new Sgd(0.5);
    TrainingState s = SyncTrainer.initialState(q, sgd, cfg.seed());
    return new SyncTrainer(jsc(), cfg).fit(q, sgd, train, val, s, null, TrainingListener.NONE);
  }

  /** Plain averaging: θ₁ = 1/4 + 3/8 = 0.625; θ₂ = 0.625/4 + 3/8 = 0.53125. */
  @Test
  void twoRoundsOfPlainAveragingOnAQuadraticMatchTheHandComputation() {
    try (BlockedData d = twoPartitions()) {
      TrainingState s = fit(config(2, 4, 2), d, null);
      assertArrayEquals(new float[] {0.53125f}, s.params());
      assertEquals(0, s.liveOuterState().length, "averaging keeps no state");
      assertEquals(4, s.updates(), "2 rounds of 2 local steps");
    }
  }

  /**
   * DiLoCo with η = 0.5, β = 0.5 (m ← βm + Δ; θ ← θ − η(βm + Δ)):
   *
   * <pre>
   * round 1: θ̄ = 0.625, Δ = 0.375;  m = 0.375;
   *          θ = 1 − 0.5 (0.1875 + 0.375) = 0.71875
   * round 2: θ̄ = 0.71875/4 + 0.375 = 0.5546875, Δ = 0.1640625;
   *          m = 0.1875 + 0.1640625 = 0.3515625;
   *          θ = 0.71875 − 0.5 (0.17578125 + 0.1640625) = 0.548828125
   * </pre>
   */
  @Test
  void twoRoundsOfDiLoCoOnAQuadraticMatchTheHandComputation() {
    try (BlockedData d = twoPartitions()) {
      TrainerConfig cfg =
          config(2, 4, 2).with(ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.DILOCO, 0.5, 0.5));
      TrainingState s = fit(cfg, d, null);
      assertArrayEquals(new float[] {0.548828125f}, s.params());
      assertArrayEquals(new float[] {0.3515625f}, s.liveOuterState(), "the outer momentum m");
    }
  }

  /**
   * The same DiLoCo after an outer warm-up of one epoch: round 1 (epoch 1) ends in plain averaging
   * and leaves the momentum at zero; round 2 starts it.
   *
   * <pre>
   * round 1: θ = θ̄ = 0.625;  m = 0
   * round 2: θ̄ = 0.625/4 + 0.375 = 0.53125, Δ = 0.09375;  m = 0.09375;
   *          θ = 0.625 − 0.5 (0.046875 + 0.09375) = 0.5546875
   * </pre>
   */
  @Test
  void anOuterWarmUpAveragesPlainlyThenStartsDiLoCosMomentumFromZero() {
    try (BlockedData d = twoPartitions()) {
      ScaleOut diloco = ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.DILOCO, 0.5, 0.5);
      TrainingState one = fit(config(1, 4, 2).with(diloco.withOuterWarmupEpochs(1)), d, null);
      assertArrayEquals(new float[] {0.625f}, one.params(), "epoch 1 is plain averaging");
      assertArrayEquals(new float[] {0f}, one.liveOuterState(), "no momentum yet");
      TrainingState s = fit(config(2, 4, 2).with(diloco.withOuterWarmupEpochs(1)), d, null);
      assertArrayEquals(new float[] {0.5546875f}, s.params());
      assertArrayEquals(new float[] {0.09375f}, s.liveOuterState(), "the outer momentum m");
    }
  }

  /**
   * SlowMo with α = 1, β = 0.5 and the inner γ = 0.5 (u ← βu + Δ/γ; θ ← θ − αγu):
   *
   * <pre>
   * round 1: Δ = 0.375;  u = 0.75;  θ = 1 − 0.5 · 0.75 = 0.625 (averaging: u was empty)
   * round 2: θ̄ = 0.53125, Δ = 0.09375;  u = 0.375 + 0.1875 = 0.5625;
   *          θ = 0.625 − 0.5 · 0.5625 = 0.34375
   * </pre>
   */
  @Test
  void twoRoundsOfSlowMoOnAQuadraticMatchTheHandComputation() {
    try (BlockedData d = twoPartitions()) {
      TrainerConfig cfg =
          config(2, 4, 2).with(ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.SLOWMO, 1, 0.5));
      TrainingState s = fit(cfg, d, null);
      assertArrayEquals(new float[] {0.34375f}, s.params());
      assertArrayEquals(new float[] {0.5625f}, s.liveOuterState(), "the slow momentum u");
    }
  }

  /**
   * Post-local SGD with one warm-up epoch: epoch 1 takes two synchronous steps on the union of the
   * slices (2 rows of 0, 2 of 1: θ ← θ − 0.5 (θ − 0.5)), 1 → 0.75 → 0.625; epoch 2 one round of k =
   * 2 local steps and averaging: 0.625/4 + 3/8 = 0.53125.
   */
  @Test
  void postLocalSgdStepsSynchronouslyDuringItsWarmUpThenLocally() {
    try (BlockedData d = twoPartitions()) {
      TrainerConfig cfg = config(2, 4, 2).with(ScaleOut.DEFAULT.withSyncWarmupEpochs(1));
      TrainingState s = fit(cfg, d, null);
      assertArrayEquals(new float[] {0.53125f}, s.params());
      assertEquals(
          List.of(2, 1),
          s.history().stream().map(EpochReport::rounds).collect(Collectors.toList()),
          "2 rounds of k = 1, then 1 round of k = 2");
    }
  }

  /**
   * Batch 1 per partition: an epoch is 4 steps of 2 rows (one per partition), not the 8 of a global
   * batch of 1. Linear scaling on r = 2 partitions warmed up over one epoch: the rate at step j is
   * 0.5 · (1 + j/4) = 0.5, 0.625, 0.75, 0.875; synchronous steps (k = 1) on x = 0 and x = 1, θ ← θ
   * − γ (θ − 0.5): 1 → 0.75 → 0.59375 → 0.5234375 → 0.5029296875.
   */
  @Test
  void perPartitionBatchesWithLinearScalingWarmTheRateUpOverTheFirstEpoch() {
    try (BlockedData d = twoPartitions()) {
      TrainerConfig cfg =
          config(1, 1, 1)
              .with(
                  ScaleOut.DEFAULT.withBatchMode(
                      ScaleOut.BatchMode.PER_PARTITION, ScaleOut.LearningRateScaling.LINEAR, 1));
      TrainingState s = fit(cfg, d, null);
      assertArrayEquals(new float[] {0.5029296875f}, s.params());
      assertEquals(4, s.history().get(0).rounds());
      assertEquals(8, s.history().get(0).rows());
    }
  }

  /**
   * One partition of 4 rows of x = 0, one step an epoch (batch 4, k = 1) with γ = 0.25: θ = 0.75,
   * 0.5625, 0.421875, 0.31640625 after epochs 1–4. Validation rows are x = 0.5, so the validation
   * loss ½ (θ − 0.5)² is 0.03125, 0.001953125, 0.0030517578125, 0.0168… : best at epoch 2, then two
   * epochs without improvement, and with a patience of 2 the run stops after epoch 4 of 10. With a
   * minimum improvement of 0.03 the drop at epoch 2 (0.0293) does not count: best at epoch 1, stop
   * after epoch 3.
   */
  @Test
  void earlyStoppingKeepsTheBestEpochsParametersAndStopsAfterThePatience() {
    try (BlockedData train = data(new float[] {0f}, new int[] {4});
        BlockedData val = data(new float[] {0.5f}, new int[] {4})) {
      Quadratic q = new Quadratic();
      Sgd sgd = new Sgd(0.25);
      TrainerConfig cfg = config(10, 4, 1).with(new TrainerConfig.EarlyStopping(2, 0));
      TrainingState s = SyncTrainer.initialState(q, sgd, 1);
      new SyncTrainer(jsc(), cfg).fit(q, sgd, train, val, s, null, TrainingListener.NONE);
      assertEquals(4, s.history().size(), "stopped after epoch 4");
      assertEquals(2, s.bestEpoch());
      assertArrayEquals(new float[] {0.5625f}, s.modelParams(), "the best epoch's parameters");
      assertArrayEquals(new float[] {0.31640625f}, s.params(), "where training stopped");
      assertEquals(0.001953125, s.history().get(1).validation()[0], 1e-12);

      TrainerConfig strict = config(10, 4, 1).with(new TrainerConfig.EarlyStopping(2, 0.03));
      TrainingState t = SyncTrainer.initialState(q, sgd, 1);
      new SyncTrainer(jsc(), strict).fit(q, sgd, train, val, t, null, TrainingListener.NONE);
      assertEquals(3, t.history().size());
      assertEquals(1, t.bestEpoch());
      assertArrayEquals(new float[] {0.75f}, t.modelParams());
    }
  }

  @Test
  void earlyStoppingWithoutValidationDataIsAClearError() {
    try (BlockedData d = twoPartitions()) {
      TrainerConfig cfg = config(2, 4, 2).with(new TrainerConfig.EarlyStopping(3, 0));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> fit(cfg, d, null));
      assertTrue(e.getMessage().contains("needs validation data"), e.getMessage());
    }
  }
}
