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
 * <p>Encoder: D → hidden[0] → … → hidden[k-1] → 2H, whose first H outputs are μ and last H are log
 * σ². Decoder: H → hidden[k-1] → … → hidden[0] → D (the mirror image). Every layer's weight is a
 * row-major {@code out × in} block immediately followed by its bias, in that order, so the flat
 * vector is exactly the concatenation of the tensors listed by {@link #tensors()}; a Gaussian
 * decoder with learned variance appends one log-variance per pixel.
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

  /** One dense layer's place in the flat vector. */
  /** One dense layer: its sizes and where its weights and bias sit in the flat vector. */
  public record Layer(int in, int out, int weightOffset, int biasOffset) implements Serializable {}

  private final int inputDim;
  private final int[] hidden;
  private final int latent;
  private final Activation activation;
  private final Likelihood likelihood;
  private final Layer[] encoder;
  private final Layer[] decoder;
  private final int logVarianceOffset;
  private final int numParams;
  private final List<Tensor> tensors;

  public VaeArchitecture(
      int inputDim, int[] hidden, int latent, Activation activation, Likelihood likelihood) {
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

    List<Tensor> ts = new ArrayList<>();
    long offset = 0;
    int k = hidden.length;
    encoder = new Layer[k + 1];
    int in = inputDim;
    for (int i = 0; i <= k; i++) {
      int out = i < k ? hidden[i] : 2 * latent;
      String name = i < k ? "encoder." + i : "encoder.out";
      encoder[i] = layer(ts, name, in, out, offset);
      offset += (long) in * out + out;
      in = out;
    }
    decoder = new Layer[k + 1];
    in = latent;
    for (int i = 0; i <= k; i++) {
      int out = i < k ? hidden[k - 1 - i] : inputDim;
      String name = i < k ? "decoder." + i : "decoder.out";
      decoder[i] = layer(ts, name, in, out, offset);
      offset += (long) in * out + out;
      in = out;
    }
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

  private static Layer layer(List<Tensor> ts, String name, int in, int out, long offset) {
    int w = (int) offset;
    int b = (int) (offset + (long) in * out);
    ts.add(new Tensor(name + ".weight", w, new int[] {out, in}));
    ts.add(new Tensor(name + ".bias", b, new int[] {out}));
    return new Layer(in, out, w, b);
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

  public Layer[] encoderLayers() {
    return encoder;
  }

  public Layer[] decoderLayers() {
    return decoder;
  }

  int logVarianceOffset() {
    return logVarianceOffset;
  }

  /** Widest layer output, for sizing scratch buffers. */
  public int maxWidth() {
    int m = Math.max(inputDim, 2 * latent);
    for (int h : hidden) {
      m = Math.max(m, h);
    }
    return m;
  }

  /** Floating-point operations of one forward and backward pass per sample (2 per multiply-add). */
  public long flopsPerSample() {
    long f = 0;
    for (Layer l : encoder) {
      f += 2L * l.in() * l.out(); // forward
      f += 2L * l.in() * l.out(); // weight gradient
    }
    for (Layer l : decoder) {
      f += 3L * 2L * l.in() * l.out(); // forward, weight gradient, input gradient
    }
    for (int i = 1; i < encoder.length; i++) {
      f += 2L * encoder[i].in() * encoder[i].out(); // input gradient (none for the data layer)
    }
    return f;
  }

  /** For example {@code 784-400-20 relu bernoulli}. */
  public String describe() {
    StringBuilder sb = new StringBuilder().append(inputDim);
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
        && likelihood == a.likelihood;
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
