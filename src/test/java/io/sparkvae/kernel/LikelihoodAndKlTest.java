// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LikelihoodAndKlTest {

  /** A model with no hidden layers whose decoder ignores z: logits are exactly the output bias. */
  private static float[] constantDecoder(
      VaeArchitecture arch, float[] logits, float[] mu, float[] logVar) {
    float[] p = new float[arch.numParams()];
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      if (t.name().equals("decoder.out.bias")) {
        System.arraycopy(logits, 0, p, t.offset(), logits.length);
      }
      if (t.name().equals("encoder.out.bias")) {
        System.arraycopy(mu, 0, p, t.offset(), mu.length);
        System.arraycopy(logVar, 0, p, t.offset() + mu.length, logVar.length);
      }
    }
    return p;
  }

  @Test
  void bernoulliMatchesDirectFormulaWhereStableAndStaysFiniteAtExtremeLogits() {
    float[] logits = {-3f, -0.5f, 0f, 0.7f, 4f, 100f, -100f, 100f, -100f};
    float[] x = {0f, 1f, 0.25f, 0.5f, 1f, 1f, 0f, 0f, 1f};
    int d = logits.length;
    VaeArchitecture arch =
        new VaeArchitecture(d, new int[0], 2, Activation.RELU, Likelihood.BERNOULLI);
    VaeObjective obj = new VaeObjective(arch);
    float[] p = constantDecoder(arch, logits, new float[2], new float[2]);
    VaeObjective.Workspace ws = obj.newWorkspace(1, 1);
    double[] recon = new double[1];
    double[] kl = new double[1];
    ws.rowLosses(p, x, 1, new Rng(1), recon, kl);

    double expected = 0;
    for (int j = 0; j < 5; j++) { // moderate logits: the textbook formula is exact enough
      double s = 1 / (1 + Math.exp(-logits[j]));
      expected -= x[j] * Math.log(s) + (1 - x[j]) * Math.log(1 - s);
    }
    // Extreme logits, by hand: l=100,x=1 -> ~0; l=-100,x=0 -> ~0; l=100,x=0 -> 100; l=-100,x=1 ->
    // 100.
    expected += 0 + 0 + 100 + 100;
    assertTrue(Double.isFinite(recon[0]));
    assertEquals(expected, recon[0], 1e-5);

    float[] grad = new float[p.length];
    double[] sums = new double[3];
    ws.lossAndGradient(p, x, 1, new float[2], 1f, grad, sums);
    for (float g : grad) {
      assertTrue(Float.isFinite(g), "gradient finite at logits of ±100");
    }
    // ∂/∂logit = sigmoid(l) − x: −1 where l = −100 and x = 1.
    int bias =
        arch.tensors().stream()
            .filter(t -> t.name().equals("decoder.out.bias"))
            .findFirst()
            .orElseThrow()
            .offset();
    assertEquals(-1f, grad[bias + 8], 1e-6f);
    assertEquals(1f, grad[bias + 7], 1e-6f);
  }

  @Test
  void closedFormKlMatchesMonteCarlo() {
    float[] mu = {0.8f, -1.3f, 0.1f};
    float[] logVar = {-0.7f, 0.4f, -2.0f};
    VaeArchitecture arch =
        new VaeArchitecture(2, new int[0], 3, Activation.RELU, Likelihood.GAUSSIAN);
    VaeObjective obj = new VaeObjective(arch);
    float[] p = constantDecoder(arch, new float[2], mu, logVar);
    double[] recon = new double[1];
    double[] kl = new double[1];
    obj.newWorkspace(1, 1).rowLosses(p, new float[2], 1, new Rng(2), recon, kl);

    // E_q[log q(z) − log p(z)] by sampling z = μ + σ ε.
    Rng rng = new Rng(3);
    int samples = 400_000;
    float[] eps = new float[3];
    double sum = 0;
    double sumSq = 0;
    for (int s = 0; s < samples; s++) {
      rng.fillGaussian(eps, 0, 3);
      double v = 0;
      for (int j = 0; j < 3; j++) {
        double sigma = Math.exp(0.5 * logVar[j]);
        double z = mu[j] + sigma * eps[j];
        double logQ = -0.5 * (eps[j] * eps[j] + logVar[j] + Math.log(2 * Math.PI));
        double logP = -0.5 * (z * z + Math.log(2 * Math.PI));
        v += logQ - logP;
      }
      sum += v;
      sumSq += v * v;
    }
    double mean = sum / samples;
    double se = Math.sqrt((sumSq / samples - mean * mean) / samples);
    assertEquals(mean, kl[0], 4 * se, "closed-form KL within 4 standard errors of Monte Carlo");
    assertTrue(se < 0.01, "Monte Carlo precise enough to mean something: se=" + se);
  }
}
