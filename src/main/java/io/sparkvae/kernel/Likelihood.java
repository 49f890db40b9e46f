// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.Locale;

/**
 * The decoder's observation model p(x | z). Each computes, from the decoder's raw output, the
 * per-row negative log-likelihood and its gradient with respect to that output.
 */
public enum Likelihood {
  /** Bernoulli from logits l: −log p = Σ softplus(l) − x·l; for pixels in [0, 1]. */
  BERNOULLI("bernoulli"),
  /** N(x; x̂, I) with its constant: −log p = ½ Σ (x − x̂)² + (D/2) log 2π. */
  GAUSSIAN("gaussian"),
  /** N(x; x̂, diag(exp(s))) with one learned log-variance s per pixel. */
  GAUSSIAN_LEARNED_VARIANCE("gaussian-learned-variance");

  static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  /**
   * Floor of a pixel's learned log-variance (σ ≥ 0.01). Pixels that are always 0 (image borders)
   * would otherwise drive their variance to zero and the likelihood to infinity.
   */
  public static final float MIN_LOG_VARIANCE = (float) Math.log(1e-4);

  private final String configName;

  Likelihood(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Likelihood fromName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Likelihood l : values()) {
      if (l.configName.equals(n)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown likelihood '"
            + name
            + "'; expected one of bernoulli, gaussian, gaussian-learned-variance");
  }

  /** True when inputs must lie in [0, 1]. */
  public boolean needsUnitInterval() {
    return this == BERNOULLI;
  }

  /** The decoder mean x̂ for a raw output value (what a generated image shows). */
  public float mean(float raw) {
    if (this == BERNOULLI) {
      return (float)
          (raw >= 0 ? 1.0 / (1.0 + Math.exp(-raw)) : Math.exp(raw) / (1.0 + Math.exp(raw)));
    }
    return raw;
  }

  /** Stable softplus(l) = log(1 + e^l), finite for every finite l. */
  static double softplus(double l) {
    return Math.max(l, 0.0) + Math.log1p(Math.exp(-Math.abs(l)));
  }
}
