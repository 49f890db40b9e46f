// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeterministicReduceTest {

  private static List<DeterministicReduce.Leaf> leaves() {
    // Values whose float sum depends on the order of addition.
    float[][] v = {{1e8f, 3f}, {1f, -7f}, {-1e8f, 1e-3f}, {0.5f, 2e7f}, {1f, -2e7f}, {3f, 1f}};
    List<DeterministicReduce.Leaf> out = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      out.add(
          new DeterministicReduce.Leaf(
              i, new Contribution(v[i].clone(), new double[] {i}, 10 + i)));
    }
    // An empty partition contributes no vector.
    out.add(new DeterministicReduce.Leaf(v.length, new Contribution(null, new double[] {0}, 0)));
    return out;
  }

  @Test
  void resultIsTheSameForEveryArrivalOrder() {
    List<DeterministicReduce.Leaf> inOrder = leaves();
    Contribution reference = DeterministicReduce.sumInArrivalOrder(inOrder, inOrder.size());
    Random rnd = new Random(1);
    for (int trial = 0; trial < 50; trial++) {
      List<DeterministicReduce.Leaf> shuffled = leaves();
      Collections.shuffle(shuffled, rnd);
      Contribution c = DeterministicReduce.sumInArrivalOrder(shuffled, shuffled.size());
      assertArrayEquals(reference.vector, c.vector);
      assertEquals(reference.rows, c.rows);
      assertEquals(reference.losses[0], c.losses[0]);
    }
    // The order matters for a naive float sum, so the test above could fail.
    float naiveForward = 0;
    float naiveBackward = 0;
    List<DeterministicReduce.Leaf> l = leaves();
    for (int i = 0; i < 6; i++) {
      naiveForward += l.get(i).contribution().vector[0];
      naiveBackward += l.get(5 - i).contribution().vector[0];
    }
    assertNotEquals(naiveForward, naiveBackward);
  }

  @Test
  void aMissingOrDuplicatePartitionIsAnError() {
    List<DeterministicReduce.Leaf> l = leaves();
    l.remove(2);
    assertThrows(IllegalStateException.class, () -> DeterministicReduce.sumInArrivalOrder(l, 7));
    List<DeterministicReduce.Leaf> d = leaves();
    d.add(d.get(3));
    assertThrows(IllegalStateException.class, () -> DeterministicReduce.sumInArrivalOrder(d, 7));
  }
}
