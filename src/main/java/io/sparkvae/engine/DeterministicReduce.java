// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Sums one {@link Contribution} per partition into a result that does not depend on the order in
 * which tasks finish.
 *
 * <p>Depth 1 is {@code treeAggregate(depth = 1)} with an {@link OrderedSum}: every task result goes
 * to the driver, which folds them in partition order. Depth d ≥ 2 is a tree of fixed shape:
 * contributions are grouped into contiguous runs of ⌈P^(1/d)⌉ partitions, each run summed in order
 * on an executor, and so on up; Spark's own {@code treeAggregate} groups partitions by index modulo
 * the group count and merges in arrival order, which cannot give a fixed summation order.
 */
final class DeterministicReduce {
  private DeterministicReduce() {}

  /**
   * A contribution tagged with its position in the fixed summation order. A plain class, not a
   * record: task results go through spark.serializer, and Kryo cannot build records.
   */
  static final class Leaf implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int index;
    private final Contribution contribution;

    Leaf(int index, Contribution contribution) {
      this.index = index;
      this.contribution = contribution;
    }

    int index() {
      return index;
    }

    Contribution contribution() {
      return contribution;
    }
  }

  static Contribution sum(JavaRDD<Leaf> leaves, int numLeaves, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("aggregation depth must be >= 1, got " + depth);
    }
    JavaRDD<Leaf> level = leaves;
    int count = numLeaves;
    if (depth > 1) {
      int group = Math.max(2, (int) Math.ceil(Math.pow(numLeaves, 1.0 / depth)));
      while (count > group) {
        final int g = group;
        final int n = count;
        int groups = (count + group - 1) / group;
        level =
            level
                .mapToPair(l -> new Tuple2<>(l.index() / g, l))
                .groupByKey(new HashPartitioner(groups))
                .map(
                    t -> {
                      int gi = t._1();
                      OrderedSum s = new OrderedSum(gi * g);
                      for (Leaf l : t._2()) {
                        s.add(l.index(), l.contribution());
                      }
                      return new Leaf(gi, s.result(Math.min((gi + 1) * g, n)));
                    });
        count = groups;
      }
    }
    final int expected = count;
    OrderedSum total =
        level.treeAggregate(
            new OrderedSum(0), (s, l) -> s.add(l.index(), l.contribution()), OrderedSum::merge, 1);
    return total.result(expected);
  }

  /** For tests: the sum of explicit contributions in a given arrival order. */
  static Contribution sumInArrivalOrder(List<Leaf> arrivals, int numLeaves) {
    OrderedSum s = new OrderedSum(0);
    for (Leaf l : arrivals) {
      OrderedSum one = new OrderedSum(0).add(l.index(), l.contribution());
      s.merge(one);
    }
    return s.result(numLeaves);
  }
}
