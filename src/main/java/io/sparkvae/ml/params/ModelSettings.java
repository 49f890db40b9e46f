// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeObjective;
import java.util.List;

/**
 * The {@code model.*} settings: the VAE's architecture and objective. Part of the {@link Settings}
 * registry.
 */
public final class ModelSettings {
  private ModelSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting MODEL_TYPE =
      D.choice(
          "model.type",
          "modelType",
          ModelType.values(),
          ModelType::configName,
          ModelType.MLP,
          "`mlp` (dense layers only) or `conv` (convolutions, then the `model.hidden` dense "
              + "layers; the decoder mirrors them with transposed convolutions); see "
              + "[Models](models.md)");
  public static final Setting MODEL_HIDDEN =
      D.setting(
          "model.hidden",
          "hiddenLayers",
          Setting.Type.INTS,
          "[400]",
          Rule.POSITIVE,
          "encoder hidden layer sizes; the decoder mirrors them. With `conv`: the dense layers "
              + "between the last convolution and the latent");
  public static final Setting MODEL_CONV_CHANNELS =
      D.setting(
          "model.conv.channels",
          "convChannels",
          Setting.Type.INTS,
          "[32, 64]",
          Rule.POSITIVE,
          "with `conv`: filters of each encoder convolution; the image geometry comes from the "
              + "data (`data.height`, `data.width`, `data.channels` or the IDX header)");
  public static final Setting MODEL_CONV_KERNEL =
      D.setting(
          "model.conv.kernel",
          "convKernel",
          Setting.Type.INT,
          "4",
          Rule.POSITIVE,
          "with `conv`: kernel size k (k × k filters) of every convolution");
  public static final Setting MODEL_CONV_STRIDE =
      D.setting(
          "model.conv.stride",
          "convStride",
          Setting.Type.INT,
          "2",
          Rule.POSITIVE,
          "with `conv`: stride of every convolution; each side must divide evenly, or training "
              + "stops naming a size that works");
  public static final Setting MODEL_CONV_PADDING =
      D.setting(
          "model.conv.padding",
          "convPadding",
          Setting.Type.INT,
          "1",
          Rule.NON_NEGATIVE,
          "with `conv`: zero padding on each side of every convolution (smaller than the "
              + "kernel)");
  public static final Setting MODEL_LATENT =
      D.setting(
          "model.latent",
          "latentSize",
          Setting.Type.INT,
          "20",
          Rule.POSITIVE,
          "latent dimension H");
  public static final Setting MODEL_ACTIVATION =
      D.choice(
          "model.activation",
          "activation",
          Activation.values(),
          Activation::configName,
          Activation.RELU,
          "hidden-layer activation: `relu`, `leaky-relu` or `tanh`");
  public static final Setting MODEL_LIKELIHOOD =
      D.choice(
          "model.likelihood",
          "likelihood",
          Likelihood.values(),
          Likelihood::configName,
          Likelihood.BERNOULLI,
          "`bernoulli` (pixels in [0, 1]), `gaussian` (N(x; x̂, I)) or "
              + "`gaussian-learned-variance`");
  public static final Setting MODEL_INIT =
      D.choice(
          "model.init",
          "initialization",
          VaeObjective.Init.values(),
          VaeObjective.Init::configName,
          VaeObjective.Init.UNIFORM,
          "weight initialization: `uniform` (PyTorch's default, ±1/√fan_in for weights and "
              + "biases), `he` (He-normal before ReLU-family layers, zero biases), `xavier` "
              + "(Xavier-uniform, zero biases); see [Performance](performance.md)");
  public static final Setting MODEL_BETA =
      D.setting(
          "model.beta",
          "beta",
          Setting.Type.DOUBLE,
          "1.0",
          Rule.NON_NEGATIVE,
          "weight β of the KL term in the training gradient (1 = the ELBO); reported figures "
              + "always use β = 1");
  public static final Setting MODEL_KL_WARMUP_EPOCHS =
      D.setting(
          "model.kl-warmup-epochs",
          "klWarmupEpochs",
          Setting.Type.DOUBLE,
          "0",
          Rule.NON_NEGATIVE,
          "epochs over which the KL weight ramps linearly from 0 to β (0 = no warm-up)");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
