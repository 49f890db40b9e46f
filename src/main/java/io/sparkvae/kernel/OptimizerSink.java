// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * The {@link GradientSink} of one training step: each range it is handed goes through the
 * optimizer's {@link Optimizer#updateRange}, timed as the optimizer's part of the step. One per
 * thread, re-aimed at every step by {@link #set}, so that a step allocates nothing.
 */
public final class OptimizerSink implements GradientSink {
  private Optimizer optimizer;
  private float[] params;
  private float[] state;
  private float gradScale;
  private long t;
  private long[] zeroedAt;

  /**
   * This sink, now applying update number {@code t} of {@code optimizer} (see {@link Optimizer}).
   */
  public OptimizerSink set(
      Optimizer optimizer,
      float[] params,
      float[] state,
      float gradScale,
      long t,
      long[] zeroedAt) {
    this.optimizer = optimizer;
    this.params = params;
    this.state = state;
    this.gradScale = gradScale;
    this.t = t;
    this.zeroedAt = zeroedAt;
    return this;
  }

  @Override
  public void apply(int from, int len, float[] g, int gOff, boolean clear) {
    long t0 = StepProfile.start();
    optimizer.updateRange(params, from, len, g, gOff, gradScale, state, t, zeroedAt, clear);
    StepProfile.add(StepProfile.Part.OPTIMIZER, t0);
  }
}
