// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.Sgd;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train.ema-decay: the model is a moving average of the round-end weights, training is unchanged.
 * The by-hand set-up is {@link ScaleOutByHandTest}'s: plain averaging on two partitions of x = 0
 * and x = 1, k = 2, one round per epoch, θ₁ = 0.625 and θ₂ = 0.53125.
 */
class WeightAverageTest extends SparkTestBase {

  private static TrainerConfig quadratic(double emaDecay, int patience) {
    return new TrainerConfig(
        "test",
        2,
        4,
        2,
        1,
        1,
        0,
        0,
        0,
        ScaleOut.DEFAULT,
        new TrainerConfig.EarlyStopping(patience, 0),
        emaDecay);
  }

  /**
   * Decay 0.5 per step is 0.25 per round of 2 steps, so the average after two rounds weighs θ₁ by
   * 0.25 and θ₂ by 1: (0.25 · 0.625 + 0.53125) / 1.25 = 0.55. After one round it is θ₁ itself. The
   * validation rows are x = 0, so their loss is ½ m² for the model m.
   */
  @Test
  void theModelIsTheAverageOfTheRoundEndWeightsAndValidationScoresIt() {
    try (BlockedData train = ScaleOutByHandTest.data(new float[] {0f, 1f}, new int[] {4, 4});
        BlockedData val = ScaleOutByHandTest.data(new float[] {0f}, new int[] {2})) {
      Quadratic q = new Quadratic();
      Sgd sgd = new Sgd(0.5);
      TrainingState s =
          new SyncTrainer(jsc(), quadratic(0.5, 0))
              .fit(q, sgd, train, val, SyncTrainer.initialState(q, sgd, 1), null, none());
      assertArrayEquals(new float[] {0.53125f}, s.params(), "training itself is unchanged");
      assertEquals(0.55, s.modelParams()[0], 1e-7);
      assertEquals(0.5 * 0.625 * 0.625, s.history().get(0).validation()[0], 1e-7);
      assertEquals(0.5 * 0.55 * 0.55, s.history().get(1).validation()[0], 1e-6);
    }
  }

  /** Early stopping keeps the best epoch's model, which is the average, not the raw weights. */
  @Test
  void earlyStoppingKeepsTheAverageOfItsBestEpoch() {
    // Validation rows x = 1: ½ (1 − m)², lowest for the epoch-1 model 0.625.
    try (BlockedData train = ScaleOutByHandTest.data(new float[] {0f, 1f}, new int[] {4, 4});
        BlockedData val = ScaleOutByHandTest.data(new float[] {1f}, new int[] {2})) {
      Quadratic q = new Quadratic();
      Sgd sgd = new Sgd(0.5);
      TrainingState s =
          new SyncTrainer(jsc(), quadratic(0.5, 5))
              .fit(q, sgd, train, val, SyncTrainer.initialState(q, sgd, 1), null, none());
      assertEquals(1, s.bestEpoch());
      assertArrayEquals(new float[] {0.625f}, s.modelParams());
    }
  }

  @Test
  void theConfigsWithersKeepTheDecay() {
    assertEquals(0.5, quadratic(0.5, 0).with(ScaleOut.DEFAULT).emaDecay());
    assertEquals(0.5, quadratic(0.5, 0).with(TrainerConfig.EarlyStopping.OFF).emaDecay());
  }

  /** The bundled sample: 10 epochs of 16 steps; the conv reference: 10 epochs of 469 steps. */
  @Test
  void anAverageSpanningMoreThanATenthOfTheRunIsWarnedAbout() {
    TrainerConfig sample =
        new TrainerConfig(
            "vae",
            10,
            128,
            4,
            1,
            1,
            0,
            0,
            0,
            ScaleOut.DEFAULT,
            TrainerConfig.EarlyStopping.OFF,
            0.997);
    assertEquals(
        "train.ema-decay = 0.997 averages about the last 333 optimizer steps, more than a tenth of "
            + "this run's 160: the model will lean on early weights; a smaller decay, or 0 "
            + "(off), suits a run this short",
        sample.emaWarning(16));
    assertNull(sample.emaWarning(469), "333 steps of 4,690 is fine");
    assertNull(quadratic(0, 0).emaWarning(1), "off");
  }

  @Test
  void aDecayOutsideZeroToOneIsRefusedNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> quadratic(1.0, 0));
    assertEquals("train.ema-decay must lie in [0, 1), got 1.0", e.getMessage());
  }

  /** A crash mid-epoch and a resume from the checkpoint give the uninterrupted run's average. */
  @Test
  void aResumedRunKeepsTheAverageBitIdentical(@TempDir Path dir) throws IOException {
    VaeArchitecture arch =
        new VaeArchitecture(784, new int[] {32}, 4, Activation.RELU, Likelihood.BERNOULLI);
    VaeObjective obj = new VaeObjective(arch);
    Adam adam = new Adam(1e-3);
    // One partition of 300 rows, batch 50, k = 2: three rounds an epoch; a checkpoint every round.
    TrainerConfig cfg =
        new TrainerConfig(
            "test",
            2,
            50,
            2,
            5,
            1,
            0,
            1,
            0,
            ScaleOut.DEFAULT,
            TrainerConfig.EarlyStopping.OFF,
            0.99);
    try (BlockedData data = CheckpointByTimeTest.blocks()) {
      TrainingState straight =
          new SyncTrainer(jsc(), cfg)
              .fit(obj, adam, data, null, SyncTrainer.initialState(obj, adam, 5), null, none());
      assertFalse(
          Arrays.equals(straight.params(), straight.modelParams()), "the average is the model");

      FsCheckpointer ck =
          new FsCheckpointer(jsc().hadoopConfiguration(), dir.toString(), Map.of(), Set.of());
      assertThrows(
          IllegalStateException.class,
          () ->
              new SyncTrainer(jsc(), cfg)
                  .fit(
                      obj,
                      adam,
                      data,
                      null,
                      SyncTrainer.initialState(obj, adam, 5),
                      ck,
                      crashAt(1, 2)));
      TrainingState saved = ck.load();
      assertEquals(new TrainingState.Position(1, 1), saved.position());
      TrainingState resumed =
          new SyncTrainer(jsc(), cfg).fit(obj, adam, data, null, saved, ck, none());
      assertArrayEquals(straight.params(), resumed.params());
      assertArrayEquals(straight.modelParams(), resumed.modelParams(), "bit-identical average");
    }
  }

  private static TrainingListener none() {
    return TrainingListener.NONE;
  }

  /** Throws after round {@code round} (1-based) of epoch {@code epoch} (0-based) has ended. */
  private static TrainingListener crashAt(int epoch, int round) {
    return new TrainingListener() {
      @Override
      public void onEpoch(EpochReport r, int total) {}

      @Override
      public void onRound(Round r) {
        if (r.epoch() == epoch && r.round() == round) {
          throw new IllegalStateException("simulated crash");
        }
      }
    };
  }
}
