// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import io.sparkvae.kernel.Kernel;
import io.sparkvae.kernel.Layer;
import io.sparkvae.kernel.Rng;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import java.util.ArrayList;
import java.util.List;

/**
 * The BLAS alone on a model's own matrix products: every sgemm one training step of {@link
 * VaeObjective} issues, with the same shapes and transposes, and nothing else. Dividing the
 * kernel's achieved GFLOP/s by this gives the share of time spent outside BLAS.
 */
public final class ShapeBench {
  private ShapeBench() {}

  /** GFLOP/s of the step's products, counted as {@link VaeArchitecture#flopsPerSample()}. */
  public static double sgemmGflops(VaeArchitecture arch, int batch, double seconds) {
    return sgemmSpeeds(arch, batch, seconds)[0];
  }

  /** {@link #sgemmGflops} by the wall clock and by this thread's CPU time. */
  public static double[] sgemmSpeeds(VaeArchitecture arch, int batch, double seconds) {
    List<Layer.Gemm> gemms = new ArrayList<>();
    List<VaeArchitecture.Stage> enc = arch.encoder();
    for (int i = 0; i < enc.size(); i++) {
      gemms.addAll(enc.get(i).layer().gemms(batch, i > 0));
    }
    for (VaeArchitecture.Stage st : arch.decoder()) {
      gemms.addAll(st.layer().gemms(batch, true));
    }
    long size = 1;
    for (Layer.Gemm g : gemms) {
      size =
          Math.max(
              size,
              Math.max((long) g.m() * g.k(), Math.max((long) g.k() * g.n(), (long) g.m() * g.n())));
    }
    Rng rng = new Rng(3);
    float[] a = new float[(int) size];
    float[] b = new float[(int) size];
    float[] c = new float[(int) size];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rng.nextDouble() - 0.5) * 0.1f;
      b[i] = (float) (rng.nextDouble() - 0.5) * 0.1f;
    }
    Runnable step =
        () -> {
          for (Layer.Gemm g : gemms) {
            Kernel.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), a, b, c);
          }
        };
    for (int i = 0; i < 20; i++) {
      step.run();
    }
    long steps = 0;
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long now;
    do {
      step.run();
      steps++;
      now = System.nanoTime();
    } while (now < deadline);
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    double flops = (double) arch.flopsPerSample() * batch * steps;
    return new double[] {flops / (now - start), flops / cpu};
  }

  /** Number of subnormal (denormal) floats in {@code a}. */
  public static long countSubnormal(float[] a) {
    long c = 0;
    for (float v : a) {
      if (v != 0f && Math.abs(v) < Float.MIN_NORMAL) {
        c++;
      }
    }
    return c;
  }
}
