// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training step that hands the large layers' weight gradients to the optimizer as soon as they
 * are computed ({@link Objective.Evaluator#accumulateAndApply}) trains the model that the step
 * computing the whole gradient, then updating, trains.
 */
class WeightGradToOptimizerTest {
  private static final VaeArchitecture MLP =
      new VaeArchitecture(784, new int[] {400}, 20, Activation.RELU, Likelihood.BERNOULLI);

  @Test
  void onlyStepsOfFewRowsThroughALargeLayerHandTheirGradientOver() {
    assertTrue(Kernel.weightGradToSink(16, 784, 400), "a 16-row step of the reference MLP");
    assertTrue(Kernel.weightGradToSink(4, 400, 784), "32 partitions' 4-row steps");
    assertFalse(Kernel.weightGradToSink(17, 784, 400), "from 17 rows the blocks cost more");
    assertFalse(Kernel.weightGradToSink(16, 400, 40), "the latent layer is too small to gain");
  }

  @Test
  void adamOverRangesGivesTheBitsOfOneUpdate() {
    int n = 1000;
    SplittableRandom r = new SplittableRandom(7);
    float[] p = new float[n];
    float[] g = new float[n];
    float[] st = new float[2 * n];
    for (int i = 0; i < n; i++) {
      p[i] = (float) r.nextGaussian();
      g[i] = (float) r.nextGaussian();
      st[i] = (float) r.nextGaussian() * 0.1f;
      st[n + i] = (float) r.nextDouble() * 0.01f;
    }
    for (Optimizer opt : new Optimizer[] {new Adam(1e-3), new Sgd(0.1)}) {
      float[] p1 = p.clone();
      float[] s1 = st.clone();
      float[] g1 = g.clone();
      opt.updateAndClear(p1, g1, 0.25f, s1, 3, new long[] {1, 0});
      float[] p2 = p.clone();
      float[] s2 = st.clone();
      float[] g2 = g.clone();
      // Ranges of odd lengths, one from a separate buffer: the vector loop's tails are exercised.
      opt.updateRange(p2, 0, 333, g2, 0, 0.25f, s2, 3, new long[] {1, 0}, true);
      float[] block = java.util.Arrays.copyOfRange(g2, 333, 700);
      opt.updateRange(p2, 333, 367, block, 0, 0.25f, s2, 3, new long[] {1, 0}, false);
      opt.updateRange(p2, 700, 300, g2, 700, 0.25f, s2, 3, new long[] {1, 0}, true);
      assertArrayEquals(p1, p2, opt.describe() + ": parameters");
      assertArrayEquals(s1, s2, opt.describe() + ": state");
      assertEquals(g2[400], g[400], "a range taken from elsewhere leaves the gradient alone");
      assertEquals(0f, g2[100], "a cleared range");
    }
  }

  @Test
  void aRangeOutsideTheVectorsIsRefusedWithWhereItWas() {
    Adam adam = new Adam(1e-3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                adam.updateRange(
                    new float[10], 8, 4, new float[10], 0, 1f, new float[20], 1, null, false));
    assertTrue(e.getMessage().contains("[8, 12) of 10"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} rows")
  @ValueSource(ints = {4, 16, 17, 64})
  void stepsThatHandGradientsOverTrainTheSameModel(int rows) {
    VaeObjective obj = new VaeObjective(MLP);
    float[] init = new float[obj.numParams()];
    obj.initialize(init, 42);
    SplittableRandom r = new SplittableRandom(rows);
    float[] data = new float[rows * 784];
    for (int i = 0; i < data.length; i++) {
      data[i] = r.nextDouble() < 0.3 ? (float) r.nextDouble() : 0f;
    }
    Adam adam = new Adam(1e-3);
    float[] pA = init.clone();
    float[] sA = new float[2 * init.length];
    float[] gA = new float[init.length];
    float[] pB = init.clone();
    float[] sB = new float[2 * init.length];
    float[] gB = new float[init.length];
    double[] lA = new double[3];
    double[] lB = new double[3];
    Objective.Evaluator a = obj.newEvaluator(rows);
    Objective.Evaluator b = obj.newEvaluator(rows);
    OptimizerSink sink = new OptimizerSink();
    List<int[]> applied = new ArrayList<>();
    for (int t = 1; t <= 5; t++) {
      Objective.Step step = new Objective.Step(42, 0, 0, t, 0.1 * t);
      a.accumulate(pA, data, rows, step, gA, lA);
      adam.updateAndClear(pA, gA, 1f / rows, sA, t, null);
      sink.set(adam, pB, sB, 1f / rows, t, null);
      applied.clear();
      b.accumulateAndApply(
          pB,
          data,
          rows,
          step,
          gB,
          lB,
          (from, len, g, gOff, clear) -> {
            applied.add(new int[] {from, len});
            sink.apply(from, len, g, gOff, clear);
          });
      assertArrayEquals(new float[gB.length], gB, "the gradient is left all zeros, step " + t);
    }
    assertArrayEquals(lA, lB, "the same losses (the forward passes saw the same parameters)");
    // Every parameter updated exactly once in the last step.
    int[] times = new int[init.length];
    for (int[] a2 : applied) {
      for (int i = a2[0]; i < a2[0] + a2[1]; i++) {
        times[i]++;
      }
    }
    for (int i = 0; i < times.length; i++) {
      assertEquals(1, times[i], "parameter " + i + " updated once");
    }
    boolean blocks = Kernel.weightGradToSink(rows, 784, 400);
    // 400 and 784 output units in blocks of 32, and the three ranges between and around them.
    assertEquals(blocks ? 13 + 25 + 3 : 1, applied.size(), "ranges handed over");
    // The blocks hold the same sums as the whole product; OpenBLAS's kernels may round them in
    // another order, so agreement is to float tolerance, after five Adam steps of 1e-3.
    for (int i = 0; i < pA.length; i++) {
      assertEquals(pA[i], pB[i], 1e-6f, "parameter " + i);
    }
  }
}
