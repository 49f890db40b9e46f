// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sparkvae.testing.SparkTestBase;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

/** The sum through real Spark jobs: the summation tree each depth promises, to the bit. */
class DeterministicReduceSparkTest extends SparkTestBase {
  // Values whose float sum depends on the order of addition; partition 6 is empty.
  private static final float[][] V = {
    {1e8f, 3f}, {1f, -7f}, {-1e8f, 1e-3f}, {0.5f, 2e7f}, {1f, -2e7f}, {3f, 1f}
  };

  private static Contribution of(int p) {
    return p < V.length
        ? new Contribution(V[p].clone(), new double[] {p}, 10 + p)
        : new Contribution(null, new double[] {0}, 0);
  }

  private static Contribution sumThroughSpark(int depth) {
    JavaRDD<Integer> parts = jsc().parallelize(IntStream.range(0, 7).boxed().toList(), 7);
    return DeterministicReduce.sum(parts, (p, it) -> of(p), depth);
  }

  @Test
  void depthOneIsTheLeftFoldInPartitionOrder() {
    Contribution expected = of(0);
    for (int p = 1; p < 7; p++) {
      expected = expected.plus(of(p));
    }
    Contribution c = sumThroughSpark(1);
    assertArrayEquals(expected.vector, c.vector);
    assertEquals(0.0 + 1 + 2 + 3 + 4 + 5, c.losses[0]);
    assertEquals(10 + 11 + 12 + 13 + 14 + 15, c.rows);
  }

  @Test
  void depthTwoSumsRunsOfThreeThenFoldsTheRuns() {
    // ⌈7^(1/2)⌉ = 3: (c0 + c1 + c2), (c3 + c4 + c5), (c6), then those three in order.
    Contribution a = of(0).plus(of(1)).plus(of(2));
    Contribution b = of(3).plus(of(4)).plus(of(5));
    Contribution expected = a.plus(b).plus(of(6));
    Contribution c = sumThroughSpark(2);
    assertArrayEquals(expected.vector, c.vector);
    assertEquals(10 + 11 + 12 + 13 + 14 + 15, c.rows);
    // The two trees add in different orders, and these values tell them apart.
    assertNotEquals(
        Float.floatToRawIntBits(sumThroughSpark(1).vector[1]),
        Float.floatToRawIntBits(c.vector[1]),
        "depth 1 and 2 coincide on these values; the test no longer checks the tree's shape");
  }

  @Test
  void everyDepthGivesTheSameBitsOnEveryRun() {
    for (int depth : List.of(1, 2, 3)) {
      assertArrayEquals(
          sumThroughSpark(depth).vector, sumThroughSpark(depth).vector, "depth " + depth);
    }
  }
}
