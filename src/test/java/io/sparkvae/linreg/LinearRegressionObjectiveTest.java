// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.FloatRows;
import io.sparkvae.kernel.LocalTrainer;
import io.sparkvae.kernel.Objective;
import io.sparkvae.kernel.Rng;
import io.sparkvae.kernel.Rows;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearRegressionObjectiveTest {

  private static final Objective.Step STEP = new Objective.Step(1, 0, 0, 0, 0.0);

  /** n rows of d features ~ N(0, 1) and y = W·x + b + noise·ε, laid out for the objective. */
  static float[] syntheticRows(int n, double[] w, double b, double noise, long seed) {
    int d = w.length;
    Rng rng = new Rng(seed);
    float[] rows = new float[n * (d + 1)];
    float[] z = new float[d + 1];
    for (int r = 0; r < n; r++) {
      rng.fillGaussian(z, 0, d + 1);
      double y = b + noise * z[d];
      for (int j = 0; j < d; j++) {
        rows[r * (d + 1) + j] = z[j];
        y += w[j] * z[j];
      }
      rows[r * (d + 1) + d] = (float) y;
    }
    return rows;
  }

  /** Σ (y − W·x − b)² in double, the reference the float kernel is checked against. */
  private static double referenceLoss(double[] p, float[] rows, int n, int d) {
    double s = 0;
    for (int r = 0; r < n; r++) {
      double yHat = p[d];
      for (int j = 0; j < d; j++) {
        yHat += p[j] * rows[r * (d + 1) + j];
      }
      double e = rows[r * (d + 1) + d] - yHat;
      s += e * e;
    }
    return s;
  }

  @Test
  void gradientMatchesFiniteDifferencesOfADoubleReference() {
    int d = 3;
    int n = 17;
    float[] rows = syntheticRows(n, new double[] {0.7, -1.3, 2.0}, 0.4, 0.5, 3);
    float[] params = {0.1f, 0.25f, -0.5f, 1.5f};
    LinearRegressionObjective obj = new LinearRegressionObjective(d);
    float[] grad = new float[d + 1];
    double[] sums = new double[1];
    obj.newEvaluator(n).accumulate(params, rows, n, STEP, grad, sums);

    double[] p = new double[d + 1];
    for (int i = 0; i < p.length; i++) {
      p[i] = params[i];
    }
    double loss = referenceLoss(p, rows, n, d);
    assertEquals(loss, sums[0], 1e-12 * loss, "loss sum");
    // The loss is quadratic, so central differences are exact but for rounding (~1e-16·L/h).
    double h = 1e-3;
    for (int i = 0; i < p.length; i++) {
      double keep = p[i];
      p[i] = keep + h;
      double up = referenceLoss(p, rows, n, d);
      p[i] = keep - h;
      double down = referenceLoss(p, rows, n, d);
      p[i] = keep;
      double numeric = (up - down) / (2 * h);
      // The gradient is summed in double and rounded once to float: ~6e-8 relative.
      assertEquals(numeric, grad[i], 1e-6 * Math.max(1, Math.abs(numeric)), "parameter " + i);
    }
  }

  @Test
  void lossIsTheSquaredErrorWhoseMeanIsTheMseAndSumsAccumulate() {
    int d = 2;
    int n = 50;
    float[] rows = syntheticRows(n, new double[] {2, -1}, -1, 0.3, 5);
    float[] params = {1.9f, -0.8f, -1.1f};
    LinearRegressionObjective obj = new LinearRegressionObjective(d);
    double mse = 0;
    for (int r = 0; r < n; r++) {
      double e = rows[r * 3 + 2] - obj.predict(params, rows, r * 3);
      mse += e * e / n;
    }
    Objective.Evaluator ev = obj.newEvaluator(n);
    float[] grad = new float[3];
    double[] sums = new double[1];
    ev.accumulate(params, rows, n, STEP, grad, sums);
    assertEquals(mse, sums[0] / n, 1e-12 * mse);
    assertEquals(List.of("mse"), obj.lossNames());

    // accumulate adds into its outputs, it does not overwrite them.
    float[] once = grad.clone();
    ev.accumulate(params, rows, n, STEP, grad, sums);
    assertEquals(2 * mse, sums[0] / n, 1e-12 * mse);
    for (int i = 0; i < 3; i++) {
      assertEquals(2 * once[i], grad[i], 1e-6 * Math.abs(once[i]));
    }
  }

  @Test
  void initializesToZerosWhateverTheSeedAndHasTheDocumentedShape() {
    LinearRegressionObjective obj = new LinearRegressionObjective(4);
    assertEquals(5, obj.numParams());
    assertEquals(5, obj.rowWidth());
    float[] a = {1, 2, 3, 4, 5};
    float[] b = {1, 2, 3, 4, 5};
    obj.initialize(a, 1);
    obj.initialize(b, 99);
    assertArrayEquals(new float[5], a);
    assertArrayEquals(a, b);
  }

  @Test
  void accumulateAllocatesNothing() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
    com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(counter.isThreadAllocatedMemorySupported(), "no allocation counter");
    counter.setThreadAllocatedMemoryEnabled(true);
    int n = 64;
    float[] rows = syntheticRows(n, new double[] {1, 2, 3}, 0, 0.1, 9);
    Objective.Evaluator ev = new LinearRegressionObjective(3).newEvaluator(n);
    float[] params = new float[4];
    float[] grad = new float[4];
    double[] sums = new double[1];
    for (int i = 0; i < 20_000; i++) { // warm up, so the measured calls run compiled code
      ev.accumulate(params, rows, n, STEP, grad, sums);
    }
    long before = counter.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      ev.accumulate(params, rows, n, STEP, grad, sums);
    }
    long allocated = counter.getCurrentThreadAllocatedBytes() - before;
    // One allocation per call would be >= 160 kB; the slack covers the counter's own bookkeeping.
    assertTrue(allocated < 4096, allocated + " bytes allocated by 10,000 calls");
  }

  @Test
  void failsFastOnWrongShapes() {
    assertThrows(IllegalArgumentException.class, () -> new LinearRegressionObjective(0));
    LinearRegressionObjective obj = new LinearRegressionObjective(2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> obj.initialize(new float[2], 0));
    assertTrue(e.getMessage().contains("needs 3"), e.getMessage());
    Objective.Evaluator ev = obj.newEvaluator(4);
    float[] rows = new float[5 * 3];
    assertThrows(
        IllegalArgumentException.class,
        () -> ev.accumulate(new float[3], rows, 5, STEP, new float[3], new double[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> ev.accumulate(new float[3], new float[8], 3, STEP, new float[3], new double[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> ev.accumulate(new float[3], rows, 2, STEP, new float[2], new double[1]));
  }

  private static LocalTrainer train(float[] rows, int n, int batchSize, int epochs) {
    LocalTrainer trainer =
        new LocalTrainer(new LinearRegressionObjective(1), new Adam(0.05), batchSize, 7, 0);
    Rows data = Rows.of(new FloatRows(rows, n, 2));
    for (int epoch = 0; epoch < epochs; epoch++) {
      trainer.trainEpoch(data, epoch);
    }
    return trainer;
  }

  @Test
  void adamOnTheLocalTrainerConvergesToTheNormalEquations() {
    int n = 200;
    float[] rows = syntheticRows(n, new double[] {2}, -1, 0.3, 17);
    SufficientStats stats = new SufficientStats(1);
    stats.addRows(new FloatRows(rows, n, 2));
    RegressionFit exact = NormalEquations.solve(stats, new String[] {"x"});
    assertEquals(2.0, exact.weights()[0], 0.1, "the exact fit is near the truth");
    assertEquals(-1.0, exact.intercept(), 0.1, "the exact fit is near the truth");

    // Full batch: the gradient is exact, so Adam settles on the optimum to float precision.
    LocalTrainer full = train(rows, n, n, 300);
    assertEquals(exact.weights()[0], full.params()[0], 1e-5, "W, full batch");
    assertEquals(exact.intercept(), full.params()[1], 1e-5, "b, full batch");
    LocalTrainer.EpochStats check = full.trainEpoch(Rows.of(new FloatRows(rows, n, 2)), 300);
    assertEquals(exact.mse(), check.meanLosses()[0], 1e-6 * exact.mse(), "MSE, full batch");

    // Minibatches of 50: gradient noise keeps Adam (step ~ lr) jittering around the optimum.
    LocalTrainer mini = train(rows, n, 50, 300);
    assertEquals(exact.weights()[0], mini.params()[0], 0.015, "W, minibatches");
    assertEquals(exact.intercept(), mini.params()[1], 0.015, "b, minibatches");
  }
}
