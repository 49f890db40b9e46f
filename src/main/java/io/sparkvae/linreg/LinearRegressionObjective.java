// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import io.sparkvae.kernel.Objective;
import java.util.Arrays;
import java.util.List;

/**
 * Linear regression ŷ = W·x + b fitted by maximum likelihood, as an {@link Objective}
 * (src/site/markdown/training.md, "The models" §1).
 *
 * <p>With Gaussian noise of constant variance, maximizing Σ log N(y; W·x + b, s²) over (W, b) is
 * minimizing the squared error, so the per-row loss is (y − ŷ)² and the engine's mean of it is the
 * mean squared error L(W, b). At the optimum that mean is also the MLE of the noise variance ŝ²,
 * and the mean log-likelihood is −½ log(2π ŝ²) − ½. The exact optimum has a closed form ({@link
 * NormalEquations}); this objective exists so that the same (Ŵ, b̂) can be reached by the engine's
 * minibatch loop, which is the reference test of that loop on a convex problem.
 *
 * <p>Layout. A row is {@code d + 1} floats: the d features, then the label y last. The parameters
 * are {@code [W₁ … W_d, b]}. Features are used as given: if they are to be standardized, the caller
 * does it before the rows reach the objective.
 *
 * <p>Gradient, summed over the rows (the engine divides by the row count): ∂(y − ŷ)²/∂W = −2 (y −
 * ŷ) x and ∂(y − ŷ)²/∂b = −2 (y − ŷ).
 */
public final class LinearRegressionObjective implements Objective {
  private static final long serialVersionUID = 1L;

  /** One loss part: the squared error, whose mean over rows is the MSE. */
  public static final List<String> LOSS_NAMES = List.of("mse");

  private final int features;

  /**
   * @param features d, the number of features (≥ 1); rows are then d + 1 floats wide
   */
  public LinearRegressionObjective(int features) {
    if (features < 1) {
      throw new IllegalArgumentException("linear regression needs >= 1 feature, got " + features);
    }
    this.features = features;
  }

  /** d, the number of features. */
  public int features() {
    return features;
  }

  @Override
  public int numParams() {
    return features + 1;
  }

  @Override
  public int rowWidth() {
    return features + 1;
  }

  @Override
  public List<String> lossNames() {
    return LOSS_NAMES;
  }

  /**
   * Writes zeros; the seed is unused. The loss is convex with a unique minimum (when the features
   * are not collinear), so the start does not change where training ends, and zeros make every run
   * start from the same point whatever its seed.
   */
  @Override
  public void initialize(float[] params, long seed) {
    checkParams(params);
    Arrays.fill(params, 0f);
  }

  @Override
  public Evaluator newEvaluator(int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
    }
    return new SquaredError(maxRows);
  }

  /** ŷ = W·x + b for the d features at {@code x[off..off+d)}, in double. */
  public double predict(float[] params, float[] x, int off) {
    checkParams(params);
    double yHat = params[features];
    for (int j = 0; j < features; j++) {
      yHat += (double) params[j] * x[off + j];
    }
    return yHat;
  }

  private void checkParams(float[] params) {
    if (params.length != features + 1) {
      throw new IllegalArgumentException(
          "parameter vector has "
              + params.length
              + " floats; "
              + "linear regression with "
              + features
              + " features needs "
              + (features + 1));
    }
  }

  /** The evaluator; its only scratch is the double gradient accumulator. */
  private final class SquaredError implements Evaluator {
    private final int maxRows;
    // Summing a block's gradient in float would lose digits once the sum outgrows its terms.
    private final double[] acc = new double[features + 1];

    SquaredError(int maxRows) {
      this.maxRows = maxRows;
    }

    @Override
    public void accumulate(
        float[] params, float[] rows, int n, Step step, float[] grad, double[] lossSums) {
      checkParams(params);
      int width = features + 1;
      if (n < 1 || n > maxRows) {
        throw new IllegalArgumentException(
            "block of " + n + " rows; this evaluator holds 1.." + maxRows);
      }
      if (rows.length < n * width) {
        throw new IllegalArgumentException(
            "block of "
                + n
                + " rows × "
                + width
                + " floats needs "
                + n * width
                + " floats, got "
                + rows.length);
      }
      if (grad.length != width) {
        throw new IllegalArgumentException(
            "gradient has " + grad.length + " floats, expected " + width);
      }
      Arrays.fill(acc, 0.0);
      double sq = 0;
      for (int r = 0, base = 0; r < n; r++, base += width) {
        double yHat = params[features];
        for (int j = 0; j < features; j++) {
          yHat += (double) params[j] * rows[base + j];
        }
        double e = rows[base + features] - yHat;
        sq += e * e;
        double g = -2.0 * e;
        for (int j = 0; j < features; j++) {
          acc[j] += g * rows[base + j];
        }
        acc[features] += g;
      }
      for (int j = 0; j < width; j++) {
        grad[j] += (float) acc[j];
      }
      lossSums[0] += sq;
    }

    @Override
    public void lossOnly(float[] params, float[] rows, int n, Step step, double[] lossSums) {
      checkParams(params);
      int width = features + 1;
      double sq = 0;
      for (int r = 0, base = 0; r < n; r++, base += width) {
        double e = rows[base + features] - predict(params, rows, base);
        sq += e * e;
      }
      lossSums[0] += sq;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinearRegressionObjective
        && ((LinearRegressionObjective) o).features == features;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(features);
  }

  @Override
  public String toString() {
    return "LinearRegressionObjective(" + features + " features)";
  }
}
