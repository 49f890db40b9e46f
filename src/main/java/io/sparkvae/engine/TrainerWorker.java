// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.Gradients;
import io.sparkvae.kernel.Objective;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.Rows;
import io.sparkvae.kernel.Schedule;
import io.sparkvae.kernel.StepProfile;
import java.util.Arrays;

/**
 * Executor side of {@link SyncTrainer}: one partition's k steps of a round, or its loss sums for an
 * evaluation. Scratch memory is reused across rounds per task thread.
 */
final class TrainerWorker {
  private TrainerWorker() {}

  private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>();

  /**
   * A thread's evaluator, gather buffer, gradient, local parameters and optimizer state, and cached
   * row order. Reused across rounds: the vectors are megabytes each, humongous objects for G1, and
   * allocating them afresh every round started a concurrent GC cycle each time.
   */
  static final class Scratch {
    final Objective objective;
    final int maxRows;
    final Objective.Evaluator evaluator;
    final float[] batch;
    float[] grad;
    float[] params;
    float[] state;
    int[] order;
    long orderKeySeed;
    int orderKeyEpoch = -1;
    int orderKeyPartition = -1;
    int orderKeyRows = -1;

    Scratch(Objective objective, int maxRows) {
      long floats = (long) maxRows * objective.rowWidth();
      if (floats > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "a step of "
                + maxRows
                + " rows of "
                + objective.rowWidth()
                + " floats does not fit in one Java array; use a smaller batch (or more"
                + " partitions, for a full batch)");
      }
      this.objective = objective;
      this.maxRows = maxRows;
      this.evaluator = objective.newEvaluator(maxRows);
      this.batch = new float[(int) floats];
    }

    int[] order(long seed, int epoch, int partition, int n) {
      if (order == null
          || orderKeySeed != seed
          || orderKeyEpoch != epoch
          || orderKeyPartition != partition
          || orderKeyRows != n) {
        if (order == null || order.length < n) {
          order = new int[n];
        }
        Schedule.order(order, n, seed, epoch, partition);
        orderKeySeed = seed;
        orderKeyEpoch = epoch;
        orderKeyPartition = partition;
        orderKeyRows = n;
      }
      return order;
    }
  }

  /** This thread's scratch for steps of up to {@code maxRows} rows; a larger one is reused. */
  static Scratch scratch(Objective objective, int maxRows) {
    Scratch s = SCRATCH.get();
    if (s == null || s.maxRows < maxRows || !s.objective.equals(objective)) {
      s = new Scratch(objective, maxRows);
      SCRATCH.set(s);
    }
    return s;
  }

  static Contribution round(PartitionData pd, int part, SyncTrainer.RoundSpec s, float[][] shared) {
    Objective obj = s.objective();
    double[] losses = new double[obj.lossNames().size()];
    Rows rows = pd.view(s.width());
    int n = rows.rows();
    if (n == 0) {
      return new Contribution(null, losses, 0);
    }
    // Sized by this partition's largest step, ⌈n / steps⌉ rows, not by the global batch: a full
    // batch over all rows (linreg's default) must not allocate every partition's rows per task.
    int stepRows = (int) Math.min(s.batchSize(), (n + (long) s.steps() - 1) / s.steps());
    Scratch w = scratch(obj, stepRows);
    int[] order = w.order(s.seed(), s.epoch(), part, n);
    int first = s.round() * s.k();
    int last = Math.min(first + s.k(), s.steps());
    int numParams = obj.numParams();
    if (s.k() == 1) {
      int from = Schedule.sliceStart(n, s.steps(), first);
      int to = Schedule.sliceStart(n, s.steps(), first + 1);
      if (to == from) {
        return new Contribution(null, losses, 0);
      }
      rows.gather(order, from, to, w.batch);
      float[] grad = new float[numParams];
      w.evaluator.accumulate(shared[0], w.batch, to - from, step(s, part, first), grad, losses);
      Contribution c = new Contribution(grad, losses, to - from);
      checkLosses(c, part, first, obj);
      if (s.checkGradients() && c.badPartition < 0 && !Double.isFinite(Gradients.norm(grad))) {
        mark(c, part, first, "the gradient is not finite");
      }
      return c;
    }
    // The round starts from the broadcast parameters; in local mode tasks share the broadcast
    // array itself, so each trains a copy.
    w.params = fit(w.params, numParams);
    float[] params = w.params;
    System.arraycopy(shared[0], 0, params, 0, numParams);
    // The optimizer state: the carried slices from the broadcast, zeros elsewhere.
    int[] carried = s.carried();
    w.state = fit(w.state, s.optimizer().stateSize(numParams));
    float[] state = w.state;
    int zeroFrom = 0;
    for (int r = 0, at = 0; r < carried.length; r += 2) {
      Arrays.fill(state, zeroFrom, carried[r], 0f);
      System.arraycopy(shared[1], at, state, carried[r], carried[r + 1] - carried[r]);
      at += carried[r + 1] - carried[r];
      zeroFrom = carried[r + 1];
    }
    Arrays.fill(state, zeroFrom, state.length, 0f);
    long[] zeroedAt = s.innerState().zeroedAt(s.optimizer(), s.updatesBefore());
    w.grad = fit(w.grad, numParams);
    float[] grad = w.grad;
    Arrays.fill(grad, 0f); // each update leaves it zero for the next step
    long used = 0;
    Contribution c = new Contribution(null, losses, 0);
    for (int j = first; j < last; j++) {
      int from = Schedule.sliceStart(n, s.steps(), j);
      int to = Schedule.sliceStart(n, s.steps(), j + 1);
      if (to == from) {
        continue;
      }
      long t0 = StepProfile.stepStart();
      rows.gather(order, from, to, w.batch);
      StepProfile.add(StepProfile.Part.GATHER, t0);
      w.evaluator.accumulate(params, w.batch, to - from, step(s, part, j), grad, losses);
      checkLosses(c, part, j, obj);
      long t2 = StepProfile.now();
      float scale = Gradients.stepScale(grad, to - from, s.clipNorm());
      if (c.badPartition < 0
          && (Float.isNaN(scale)
              || (s.checkGradients() && !Double.isFinite(Gradients.norm(grad))))) {
        mark(c, part, j, "the gradient is not finite");
      }
      if (c.badPartition >= 0) {
        c.rows = used;
        return c;
      }
      Optimizer opt = s.rates().at(s.optimizer(), s.epoch(), j, s.steps());
      long t = s.updatesBefore() + (j - first) + 1;
      opt.updateAndClear(params, grad, scale, state, t, zeroedAt);
      StepProfile.add(StepProfile.Part.OPTIMIZER, t2);
      StepProfile.add(StepProfile.Part.STEP, t0);
      used += to - from;
    }
    if (used == 0) {
      return c;
    }
    if (s.checkGradients() && !Double.isFinite(Gradients.norm(params))) {
      mark(c, part, last - 1, "the local parameters are not finite");
      return c;
    }
    // [params | carried state slices], weighted by the rows used: the driver divides the sum.
    float[] v = new float[numParams + shared[1].length];
    float wgt = used;
    for (int i = 0; i < numParams; i++) {
      v[i] = params[i] * wgt;
    }
    for (int r = 0, at = numParams; r < carried.length; r += 2) {
      for (int i = carried[r]; i < carried[r + 1]; i++) {
        v[at++] = state[i] * wgt;
      }
    }
    c.vector = v;
    c.rows = used;
    return c;
  }

  /** {@code a} if it has exactly {@code n} floats, else a new array of that size. */
  private static float[] fit(float[] a, int n) {
    return a != null && a.length == n ? a : new float[n];
  }

  private static Objective.Step step(SyncTrainer.RoundSpec s, int part, int j) {
    return new Objective.Step(s.seed(), s.epoch(), part, j, s.epoch() + (double) j / s.steps());
  }

  private static void checkLosses(Contribution c, int part, int step, Objective obj) {
    if (c.badPartition >= 0) {
      return;
    }
    for (int i = 0; i < c.losses.length; i++) {
      if (!Double.isFinite(c.losses[i])) {
        mark(c, part, step, "the loss '" + obj.lossNames().get(i) + "' is " + c.losses[i]);
        return;
      }
    }
  }

  private static void mark(Contribution c, int part, int step, String what) {
    c.badPartition = part;
    c.badStep = step;
    c.badWhat = what;
  }

  static Contribution evaluate(
      PartitionData pd,
      int part,
      Objective obj,
      float[] params,
      long seed,
      int epoch,
      int batchSize,
      int width) {
    double[] losses = new double[obj.lossNames().size()];
    Rows rows = pd.view(width);
    int n = rows.rows();
    if (n == 0) {
      return new Contribution(null, losses, 0);
    }
    Scratch w = scratch(obj, batchSize);
    int block = 0;
    for (int from = 0; from < n; from += batchSize, block++) {
      int to = Math.min(n, from + batchSize);
      rows.copyRange(from, to, w.batch);
      w.evaluator.lossOnly(
          params, w.batch, to - from, new Objective.Step(seed, epoch, part, block, epoch), losses);
    }
    return new Contribution(null, losses, n);
  }
}
