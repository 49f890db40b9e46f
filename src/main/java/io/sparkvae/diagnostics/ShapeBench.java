// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import io.sparkvae.kernel.Kernel;
import io.sparkvae.kernel.Rng;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;

/**
 * The BLAS alone on a model's own matrix products: every sgemm one training step of {@link
 * VaeObjective} issues, with the same shapes and transposes, and nothing else. Dividing the
 * kernel's achieved GFLOP/s by this gives the share of time spent outside BLAS.
 */
public final class ShapeBench {
  private ShapeBench() {}

  /** GFLOP/s of the step's products, counted as {@link VaeArchitecture#flopsPerSample()}. */
  public static double sgemmGflops(VaeArchitecture arch, int batch, double seconds) {
    VaeArchitecture.Layer[] enc = arch.encoderLayers();
    VaeArchitecture.Layer[] dec = arch.decoderLayers();
    int width = arch.maxWidth();
    float[] params = new float[arch.numParams()];
    float[] grad = new float[arch.numParams()];
    Rng rng = new Rng(3);
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (rng.nextDouble() - 0.5) * 0.1f;
    }
    float[] x = new float[batch * width];
    float[] y = new float[batch * width];
    float[] d = new float[batch * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
      d[i] = (float) (rng.nextDouble() - 0.5) * 1e-2f;
    }
    Runnable step =
        () -> {
          for (VaeArchitecture.Layer l : enc) {
            Kernel.linearForward(x, batch, l.in(), params, l.weightOffset(), l.out(), y);
          }
          for (VaeArchitecture.Layer l : dec) {
            Kernel.linearForward(x, batch, l.in(), params, l.weightOffset(), l.out(), y);
          }
          for (int i = dec.length - 1; i >= 0; i--) {
            VaeArchitecture.Layer l = dec[i];
            Kernel.linearWeightGrad(x, batch, l.in(), d, l.out(), grad, l.weightOffset());
            Kernel.linearInputGrad(d, batch, l.out(), params, l.weightOffset(), l.in(), y);
          }
          for (int i = enc.length - 1; i >= 0; i--) {
            VaeArchitecture.Layer l = enc[i];
            Kernel.linearWeightGrad(x, batch, l.in(), d, l.out(), grad, l.weightOffset());
            if (i > 0) {
              Kernel.linearInputGrad(d, batch, l.out(), params, l.weightOffset(), l.in(), y);
            }
          }
        };
    for (int i = 0; i < 20; i++) {
      step.run();
    }
    long steps = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long now;
    do {
      step.run();
      steps++;
      now = System.nanoTime();
    } while (now < deadline);
    return (double) arch.flopsPerSample() * batch * steps / ((now - start) / 1e9) / 1e9;
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
