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
    int n = 128;
    float[] p = new float[arch.numParams()];
    new VaeObjective(arch).initialize(p, 1);
    float[] g = new float[p.length];
    for (java.util.List<VaeArchitecture.Stage> net :
        java.util.List.of(arch.encoder(), arch.decoder())) {
      for (int i = 0; i < net.size(); i++) {
        Layer l = net.get(i).layer();
        float[] x = new float[n * l.inSize()];
        for (int j = 0; j < x.length; j++) x[j] = (float) Math.sin(j);
        float[] y = new float[n * l.outSize()];
        float[] dy = new float[n * l.outSize()];
        for (int j = 0; j < dy.length; j++) dy[j] = (float) Math.cos(j) * 1e-3f;
        float[] dx = new float[n * l.inSize()];
        float[][] s = l.newScratch(n);
        long tf = 0, tb = 0;
        for (int it = 0; it < 30; it++) {
          long t0 = System.nanoTime();
          boolean r = l.forward(p, x, n, y, s);
          long t1 = System.nanoTime();
          l.backward(p, x, dy, n, g, dx, s, r);
          long t2 = System.nanoTime();
          if (it >= 10) {
            tf += t1 - t0;
            tb += t2 - t1;
          }
        }
        double macs = l.forwardMacs() * (double) n;
        System.out.printf(
            "PROBE %-22s fwd %6.2f ms (%5.1f GF/s)  bwd %6.2f ms (%5.1f GF/s)%n",
            l.describe(),
            tf / 20 / 1e6,
            2 * macs / (tf / 20.0),
            tb / 20 / 1e6,
            4 * macs / (tb / 20.0));
      }
    }
    // the gemms alone
    for (VaeArchitecture.Stage st : arch.encoder())
      for (Layer.Gemm gm : st.layer().gemms(n, true)) time(gm);
    for (VaeArchitecture.Stage st : arch.decoder())
      for (Layer.Gemm gm : st.layer().gemms(n, true)) time(gm);
  }

  static void time(Layer.Gemm g) {
    float[] a = new float[g.m() * g.k()],
        b = new float[g.k() * g.n()],
        c = new float[g.m() * g.n()];
    long t = 0;
    for (int it = 0; it < 30; it++) {
      long t0 = System.nanoTime();
      Kernel.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), a, b, c);
      if (it >= 10) t += System.nanoTime() - t0;
    }
    System.out.printf(
        "PROBE gemm %-28s %5d x %5d x %5d  %6.2f ms %5.1f GF/s%n",
        g.what(), g.m(), g.n(), g.k(), t / 20 / 1e6, g.flops() / (t / 20.0));
  }
}
