// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.Sgd;
import org.junit.jupiter.api.Test;

/** The scale-out settings' arithmetic, without Spark. */
class ScaleOutTest {

  @Test
  void autoAggregationDepthKeepsEverySumAtMostEightWide() {
    assertEquals(1, TrainerConfig.aggregationDepth(0, 1));
    assertEquals(1, TrainerConfig.aggregationDepth(0, 8), "up to 8: the driver sums, as before");
    assertEquals(2, TrainerConfig.aggregationDepth(0, 9));
    assertEquals(2, TrainerConfig.aggregationDepth(0, 64));
    assertEquals(3, TrainerConfig.aggregationDepth(0, 65));
    assertEquals(3, TrainerConfig.aggregationDepth(3, 2), "an explicit depth is kept");
    for (int p = 2; p <= 600; p++) {
      int d = TrainerConfig.aggregationDepth(0, p);
      int g = d == 1 ? p : DeterministicReduce.groupSize(p, d);
      assertEquals(true, g <= TrainerConfig.AUTO_AGGREGATION_FAN_IN, "P = " + p);
    }
  }

  @Test
  void groupSizesAreExactIntegerRoots() {
    assertEquals(8, DeterministicReduce.groupSize(64, 2));
    assertEquals(5, DeterministicReduce.groupSize(125, 3), "not 6 from a pow a hair above 5");
    assertEquals(3, DeterministicReduce.groupSize(5, 2));
    assertEquals(2, DeterministicReduce.groupSize(3, 4), "at least 2");
  }

  @Test
  void eachInnerStatePolicyCarriesItsSlicesOfAdamsState() {
    Adam adam = new Adam(1e-3);
    assertArrayEquals(new int[] {0, 20}, ScaleOut.InnerState.AVERAGE.carriedRanges(adam, 10));
    assertArrayEquals(
        new int[] {10, 20}, ScaleOut.InnerState.SECOND_MOMENT.carriedRanges(adam, 10), "v only");
    assertArrayEquals(new int[0], ScaleOut.InnerState.RESET.carriedRanges(adam, 10));
    assertNull(ScaleOut.InnerState.AVERAGE.zeroedAt(adam, 300));
    assertArrayEquals(
        new long[] {300, 0}, ScaleOut.InnerState.SECOND_MOMENT.zeroedAt(adam, 300), "m restarts");
    assertArrayEquals(new long[] {300, 300}, ScaleOut.InnerState.RESET.zeroedAt(adam, 300));
    assertArrayEquals(new int[0], ScaleOut.InnerState.SECOND_MOMENT.carriedRanges(new Sgd(1), 10));
  }

  @Test
  void learningRateScalingReachesItsTargetLinearlyOverTheWarmUp() {
    ScaleOut.LearningRateScaling linear = ScaleOut.LearningRateScaling.LINEAR;
    assertEquals(1.0, linear.factor(8, 0, 2));
    assertEquals(4.5, linear.factor(8, 1, 2), "half way from 1 to 8");
    assertEquals(8.0, linear.factor(8, 2, 2));
    assertEquals(8.0, linear.factor(8, 0, 0), "no warm-up: at once");
    assertEquals(Math.sqrt(8), ScaleOut.LearningRateScaling.SQRT.factor(8, 5, 2));
    assertEquals(1.0, ScaleOut.LearningRateScaling.NONE.factor(8, 0.5, 2));
  }

  @Test
  void aPerPartitionBatchMakesAnEpochAsLongAsTheLargestPartitionNeeds() {
    long[] sizes = {100, 130, 0, 90};
    assertEquals(8, ScaleOut.BatchMode.GLOBAL.stepsPerEpoch(sizes, 40), "⌈320 / 40⌉");
    assertEquals(4, ScaleOut.BatchMode.PER_PARTITION.stepsPerEpoch(sizes, 40), "⌈130 / 40⌉");
    assertEquals(
        3.0,
        ScaleOut.DEFAULT
            .withBatchMode(ScaleOut.BatchMode.PER_PARTITION, null, 0)
            .rates(sizes, 40)
            .ratio(),
        "r counts the partitions that hold rows");
  }

  @Test
  void aMinimumOfRowsPerStepGrowsTheGlobalBatchOnlyWhenPartitionsWouldGetFewer() {
    ScaleOut s = ScaleOut.DEFAULT.withMinRowsPerStep(32);
    long[] four = {100, 100, 100, 100};
    assertEquals(128, s.globalBatch(four, 128), "4 × 32 = 128: no growth");
    assertEquals(1.0, s.rates(four, 128).ratio());
    long[] eight = {10, 10, 10, 10, 10, 10, 10, 0};
    assertEquals(224, s.globalBatch(eight, 128), "7 partitions hold rows: 7 × 32");
    assertEquals(224.0 / 128, s.rates(eight, 128).ratio(), "the rate scales with the growth");
    assertEquals(
        128, ScaleOut.DEFAULT.globalBatch(eight, 128), "0 (the historical loop) never grows");
    assertEquals(
        128,
        s.withBatchMode(ScaleOut.BatchMode.PER_PARTITION, null, 0).globalBatch(eight, 128),
        "a batch per partition is already per partition");
    assertEquals(
        Math.sqrt(224.0 / 128),
        ScaleOut.LearningRateScaling.SQRT.factor(224.0 / 128, 3, 0),
        1e-12,
        "a fractional growth scales by its square root");
    assertThrows(IllegalArgumentException.class, () -> ScaleOut.DEFAULT.withMinRowsPerStep(-1));
  }

  @Test
  void autoStateRestartsOnLongRoundsOfFourToSixteenPartitionsAndAveragesOtherwise() {
    ScaleOut auto = ScaleOut.DEFAULT.withInnerState(ScaleOut.InnerState.AUTO);
    ScaleOut.InnerState reset = ScaleOut.InnerState.RESET;
    ScaleOut.InnerState average = ScaleOut.InnerState.AVERAGE;
    assertEquals(reset, auto.resolve(128, 4, false).innerState());
    assertEquals(reset, auto.resolve(128, 8, false).innerState());
    assertEquals(reset, auto.resolve(64, 16, false).innerState());
    assertEquals(
        average, auto.resolve(128, 2, false).innerState(), "2 partitions: rounds cost little");
    assertEquals(
        average, auto.resolve(117, 32, false).innerState(), "rate × 2 at 32: reset diverged");
    assertEquals(average, auto.resolve(63, 8, false).innerState(), "short rounds");
    assertEquals(average, auto.resolve(128, 1, false).innerState(), "one partition: plain Adam");
    assertEquals(
        OuterOptimizer.Kind.AVERAGE, auto.resolve(128, 8, false).outer(), "outer rule kept");
    ScaleOut explicit = ScaleOut.DEFAULT.withInnerState(ScaleOut.InnerState.SECOND_MOMENT);
    assertEquals(explicit, explicit.resolve(128, 8, false), "an explicit state rule stays");
    Adam adam = new Adam(1e-3);
    assertThrows(
        IllegalStateException.class, () -> ScaleOut.InnerState.AUTO.carriedRanges(adam, 10));
  }

  /**
   * Measured on the MLP (training.md, "Outer warm-up"): none on 2 partitions (7 epochs to the
   * target without, 8 with one), one epoch on 8 (8 against 9), two where the rate grows over two
   * epochs (32 partitions: 20 against 23).
   */
  @Test
  void autoOuterWarmUpIsNoneBelowEightPartitionsOneEpochFromThereAndTheRatesWarmUpWhenItGrows() {
    ScaleOut auto = ScaleOut.DEFAULT.withOuterWarmupEpochs(ScaleOut.AUTO_OUTER_WARMUP);
    assertEquals(0, auto.resolve(128, 2, false).outerWarmupEpochs());
    assertEquals(0, auto.resolve(128, 4, true).outerWarmupEpochs(), "below 8 even if it grows");
    assertEquals(1, auto.resolve(256, 8, false).outerWarmupEpochs());
    ScaleOut grown =
        auto.withBatchMode(ScaleOut.BatchMode.GLOBAL, ScaleOut.LearningRateScaling.SQRT, 2.5);
    assertEquals(3, grown.resolve(117, 32, true).outerWarmupEpochs(), "⌈2.5⌉ epochs of warm-up");
    assertEquals(1, grown.resolve(256, 8, false).outerWarmupEpochs(), "the rate does not grow");
    ScaleOut instant =
        auto.withBatchMode(ScaleOut.BatchMode.GLOBAL, ScaleOut.LearningRateScaling.SQRT, 0);
    assertEquals(1, instant.resolve(117, 32, true).outerWarmupEpochs(), "at least one epoch");
    ScaleOut explicit = ScaleOut.DEFAULT.withOuterWarmupEpochs(4);
    assertEquals(4, explicit.resolve(128, 2, false).outerWarmupEpochs(), "an explicit one stays");
    OuterOptimizer diloco = OuterOptimizer.of(OuterOptimizer.Kind.DILOCO, 1, 0.8);
    ScaleOut two = ScaleOut.DEFAULT.withOuterWarmupEpochs(2);
    assertEquals(OuterOptimizer.AVERAGE, two.outerAt(1, diloco), "epoch 2 of 2 averages");
    assertEquals(diloco, two.outerAt(2, diloco), "epoch 3 takes the rule");
    assertThrows(IllegalStateException.class, () -> auto.outerAt(0, diloco));
    assertThrows(IllegalArgumentException.class, () -> ScaleOut.DEFAULT.withOuterWarmupEpochs(-2));
  }

  @Test
  void autoTakesDiLoCoOnLongRoundsOfSeveralPartitionsAndAveragingOtherwise() {
    ScaleOut auto = ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.AUTO, 1.0, 0.8);
    assertEquals(OuterOptimizer.Kind.DILOCO, auto.resolve(128, 2, false).outer());
    assertEquals(OuterOptimizer.Kind.DILOCO, auto.resolve(64, 32, false).outer());
    assertEquals(OuterOptimizer.Kind.AVERAGE, auto.resolve(63, 8, false).outer());
    assertEquals(OuterOptimizer.Kind.AVERAGE, auto.resolve(4, 2, false).outer());
    assertEquals(OuterOptimizer.Kind.AVERAGE, auto.resolve(128, 1, false).outer(), "one partition");
    assertEquals(0.8, auto.resolve(128, 2, false).outerMomentum(), "η and β are the settings'");
    ScaleOut slowmo = ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.SLOWMO, 1.0, 0.5);
    assertEquals(slowmo, slowmo.resolve(4, 2, false), "an explicit rule stays");
    ScaleOut diloco = ScaleOut.DEFAULT.withOuter(OuterOptimizer.Kind.DILOCO, 1.0, 0.8);
    assertEquals(
        diloco, diloco.resolve(128, 1, false), "an explicit DiLoCo stays on one partition");
    assertThrows(
        IllegalArgumentException.class,
        () -> OuterOptimizer.of(OuterOptimizer.Kind.AUTO, 1.0, 0.8),
        "auto is resolved before a rule is built");
  }
}
