// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.Samples;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrainingTest {

  private static VaeArchitecture smallModel() {
    return new VaeArchitecture(784, new int[] {128}, 10, Activation.RELU, Likelihood.BERNOULLI);
  }

  /** Mean −ELBO of the first rows of {@code data} at {@code params}, with fixed noise. */
  private static double meanNegElbo(VaeObjective obj, float[] params, Rows data, int n) {
    VaeObjective.Workspace ws = obj.newWorkspace(n, 1);
    float[] x = new float[n * data.width()];
    data.copyRange(0, n, x);
    double[] recon = new double[n];
    double[] kl = new double[n];
    ws.rowLosses(params, x, n, new Rng(5), recon, kl);
    double s = 0;
    for (int r = 0; r < n; r++) {
      s += recon[r] + kl[r];
    }
    return s / n;
  }

  @Test
  void trainingOnTheBundledSampleLowersNegElboClearly() {
    Rows train = Rows.of(Samples.trainImages());
    Rows test = Rows.of(Samples.testImages());
    VaeObjective obj = new VaeObjective(smallModel());
    LocalTrainer trainer = new LocalTrainer(obj, new Adam(1e-3), 64, 7, 0);
    double before = meanNegElbo(obj, trainer.params(), test, 500);
    LocalTrainer.EpochStats first = trainer.trainEpoch(train, 0);
    LocalTrainer.EpochStats last = first;
    for (int e = 1; e < 4; e++) {
      last = trainer.trainEpoch(train, e);
    }
    double after = meanNegElbo(obj, trainer.params(), test, 500);
    // 784 pixels at p = ½ cost 784·ln 2 ≈ 543 nats; a model that learned anything is far below.
    assertTrue(before > 500, "untrained −ELBO " + before);
    assertTrue(after < 0.65 * before, "test −ELBO " + before + " -> " + after);
    assertTrue(last.meanLosses()[0] < first.meanLosses()[0], "train −ELBO fell across epochs");
    assertEquals(last.meanLosses()[0], last.meanLosses()[1] + last.meanLosses()[2], 1e-6);
  }

  @Test
  void sameSeedGivesBitIdenticalParametersAndAnotherSeedDoesNot() {
    Rows train = Rows.of(Samples.head(Samples.trainImages(), 400));
    float[][] runs = new float[3][];
    long[] seeds = {42, 42, 43};
    for (int i = 0; i < 3; i++) {
      LocalTrainer t =
          new LocalTrainer(
              new VaeObjective(smallModel(), 1.0, 1.0, 2), new Adam(1e-3), 50, seeds[i], 5.0);
      t.trainEpoch(train, 0);
      t.trainEpoch(train, 1);
      runs[i] = t.params().clone();
    }
    assertArrayEquals(runs[0], runs[1]);
    assertFalse(Arrays.equals(runs[0], runs[2]));
  }

  @Test
  void importanceWeightedBoundIsAboveTheElboAndTightensWithK() {
    Rows train = Rows.of(Samples.trainImages());
    VaeObjective obj = new VaeObjective(smallModel());
    LocalTrainer trainer = new LocalTrainer(obj, new Adam(1e-3), 64, 3, 0);
    trainer.trainEpoch(train, 0);
    trainer.trainEpoch(train, 1);
    float[] p = trainer.params();
    int n = 200;
    Rows test = Rows.of(Samples.testImages());
    float[] x = new float[n * 784];
    test.copyRange(0, n, x);
    VaeObjective.Workspace ws = obj.newWorkspace(n, 50);

    double elbo = -meanNegElbo(obj, p, test, n);
    double[] bound = new double[3];
    int[] ks = {1, 10, 100};
    for (int i = 0; i < ks.length; i++) {
      double[] out = new double[n];
      ws.importanceWeighted(p, x, n, ks[i], new Rng(100 + i), out);
      bound[i] = Arrays.stream(out).average().orElseThrow();
    }
    // K = 1 is an unbiased single-sample ELBO estimate; larger K is tighter (higher).
    assertEquals(elbo, bound[0], 3.0, "IWAE with K=1 estimates the ELBO");
    assertTrue(bound[1] > elbo, "K=10 above the ELBO: " + bound[1] + " vs " + elbo);
    assertTrue(bound[2] > bound[1], "K=100 tighter than K=10: " + bound[2] + " vs " + bound[1]);
  }
}
