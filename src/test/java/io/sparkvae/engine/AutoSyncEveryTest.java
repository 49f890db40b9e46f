// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AutoSyncEveryTest {
  @Test
  void theAutomaticKIs256OnTwoPartitions128OnOtherFewAnd32PerPartitionFromEightOn() {
    assertEquals(128, TrainerConfig.autoSyncEvery(469, 1));
    assertEquals(256, TrainerConfig.autoSyncEvery(469, 2));
    assertEquals(128, TrainerConfig.autoSyncEvery(469, 3));
    assertEquals(128, TrainerConfig.autoSyncEvery(469, 4));
    assertEquals(128, TrainerConfig.autoSyncEvery(469, 7));
    assertEquals(256, TrainerConfig.autoSyncEvery(469, 8));
    assertEquals(384, TrainerConfig.autoSyncEvery(469, 12));
  }

  @Test
  void theAutomaticKNeverExceedsTheEpoch() {
    assertEquals(235, TrainerConfig.autoSyncEvery(235, 16), "one round per epoch on 16");
    assertEquals(59, TrainerConfig.autoSyncEvery(59, 2));
    assertEquals(1, TrainerConfig.autoSyncEvery(0, 64), "an empty epoch still has k = 1");
  }

  @Test
  void anExplicitKAndPostLocalWarmUpOverrideTheRule() {
    TrainerConfig explicit = new TrainerConfig("t", 1, 128, 64, 1, 1, 0, 0);
    assertEquals(64, explicit.syncEvery(469, 8));
    TrainerConfig warm =
        new TrainerConfig("t", 3, 128, 0, 1, 1, 0, 0)
            .with(ScaleOut.DEFAULT.withSyncWarmupEpochs(1));
    assertEquals(1, warm.syncEvery(0, 469, 8), "k = 1 during the warm-up epoch");
    assertEquals(256, warm.syncEvery(1, 469, 8));
  }

  @Test
  void theRuleIsNamedOnlyWhereItDiffersFromTheOldFixedK() {
    assertNull(TrainerConfig.autoSyncEveryRule(1));
    assertEquals("256 local steps on 2 partitions", TrainerConfig.autoSyncEveryRule(2));
    assertNull(TrainerConfig.autoSyncEveryRule(4));
    assertEquals("32 local steps per partition", TrainerConfig.autoSyncEveryRule(8));
    assertEquals("32 local steps per partition", TrainerConfig.autoSyncEveryRule(200));
  }
}
