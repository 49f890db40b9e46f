// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

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
    for (VaeArchitecture.Stage st : arch.encoder()) {
      initLayer(params, st, rng);
    }
    for (VaeArchitecture.Stage st : arch.decoder()) {
      initLayer(params, st, rng);
    }
  }

  /** Layer by layer; a layer without weights (a reshape) draws nothing. */
  private void initLayer(float[] p, VaeArchitecture.Stage st, Rng rng) {
    Layer l = st.layer();
    int n = l.weightCount();
    if (n == 0) {
      return;
    }
    if (init == Init.UNIFORM) {
      double bound = 1.0 / Math.sqrt(l.fanIn());
      for (int i = 0; i < n; i++) {
        p[l.weightOffset() + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
      }
      for (int i = 0; i < l.biasCount(); i++) {
        p[l.biasOffset() + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
      }
      return;
    }
    if (init == Init.HE && st.activated() && arch.activation() != Activation.TANH) {
      rng.fillGaussian(p, l.weightOffset(), n);
      float std = (float) Math.sqrt(2.0 / l.fanIn());
      for (int i = 0; i < n; i++) {
        p[l.weightOffset() + i] *= std;
      }
    } else {
      double a = Math.sqrt(6.0 / (l.fanIn() + l.fanOut()));
      for (int i = 0; i < n; i++) {
        p[l.weightOffset() + i] = (float) ((2 * rng.nextDouble() - 1) * a);
      }
    }
  }
}
