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
 *
 * <p>Depth 0 is auto ({@link TrainerConfig#aggregationDepth(int, int)}): depth 1 up to {@link
 * TrainerConfig#AUTO_AGGREGATION_FAN_IN} partitions, then deep enough that every run, and the
 * driver's final fold, has at most that many contributions. The driver then never holds more than
 * that many partitions' results at once, whatever the partition count; at depth 1 it may hold as
 * many as arrive before partition 0's.
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
    if (depth < 0) {
      throw new IllegalArgumentException("aggregation depth must be >= 0, got " + depth);
    }
    depth = TrainerConfig.aggregationDepth(depth, numLeaves);
    JavaRDD<Leaf> level = leaves;
    int count = numLeaves;
    if (depth > 1) {
      int group = groupSize(numLeaves, depth);
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

  /**
   * ⌈n^(1/depth)⌉, at least 2, in integers: the smallest g with gᵈ ≥ n ({@code Math.pow} can land a
   * hair above an exact root and add a member to every group).
   */
  static int groupSize(int n, int depth) {
    int g = 2;
    while (!reaches(g, depth, n)) {
      g++;
    }
    return g;
  }

  private static boolean reaches(long g, int depth, int n) {
    long p = 1;
    for (int i = 0; i < depth && p < n; i++) {
      p *= g;
    }
    return p >= n;
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
