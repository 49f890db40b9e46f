// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsCheckpointerTest {
  @TempDir Path dir;

  @Test
  void aSettingSavedAwayFromItsDefaultAndBackAtItNowIsRefusedOnResume() throws Exception {
    VaeObjective obj =
        new VaeObjective(
            new VaeArchitecture(16, new int[] {4}, 2, Activation.RELU, Likelihood.BERNOULLI));
    TrainingState s = SyncTrainer.initialState(obj, new Adam(1e-3), 1);
    s.requirePartitioning(new long[] {10, 10});
    String ck = dir.resolve("ck").toString();
    // The fingerprint names emaDecay only away from its old default (0): it was 0.997.
    new FsCheckpointer(
            new Configuration(), ck, Map.of("architecture", "a", "emaDecay", "0.997"), Set.of())
        .save(s);

    TrainingState same =
        new FsCheckpointer(
                new Configuration(), ck, Map.of("architecture", "a", "emaDecay", "0.997"), Set.of())
            .load();
    assertEquals(s.updates(), same.updates());

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new FsCheckpointer(new Configuration(), ck, Map.of("architecture", "a"), Set.of())
                    .load());
    assertTrue(e.getMessage().contains("emaDecay was 0.997, now its default"), e.getMessage());
  }
}
