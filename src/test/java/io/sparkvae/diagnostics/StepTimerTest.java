// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.testing.Samples;
import org.junit.jupiter.api.Test;

class StepTimerTest {
  private static final VaeArchitecture ARCH =
      new VaeArchitecture(784, new int[] {8}, 2, Activation.RELU, Likelihood.BERNOULLI);

  @Test
  void twoThreadsSteppingAtOnceReportAWallAndACpuTimePerStep() throws Exception {
    ByteRows rows = Samples.trainImages();
    StepTimer.Timing t =
        StepTimer.secondsPerStep(
            () -> new VaeObjective(ARCH), () -> new Adam(1e-3), rows, 4, 8, 3, 2);
    assertTrue(t.wallSeconds() > 0 && Double.isFinite(t.wallSeconds()), t.toString());
    assertTrue(t.cpuSeconds() > 0 && Double.isFinite(t.cpuSeconds()), t.toString());
  }

  @Test
  void aStepLargerThanTheDataIsRefused() {
    ByteRows three = new ByteRows(new byte[3 * 784], 3, 784);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StepTimer.secondsPerStep(
                    () -> new VaeObjective(ARCH), () -> new Adam(1e-3), three, 4, 8, 1, 1));
    assertTrue(e.getMessage().contains("4 rows"), e.getMessage());
  }
}
