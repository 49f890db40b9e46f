// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import org.junit.jupiter.api.Test;

class TrainerWorkerTest {
  private static final VaeObjective OBJ =
      new VaeObjective(
          new VaeArchitecture(784, new int[] {16}, 4, Activation.RELU, Likelihood.BERNOULLI));

  @Test
  void aThreadsScratchIsReusedForSmallerStepsAndGrownForLargerOnes() {
    // Another objective first, so that this thread holds no scratch for OBJ from earlier tests.
    TrainerWorker.scratch(
        new VaeObjective(
            new VaeArchitecture(4, new int[] {2}, 1, Activation.RELU, Likelihood.BERNOULLI)),
        1);
    TrainerWorker.Scratch big = TrainerWorker.scratch(OBJ, 128);
    assertEquals(128, big.maxRows);
    assertSame(big, TrainerWorker.scratch(OBJ, 64), "64 rows fit in the scratch for 128");
    TrainerWorker.Scratch bigger = TrainerWorker.scratch(OBJ, 256);
    assertNotSame(big, bigger);
    assertEquals(256, bigger.maxRows);
    assertEquals(256 * 784, bigger.batch.length);
  }

  @Test
  void aStepTooLargeForOneJavaArrayIsAClearErrorNotANegativeArraySize() {
    // 3,000,000 rows × 784 floats = 2.35e9 > 2³¹ − 1: an int product would wrap negative.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new TrainerWorker.Scratch(OBJ, 3_000_000));
    assertTrue(e.getMessage().contains("3000000 rows of 784 floats"), e.getMessage());
    assertTrue(e.getMessage().contains("smaller batch"), e.getMessage());
  }
}
