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
final class ConfiguredArchitecture {
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
    List<String> d = new ArrayList<>();
    VaeArchitecture.Conv a = want.conv();
    VaeArchitecture.Conv b = have.conv();
    if ((a == null) != (b == null)) {
      d.add("model.type = " + (a == null ? "mlp" : "conv") + " vs " + (b == null ? "mlp" : "conv"));
    } else if (a != null) {
      diff(d, "model.conv.channels", a.filters(), b.filters());
      diff(d, "model.conv.kernel", a.kernel(), b.kernel());
      diff(d, "model.conv.stride", a.stride(), b.stride());
      diff(d, "model.conv.padding", a.padding(), b.padding());
      diff(
          d,
          "image shape (data.height × data.width × data.channels)",
          a.height() + "×" + a.width() + "×" + a.channels(),
          b.height() + "×" + b.width() + "×" + b.channels());
    }
    if (a == null && b == null) {
      diff(d, "input size", want.inputDim(), have.inputDim());
    }
    diff(d, "model.hidden", Arrays.toString(want.hidden()), Arrays.toString(have.hidden()));
    diff(d, "model.latent", want.latent(), have.latent());
    diff(d, "model.activation", want.activation().configName(), have.activation().configName());
    diff(d, "model.likelihood", want.likelihood().configName(), have.likelihood().configName());
    return d;
  }

  private static void diff(List<String> d, String name, Object want, Object have) {
    if (!want.equals(have)) {
      d.add(name + " = " + want + " vs " + have);
    }
  }
}
