// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScalingModelTest {

  @Test
  void theBroadcastCrossesOneLinkPerLevelOfABinaryTreeOverTheDriverAndExecutors() {
    // 1 MB at 8 Mb/s is 1 s per level; P = 1: 1 level, P = 2 and 3: 2, P = 4 … 7: 3, P = 8: 4.
    double bps = 8e6;
    assertEquals(1.0, ScalingModel.networkSecondsPerRound(1_000_000, 0, 1, 1, bps), 1e-12);
    assertEquals(2.0, ScalingModel.networkSecondsPerRound(1_000_000, 0, 3, 1, bps), 1e-12);
    assertEquals(3.0, ScalingModel.networkSecondsPerRound(1_000_000, 0, 7, 1, bps), 1e-12);
    assertEquals(4.0, ScalingModel.networkSecondsPerRound(1_000_000, 0, 8, 1, bps), 1e-12);
  }

  @Test
  void resultsArriveOneChildAfterAnotherAtEveryLevelOfTheAggregationTree() {
    double bps = 8e6;
    assertEquals(8.0, ScalingModel.networkSecondsPerRound(0, 1_000_000, 8, 1, bps), 1e-12);
    // 32 leaves in 2 levels: ⌈√32⌉ = 6 children per sum, 2 levels.
    assertEquals(12.0, ScalingModel.networkSecondsPerRound(0, 1_000_000, 32, 2, bps), 1e-12);
    assertEquals(8, ScalingModel.fanIn(64, 2));
    assertEquals(4, ScalingModel.fanIn(64, 3));
    assertEquals(5, ScalingModel.fanIn(65, 3), "4³ = 64 < 65");
    assertEquals(1, ScalingModel.fanIn(1, 1));
  }

  @Test
  void timeToTargetIsEpochsTimesStepsAndRounds() {
    // 10 epochs × (100 steps × 2 ms + 4 rounds × (30 ms + 20 ms)) = 10 × 0.4 s.
    assertEquals(4.0, ScalingModel.timeToTarget(10, 100, 0.002, 4, 0.030, 0.020), 1e-12);
  }

  @Test
  void aBandwidthOfZeroIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> ScalingModel.networkSecondsPerRound(1, 1, 2, 1, 0));
  }
}
