// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.Function2;
import scala.Tuple2;
import scala.collection.immutable.Range$;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Sums one {@link Contribution} per partition into a result that does not depend on the order in
 * which tasks finish.
 *
 * <p>Depth 1: every task result goes to the driver, which folds them in partition order with an
 * {@link OrderedSum} as they arrive. Depth d ≥ 2 is a tree of fixed shape: contributions are
 * grouped into contiguous runs of ⌈P^(1/d)⌉ partitions, each run summed in order on an executor,
 * and so on up; Spark's own {@code treeAggregate} groups partitions by index modulo the group count
 * and merges in arrival order, which cannot give a fixed summation order.
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

  /** What one partition contributes, from its index and its rows; runs in the partition's task. */
  interface PerPartition<T> extends Serializable {
    Contribution apply(int partition, Iterator<T> rows);
  }

  /** Runs {@code f} on every partition of {@code data} and sums the results in partition order. */
  static <T> Contribution sum(JavaRDD<T> data, PerPartition<T> f, int depth) {
    if (depth < 0) {
      throw new IllegalArgumentException("aggregation depth must be >= 0, got " + depth);
    }
    int numLeaves = data.getNumPartitions();
    depth = TrainerConfig.aggregationDepth(depth, numLeaves);
    if (depth == 1) {
      return fold(data.rdd(), new Compute<>(f), numLeaves);
    }
    JavaRDD<Leaf> level =
        data.mapPartitionsWithIndex(
            (part, it) -> List.of(new Leaf(part, f.apply(part, it))).iterator(), true);
    int count = numLeaves;
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
    return fold(level.rdd(), new Gather(), count);
  }

  /**
   * The last level: one job whose task results the driver folds in order as they arrive. Through
   * {@code SparkContext.runJob} with plain function classes rather than a Java-API lambda or {@code
   * treeAggregate}: Spark's closure cleaner skips classes that are not Scala closures, where for
   * each of the closures {@code treeAggregate} builds it parses class files (about 18 ms a round,
   * measured, 2026-12-02).
   */
  private static <T> Contribution fold(
      RDD<T> rdd, Function2<TaskContext, scala.collection.Iterator<T>, Leaf[]> task, int expected) {
    OrderedSum total = new OrderedSum(0);
    rdd.context()
        .runJob(
            rdd,
            task,
            Range$.MODULE$.apply(0, rdd.getNumPartitions()),
            new Fold(total),
            ClassTag$.MODULE$.apply(Leaf[].class));
    return total.result(expected);
  }

  /** A task: the partition's contribution, computed from its rows. */
  private static final class Compute<T>
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<T>, Leaf[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PerPartition<T> f;

    Compute(PerPartition<T> f) {
      this.f = f;
    }

    @Override
    public Leaf[] apply(TaskContext ctx, scala.collection.Iterator<T> rows) {
      int part = ctx.partitionId();
      return new Leaf[] {new Leaf(part, f.apply(part, CollectionConverters.asJava(rows)))};
    }
  }

  /** A task: the partial sums a tree level left in the partition. */
  private static final class Gather
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<Leaf>, Leaf[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Leaf[] apply(TaskContext ctx, scala.collection.Iterator<Leaf> leaves) {
      List<Leaf> out = new ArrayList<>();
      leaves.foreach(
          l -> {
            out.add(l);
            return BoxedUnit.UNIT;
          });
      return out.toArray(new Leaf[0]);
    }
  }

  /** On the driver, as each task finishes: its leaves join the ordered sum. */
  private static final class Fold extends AbstractFunction2<Object, Leaf[], BoxedUnit> {
    private final OrderedSum total;

    Fold(OrderedSum total) {
      this.total = total;
    }

    @Override
    public BoxedUnit apply(Object partition, Leaf[] leaves) {
      for (Leaf l : leaves) {
        total.add(l.index(), l.contribution());
      }
      return BoxedUnit.UNIT;
    }
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
