// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The shape of a VAE and the layout of its single flat parameter vector.
 *
 * <p>An MLP (the default): encoder D → hidden[0] → … → hidden[k-1] → 2H, whose first H outputs are
 * μ and last H are log σ²; decoder H → hidden[k-1] → … → hidden[0] → D (the mirror image).
 *
 * <p>A convolutional VAE ({@link #conv}): the encoder is stride-s convolutions through {@code
 * filters[0..]}, a flatten, then the dense {@code hidden} layers and the 2H output; the decoder
 * mirrors it: dense layers up to the last convolution's size, a reshape, and transposed
 * convolutions back to the image, the last one giving the pixel logits or means.
 *
 * <p>Every layer's weight (in PyTorch's layout) is immediately followed by its bias, in stage
 * order, so the flat vector is exactly the concatenation of the tensors listed by {@link
 * #tensors()}; a Gaussian decoder with learned variance appends one log-variance per pixel.
 *
 * <p>The constructor validates every size, so an instance always describes a buildable model.
 */
public final class VaeArchitecture implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A named slice of the flat vector: {@code shape} in row-major order starting at {@code offset}.
   */
  public record Tensor(String name, int offset, int[] shape) implements Serializable {
    public int size() {
      int s = 1;
      for (int d : shape) {
        s *= d;
      }
      return s;
    }
  }

  /** A layer and whether the model's activation follows it. */
  public record Stage(Layer layer, boolean activated) implements Serializable {}

  /**
   * The convolutional part of a model: the image it reads ({@code height × width × channels},
   * channels-last like the data's rows), the encoder's filter counts, and one kernel size, stride
   * and padding for every convolution.
   */
  public record Conv(
      int height,
      int width,
      int channels,
      List<Integer> filters,
      int kernel,
      int stride,
      int padding)
      implements Serializable {
    public Conv {
      filters = List.copyOf(filters);
      if (filters.isEmpty()) {
        throw new IllegalArgumentException("a convolutional model needs at least one filter count");
      }
      for (int f : filters) {
        if (f < 1) {
          throw new IllegalArgumentException("filter counts must be positive, got " + filters);
        }
      }
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("images have 1 or 3 channels, got " + channels);
      }
    }

    /** For example {@code 28×28×1 conv[32, 64] k4 s2 p1}. */
    public String describe() {
      return height + "×" + width + "×" + channels + " conv" + filters + " k" + kernel + " s"
          + stride + " p" + padding;
    }
  }

  private final int inputDim;
  private final int[] hidden;
  private final int latent;
  private final Activation activation;
  private final Likelihood likelihood;
  private final Conv conv;
  private final List<Stage> encoder;
  private final List<Stage> decoder;
  private final int logVarianceOffset;
  private final int numParams;
  private final List<Tensor> tensors;

  /** An MLP VAE on rows of {@code inputDim} values. */
  public VaeArchitecture(
      int inputDim, int[] hidden, int latent, Activation activation, Likelihood likelihood) {
    this(inputDim, hidden, latent, activation, likelihood, null);
  }

  /** A convolutional VAE on the images {@code conv} describes. */
  public static VaeArchitecture conv(
      Conv conv, int[] hidden, int latent, Activation activation, Likelihood likelihood) {
    if (conv == null) {
      throw new IllegalArgumentException("convolution settings must be given");
    }
    return new VaeArchitecture(
        conv.height() * conv.width() * conv.channels(),
        hidden,
        latent,
        activation,
        likelihood,
        conv);
  }

  private VaeArchitecture(
      int inputDim,
      int[] hidden,
      int latent,
      Activation activation,
      Likelihood likelihood,
      Conv conv) {
    if (inputDim <= 0) {
      throw new IllegalArgumentException("input dimension must be positive, got " + inputDim);
    }
    if (latent <= 0) {
      throw new IllegalArgumentException("latent size must be positive, got " + latent);
    }
    if (hidden == null) {
      throw new IllegalArgumentException("hidden sizes must not be null (use an empty list)");
    }
    for (int h : hidden) {
      if (h <= 0) {
        throw new IllegalArgumentException(
            "hidden layer sizes must be positive, got " + Arrays.toString(hidden));
      }
    }
    if (activation == null || likelihood == null) {
      throw new IllegalArgumentException("activation and likelihood must be given");
    }
    this.inputDim = inputDim;
    this.hidden = hidden.clone();
    this.latent = latent;
    this.activation = activation;
    this.likelihood = likelihood;
    this.conv = conv;

    StackBuilder b = new StackBuilder();
    if (conv == null) {
      b.mlp(inputDim, this.hidden, latent);
    } else {
      b.conv(conv, this.hidden, latent);
    }
    encoder = List.copyOf(b.encoder);
    decoder = List.copyOf(b.decoder);
    List<Tensor> ts = new ArrayList<>();
    for (Stage st : encoder) {
      ts.addAll(st.layer().tensors());
    }
    for (Stage st : decoder) {
      ts.addAll(st.layer().tensors());
    }
    long offset = b.offset;
    if (likelihood == Likelihood.GAUSSIAN_LEARNED_VARIANCE) {
      logVarianceOffset = (int) offset;
      ts.add(new Tensor("decoder.log_var", logVarianceOffset, new int[] {inputDim}));
      offset += inputDim;
    } else {
      logVarianceOffset = -1;
    }
    if (offset > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "model has " + offset + " parameters; one flat float array holds at most 2^31 - 17");
    }
    numParams = (int) offset;
    tensors = Collections.unmodifiableList(ts);
  }

  /** Lays the stages out in the flat vector, in order. */
  private static final class StackBuilder {
    final List<Stage> encoder = new ArrayList<>();
    final List<Stage> decoder = new ArrayList<>();
    long offset;

    private void add(List<Stage> to, Layer l, boolean activated) {
      to.add(new Stage(l, activated));
      offset += l.numParams();
      if (offset > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            "model has over "
                + offset
                + " parameters; one flat float array holds at most 2^31 - 17");
      }
    }

    private Dense dense(String name, int in, int out) {
      if ((long) in * out + out > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException(
            name + " is " + in + "×" + out + "; one flat float array holds at most 2^31 - 17");
      }
      return new Dense(name, in, out, (int) offset);
    }

    void mlp(int inputDim, int[] hidden, int latent) {
      int k = hidden.length;
      int in = inputDim;
      for (int i = 0; i <= k; i++) {
        int out = i < k ? hidden[i] : 2 * latent;
        add(encoder, dense(i < k ? "encoder." + i : "encoder.out", in, out), i < k);
        in = out;
      }
      in = latent;
      for (int i = 0; i <= k; i++) {
        int out = i < k ? hidden[k - 1 - i] : inputDim;
        add(decoder, dense(i < k ? "decoder." + i : "decoder.out", in, out), i < k);
        in = out;
      }
    }

    void conv(Conv c, int[] hidden, int latent) {
      List<ConvGeometry> gs = ConvPlan.geometries(c);
      for (int i = 0; i < gs.size(); i++) {
        add(encoder, new Conv2d("encoder.conv." + i, gs.get(i), (int) offset), true);
      }
      ConvGeometry last = gs.get(gs.size() - 1);
      int flat = last.smallSize();
      add(encoder, new Reshape(last.oh(), last.ow(), last.cSmall(), true), false);
      int in = flat;
      for (int i = 0; i < hidden.length; i++) {
        add(encoder, dense("encoder.dense." + i, in, hidden[i]), true);
        in = hidden[i];
      }
      add(encoder, dense("encoder.out", in, 2 * latent), false);
      in = latent;
      for (int i = 0; i <= hidden.length; i++) {
        int out = i < hidden.length ? hidden[hidden.length - 1 - i] : flat;
        add(decoder, dense("decoder.dense." + i, in, out), true);
        in = out;
      }
      add(decoder, new Reshape(last.oh(), last.ow(), last.cSmall(), false), false);
      for (int i = gs.size() - 1; i >= 0; i--) {
        String name = i > 0 ? "decoder.deconv." + (gs.size() - 1 - i) : "decoder.out";
        add(decoder, new ConvTranspose2d(name, gs.get(i), (int) offset), i > 0);
      }
    }
  }

  public int inputDim() {
    return inputDim;
  }

  public int[] hidden() {
    return hidden.clone();
  }

  public int latent() {
    return latent;
  }

  public Activation activation() {
    return activation;
  }

  public Likelihood likelihood() {
    return likelihood;
  }

  public int numParams() {
    return numParams;
  }

  public List<Tensor> tensors() {
    return tensors;
  }

  /** The encoder's stages, input first. */
  public List<Stage> encoder() {
    return encoder;
  }

  /** The decoder's stages, latent first. */
  public List<Stage> decoder() {
    return decoder;
  }

  /** The convolutional part, or null for an MLP. */
  public Conv conv() {
    return conv;
  }

  public boolean isConvolutional() {
    return conv != null;
  }

  int logVarianceOffset() {
    return logVarianceOffset;
  }

  /** Floating-point operations of one forward and backward pass per sample (2 per multiply-add). */
  public long flopsPerSample() {
    long f = 0;
    for (int i = 0; i < encoder.size(); i++) {
      long macs = encoder.get(i).layer().forwardMacs();
      f += 2L * macs * (i == 0 ? 2 : 3); // forward, weight gradient, input gradient if not data
    }
    for (Stage st : decoder) {
      f += 3L * 2L * st.layer().forwardMacs();
    }
    return f;
  }

  /** For example {@code 784-400-20 relu bernoulli}, or with the convolutions first. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (conv != null) {
      // The dense part starts at the flattened last convolution, not at the pixels.
      sb.append(conv.describe()).append(' ');
      sb.append(encoder.get(conv.filters().size()).layer().outSize());
    } else {
      sb.append(inputDim);
    }
    for (int h : hidden) {
      sb.append('-').append(h);
    }
    return sb.append('-')
        .append(latent)
        .append(' ')
        .append(activation.configName())
        .append(' ')
        .append(likelihood.configName())
        .toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof VaeArchitecture)) {
      return false;
    }
    VaeArchitecture a = (VaeArchitecture) o;
    return inputDim == a.inputDim
        && latent == a.latent
        && Arrays.equals(hidden, a.hidden)
        && activation == a.activation
        && likelihood == a.likelihood
        && java.util.Objects.equals(conv, a.conv);
  }

  @Override
  public int hashCode() {
    return describe().hashCode();
  }

  @Override
  public String toString() {
    return "VaeArchitecture(" + describe() + ", " + numParams + " parameters)";
  }
}
