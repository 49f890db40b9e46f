// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Layer;
import io.sparkvae.kernel.VaeObjective.Init;

/**
 * Draws a VAE's starting weights as {@link Init} says, layer by layer in a fixed order from one
 * keyed stream, so the result is a pure function of the seed.
 */
final class VaeInitializer {
  private final VaeArchitecture arch;
  private final Init init;

  VaeInitializer(VaeArchitecture arch, Init init) {
    this.arch = arch;
    this.init = init;
  }

  /** Overwrites {@code params}: weights and biases drawn, everything else (log-variances) zero. */
  void initialize(float[] params, long seed) {
    Rng rng = Rng.keyed(seed, VaeObjective.STREAM_INIT, 0, 0, 0);
    java.util.Arrays.fill(params, 0f);
    Layer[] enc = arch.encoderLayers();
    Layer[] dec = arch.decoderLayers();
    for (int i = 0; i < enc.length; i++) {
      initLayer(params, enc[i], i == enc.length - 1, rng);
    }
    for (int i = 0; i < dec.length; i++) {
      initLayer(params, dec[i], i == dec.length - 1, rng);
    }
  }

  private void initLayer(float[] p, Layer l, boolean output, Rng rng) {
    int n = l.in() * l.out();
    if (init == Init.UNIFORM) {
      double bound = 1.0 / Math.sqrt(l.in());
      for (int i = 0; i < n; i++) {
        p[l.weightOffset() + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
      }
      for (int i = 0; i < l.out(); i++) {
        p[l.biasOffset() + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
      }
      return;
    }
    if (init == Init.HE && !output && arch.activation() != Activation.TANH) {
      rng.fillGaussian(p, l.weightOffset(), n);
      float std = (float) Math.sqrt(2.0 / l.in());
      for (int i = 0; i < n; i++) {
        p[l.weightOffset() + i] *= std;
      }
    } else {
      double a = Math.sqrt(6.0 / (l.in() + l.out()));
      for (int i = 0; i < n; i++) {
        p[l.weightOffset() + i] = (float) ((2 * rng.nextDouble() - 1) * a);
      }
    }
  }
}
