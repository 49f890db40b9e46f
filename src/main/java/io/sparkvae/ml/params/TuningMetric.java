// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

/**
 * What {@code VaeTuningEvaluator} measures ({@link Settings#METRIC_NAME}), each the mean over the
 * rows of a column the model's {@code transform} adds, in nats (or squared error) per row.
 */
public enum TuningMetric {
  /** Mean −ELBO, the {@code negElboCol} column; smaller is better. */
  NEG_ELBO("negElbo", false),
  /**
   * Mean squared reconstruction error Σⱼ (xⱼ − x̂ⱼ)² between the features and the {@code
   * reconstructionCol} column (the decoder's mean at z = μ); smaller is better.
   */
  RECONSTRUCTION("reconstruction", false),
  /**
   * Mean −log p(x) by the importance-weighted bound, the {@code iwaeCol} column; smaller is better.
   */
  IWAE("iwae", false);

  private final String paramName;
  private final boolean largerIsBetter;

  TuningMetric(String paramName, boolean largerIsBetter) {
    this.paramName = paramName;
    this.largerIsBetter = largerIsBetter;
  }

  /** The spelling of the {@code metricName} param, e.g. {@code negElbo}. */
  public String paramName() {
    return paramName;
  }

  /** Whether a larger value is a better model (false for all three: they are losses). */
  public boolean largerIsBetter() {
    return largerIsBetter;
  }

  /**
   * The metric spelled {@code name} (any case); an unknown name is an {@link
   * IllegalArgumentException}.
   */
  public static TuningMetric named(String name) {
    for (TuningMetric m : values()) {
      if (m.paramName.equalsIgnoreCase(name.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "metricName = " + name + ": expected negElbo, reconstruction or iwae");
  }
}
