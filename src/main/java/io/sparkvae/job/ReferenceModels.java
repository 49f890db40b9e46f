// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.ml.VariationalAutoencoder;
import java.util.List;
import java.util.Locale;

/**
 * The two reference models the benchmarks measure, named by {@code --model}: the MLP 784-400-20 and
 * the convolutional VAE of {@code conf/fashion-mnist-conv.conf} (conv 32-64, k4 s2 p1, dense 256, H
 * = 20), both Bernoulli with ReLU.
 */
enum ReferenceModels {
  MLP,
  CONV;

  static ReferenceModels parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserError("--model must be mlp or conv, got '" + name + "'");
    }
  }

  /** The architecture for images of {@code height × width × channels}. */
  VaeArchitecture architecture(int height, int width, int channels) {
    if (this == MLP) {
      return new VaeArchitecture(
          height * width * channels, new int[] {400}, 20, Activation.RELU, Likelihood.BERNOULLI);
    }
    return VaeArchitecture.conv(
        new VaeArchitecture.Conv(height, width, channels, List.of(32, 64), 4, 2, 1),
        new int[] {256},
        20,
        Activation.RELU,
        Likelihood.BERNOULLI);
  }

  /** Sets the estimator's model params to this reference model. */
  VariationalAutoencoder configure(VariationalAutoencoder est, int height, int width, int ch) {
    if (this == MLP) {
      return est.setHiddenLayers(new int[] {400}).setLatentSize(20);
    }
    return est.setModelType("conv")
        .setConvChannels(new int[] {32, 64})
        .setConvKernel(4)
        .setConvStride(2)
        .setConvPadding(1)
        .setHiddenLayers(new int[] {256})
        .setLatentSize(20)
        .setImageShape(new int[] {height, width, ch});
  }
}
