// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.ml.params.ModelType;
import io.sparkvae.ml.params.VaeEstimatorParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The architecture an estimator's {@code model.*} params describe, and the check that a warm-start
 * model has it. Errors name the config keys, since that is where a user fixes them.
 */
public final class ConfiguredArchitecture {
  private ConfiguredArchitecture() {}

  /**
   * The architecture for rows of {@code inputDim} values; a conv model also needs {@code
   * imageShape} (height, width, channels), whose product must be {@code inputDim}.
   */
  static VaeArchitecture of(VaeEstimatorParams p, int[] imageShape, int inputDim) {
    int[] hidden = p.getHiddenLayers();
    int latent = p.getLatentSize();
    Activation act = Activation.fromName(p.getActivation());
    Likelihood lik = Likelihood.fromName(p.getLikelihood());
    if (!isConvolutional(p)) {
      return new VaeArchitecture(inputDim, hidden, latent, act, lik);
    }
    if (imageShape == null) {
      throw new IllegalArgumentException(
          "model.type = conv needs the images' height, width and channels: set data.height, "
              + "data.width and data.channels (IDX files and image folders give them), or call "
              + "setImageShape(new int[] {height, width, channels}) on the estimator");
    }
    int h = imageShape[0];
    int w = imageShape[1];
    int c = imageShape[2];
    if ((long) h * w * c != inputDim) {
      throw new IllegalArgumentException(
          "model.type = conv: the image shape "
              + h
              + "×"
              + w
              + "×"
              + c
              + " has "
              + (long) h * w * c
              + " values but the rows have "
              + inputDim
              + "; set data.height, data.width and data.channels to the data's geometry");
    }
    try {
      return VaeArchitecture.conv(
          new VaeArchitecture.Conv(
              h,
              w,
              c,
              Arrays.stream(p.getConvChannels()).boxed().toList(),
              p.getConvKernel(),
              p.getConvStride(),
              p.getConvPadding()),
          hidden,
          latent,
          act,
          lik);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "model.type = conv: the "
              + h
              + "×"
              + w
              + " images (data.height × data.width) do not fit model.conv.channels = "
              + Arrays.toString(p.getConvChannels())
              + ", model.conv.kernel = "
              + p.getConvKernel()
              + ", model.conv.stride = "
              + p.getConvStride()
              + ", model.conv.padding = "
              + p.getConvPadding()
              + ": "
              + e.getMessage()
              + (e.getMessage().contains("Resize")
                  ? " (image folders are resized by data.height and data.width)"
                  : ""),
          e);
    }
  }

  static boolean isConvolutional(VaeEstimatorParams p) {
    return ModelType.fromName(p.getModelType()) == ModelType.CONV;
  }

  /** Refuses a warm-start model whose architecture is not {@code arch}, naming what differs. */
  static void checkWarmStart(VaeArchitecture arch, VariationalAutoencoderModel init) {
    if (init != null && !arch.equals(init.architecture())) {
      throw new IllegalArgumentException(
          "train.init-model: the warm-start model is "
              + init.architecture().describe()
              + " but the configuration describes "
              + arch.describe()
              + " ("
              + String.join("; ", differences(arch, init.architecture()))
              + ", configured vs saved); use the same model.* settings");
    }
  }

  /**
   * What differs between the configured architecture and a warm-start model's, naming the settings
   * (configured vs saved); empty when they are equal.
   */
  static List<String> differences(VaeArchitecture want, VaeArchitecture have) {
    List<String> d = Spec.of(want).differences(Spec.of(have));
    VaeArchitecture.Conv a = want.conv();
    VaeArchitecture.Conv b = have.conv();
    if (a != null && b != null) {
      diff(
          d,
          "image shape (data.height × data.width × data.channels)",
          a.height() + "×" + a.width() + "×" + a.channels(),
          b.height() + "×" + b.width() + "×" + b.channels());
    } else if (a == null && b == null) {
      diff(d, "input size", want.inputDim(), have.inputDim());
    }
    return d;
  }

  /**
   * What differs between the {@code model.*} params and a saved architecture, before the data give
   * the image geometry: model type, convolutions, layer sizes, activation and likelihood.
   */
  public static List<String> settingDifferences(VaeEstimatorParams p, VaeArchitecture saved) {
    return Spec.of(p).differences(Spec.of(saved));
  }

  /** The settings an architecture is built from, less the geometry the data give. */
  private record Spec(
      boolean conv,
      List<Integer> filters,
      int kernel,
      int stride,
      int padding,
      String hidden,
      int latent,
      String activation,
      String likelihood) {
    static Spec of(VaeEstimatorParams p) {
      return new Spec(
          isConvolutional(p),
          Arrays.stream(p.getConvChannels()).boxed().toList(),
          p.getConvKernel(),
          p.getConvStride(),
          p.getConvPadding(),
          Arrays.toString(p.getHiddenLayers()),
          p.getLatentSize(),
          Activation.fromName(p.getActivation()).configName(),
          Likelihood.fromName(p.getLikelihood()).configName());
    }

    static Spec of(VaeArchitecture a) {
      VaeArchitecture.Conv c = a.conv();
      return new Spec(
          c != null,
          c == null ? List.of() : c.filters(),
          c == null ? 0 : c.kernel(),
          c == null ? 0 : c.stride(),
          c == null ? 0 : c.padding(),
          Arrays.toString(a.hidden()),
          a.latent(),
          a.activation().configName(),
          a.likelihood().configName());
    }

    List<String> differences(Spec saved) {
      List<String> d = new ArrayList<>();
      if (conv != saved.conv) {
        d.add("model.type = " + type(conv) + " vs " + type(saved.conv));
      } else if (conv) {
        diff(d, "model.conv.channels", filters, saved.filters);
        diff(d, "model.conv.kernel", kernel, saved.kernel);
        diff(d, "model.conv.stride", stride, saved.stride);
        diff(d, "model.conv.padding", padding, saved.padding);
      }
      diff(d, "model.hidden", hidden, saved.hidden);
      diff(d, "model.latent", latent, saved.latent);
      diff(d, "model.activation", activation, saved.activation);
      diff(d, "model.likelihood", likelihood, saved.likelihood);
      return d;
    }

    private static String type(boolean conv) {
      return conv ? "conv" : "mlp";
    }
  }

  private static void diff(List<String> d, String name, Object want, Object have) {
    if (!want.equals(have)) {
      d.add(name + " = " + want + " vs " + have);
    }
  }
}
