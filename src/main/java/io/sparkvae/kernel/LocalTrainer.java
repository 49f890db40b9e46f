// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.Arrays;

/**
 * Minibatch training of an {@link Objective} on one thread, without Spark: the reference the
 * distributed engine must reproduce (one partition, k = 1, same seed ⇒ same parameters), and the
 * loop behind {@code bench-kernel}.
 */
public final class LocalTrainer {
  private final Objective objective;
  private final Optimizer optimizer;
  private final int batchSize;
  private final long seed;
  private final double clipNorm;
  private final float[] params;
  private final float[] state;
  private final float[] grad;
  private final float[] batch;
  private final Objective.Evaluator evaluator;
  private long updates;

  public LocalTrainer(
      Objective objective, Optimizer optimizer, int batchSize, long seed, double clipNorm) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.objective = objective;
    this.optimizer = optimizer;
    this.batchSize = batchSize;
    this.seed = seed;
    this.clipNorm = clipNorm;
    this.params = new float[objective.numParams()];
    objective.initialize(params, seed);
    this.state = new float[optimizer.stateSize(params.length)];
    this.grad = new float[params.length];
    this.batch = new float[batchSize * objective.rowWidth()];
    this.evaluator = objective.newEvaluator(batchSize);
  }

  /** Summary of one epoch: the loss parts averaged over rows, and timing. */
  public record EpochStats(int epoch, double[] meanLosses, long rows, double seconds) {
    public double samplesPerSecond() {
      return rows / seconds;
    }
  }

  public float[] params() {
    return params;
  }

  public float[] optimizerState() {
    return state;
  }

  public long updates() {
    return updates;
  }

  /** One pass over {@code data} in the order and slices the engine uses for partition 0. */
  public EpochStats trainEpoch(Rows data, int epoch) {
    if (data.width() != objective.rowWidth()) {
      throw new IllegalArgumentException(
          "rows have width " + data.width() + ", objective expects " + objective.rowWidth());
    }
    long start = System.nanoTime();
    int n = data.rows();
    int steps = Schedule.stepsPerEpoch(new long[] {n}, batchSize);
    int[] order = new int[n];
    Schedule.order(order, n, seed, epoch, 0);
    double[] sums = new double[objective.lossNames().size()];
    Arrays.fill(grad, 0f); // then each update leaves it zero, even after an epoch that threw
    for (int j = 0; j < steps; j++) {
      int from = Schedule.sliceStart(n, steps, j);
      int to = Schedule.sliceStart(n, steps, j + 1);
      int m = to - from;
      if (m == 0) {
        continue;
      }
      long t0 = StepProfile.stepStart();
      data.gather(order, from, to, batch);
      StepProfile.add(StepProfile.Part.GATHER, t0);
      Objective.Step step = new Objective.Step(seed, epoch, 0, j, epoch + (double) j / steps);
      evaluator.accumulate(params, batch, m, step, grad, sums); // grad is zero here
      long t2 = StepProfile.start();
      float scale = Gradients.stepScale(grad, m, clipNorm);
      optimizer.updateAndClear(params, grad, scale, state, ++updates, null);
      StepProfile.add(StepProfile.Part.OPTIMIZER, t2);
      StepProfile.add(StepProfile.Part.STEP, t0);
    }
    double[] means = new double[sums.length];
    for (int i = 0; i < sums.length; i++) {
      means[i] = sums[i] / n;
    }
    return new EpochStats(epoch, means, n, (System.nanoTime() - start) / 1e9);
  }
}
