// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.Locale;

/**
 * Hidden-layer nonlinearities. Each derivative is computed from the layer's <em>output</em>, so the
 * forward pass keeps one buffer per layer and no pre-activations.
 */
public enum Activation {
  RELU("relu"),
  LEAKY_RELU("leaky-relu"),
  TANH("tanh");

  /** Slope of leaky-relu for negative inputs. */
  public static final float LEAK = 0.01f;

  private final String configName;

  Activation(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Activation fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Activation a : values()) {
      if (a.configName.equals(n)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '" + name + "'; expected one of relu, leaky-relu, tanh");
  }

  /** Applies the nonlinearity in place to {@code a[0..n)}. */
  void forward(float[] a, int n) {
    switch (this) {
      case RELU:
      case LEAKY_RELU:
        Elementwise.INSTANCE.relu(a, n, this == LEAKY_RELU, LEAK);
        break;
      case TANH:
        for (int i = 0; i < n; i++) {
          a[i] = (float) Math.tanh(a[i]);
        }
        break;
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Turns the gradient with respect to the output, {@code g}, into the gradient with respect to the
   * pre-activation: {@code out[i] = g[i] · f'(a[i])} where {@code a} is the output; {@code out} may
   * be {@code a} itself. Results below {@link Kernel#FLUSH} are stored as zero so that no denormal
   * float reaches the next matrix product.
   */
  void backward(float[] a, float[] g, float[] out, int n) {
    switch (this) {
      case RELU:
      case LEAKY_RELU:
        Elementwise.INSTANCE.reluBackward(a, g, out, n, this == LEAKY_RELU, LEAK);
        break;
      case TANH:
        for (int i = 0; i < n; i++) {
          float v = a[i];
          out[i] = Kernel.flush(g[i] * (1f - v * v));
        }
        break;
      default:
        throw new AssertionError(this);
    }
  }
}
