// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.Objective;
import java.util.List;

/**
 * The smallest objective the engine can train, for computing its rules by hand: one parameter θ,
 * rows of one value x, loss ½ (θ − x)² per row, so the summed gradient over a minibatch is Σ (θ −
 * x) and one SGD step of rate γ on rows of one value x is θ ← θ − γ (θ − x). θ starts at 1.
 */
record Quadratic() implements Objective {
  @Override
  public int numParams() {
    return 1;
  }

  @Override
  public int rowWidth() {
    return 1;
  }

  @Override
  public List<String> lossNames() {
    return List.of("half_squared_error");
  }

  @Override
  public void initialize(float[] params, long seed) {
    params[0] = 1f;
  }

  @Override
  public Evaluator newEvaluator(int maxRows) {
    return new Evaluator() {
      @Override
      public void accumulate(
          float[] params, float[] rows, int n, Step step, float[] grad, double[] lossSums) {
        for (int i = 0; i < n; i++) {
          float d = params[0] - rows[i];
          grad[0] += d;
          lossSums[0] += 0.5 * d * d;
        }
      }

      @Override
      public void lossOnly(float[] params, float[] rows, int n, Step step, double[] lossSums) {
        for (int i = 0; i < n; i++) {
          double d = params[0] - rows[i];
          lossSums[0] += 0.5 * d * d;
        }
      }
    };
  }
}
