// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import org.junit.jupiter.api.Test;

class ConvSpeedProbeTest {
  @Test
  void probe() {
    VaeArchitecture arch =
        VaeArchitecture.conv(
            new VaeArchitecture.Conv(28, 28, 1, java.util.List.of(32, 64), 4, 2, 1),
            new int[] {256},
            20,
            Activation.RELU,
            Likelihood.BERNOULLI);
    VaeObjective obj = new VaeObjective(arch);
    Rng rng = new Rng(11);
    int rows = 128 * 40;
    float[] data = new float[rows * 784];
    for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextDouble();
    for (int b : new int[] {128, 64}) {
      LocalTrainer t = new LocalTrainer(obj, new Adam(1e-3), b, 5, 0);
      t.trainEpoch(Rows.of(new FloatRows(data, rows, 784)), 0);
      LocalTrainer.EpochStats s = t.trainEpoch(Rows.of(new FloatRows(data, rows, 784)), 1);
      double gf = arch.flopsPerSample() * s.samplesPerSecond() / 1e9;
      double peak = io.sparkvae.diagnostics.ShapeBench.sgemmGflops(arch, b, 2.0);
      System.out.printf(
          "PROBE batch %d: %.0f samples/s, %.1f GFLOP/s, shapes-alone %.1f GFLOP/s, ratio %.2f, MFLOP/sample %.1f%n",
          b, s.samplesPerSecond(), gf, peak, gf / peak, arch.flopsPerSample() / 1e6);
    }
  }
}
