// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sum of per-partition contributions that is the same float result whatever order Spark delivers
 * them in. Spark merges task results as tasks finish, and float addition is not associative, so a
 * plain sum would differ in the last bits between runs. Here contributions are always added in
 * ascending partition order, ((c₀ + c₁) + c₂) + …: an arriving contribution is held until every
 * lower partition has been folded in. Memory is bounded by how far out of order tasks finish, not
 * by the partition count.
 */
final class OrderedSum implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Contributions [first, next) are folded into {@code acc}. */
  private int first;

  private int next;
  private Contribution acc;
  private final TreeMap<Integer, Contribution> pending = new TreeMap<>();

  /** An empty sum whose fold starts at leaf {@code first} (0 for a whole RDD). */
  OrderedSum(int first) {
    this.first = first;
    this.next = first;
  }

  OrderedSum add(int leaf, Contribution c) {
    if (leaf < next || pending.containsKey(leaf)) {
      throw new IllegalStateException("partition " + leaf + " contributed twice");
    }
    pending.put(leaf, c);
    fold();
    return this;
  }

  /**
   * Merges another partial sum over the same range. Only one side can hold a folded run (the side
   * that received leaf {@code first}); every other leaf is still pending and simply moves.
   */
  OrderedSum merge(OrderedSum o) {
    if (o.first != first) {
      throw new IllegalStateException("merging sums that start at " + first + " and " + o.first);
    }
    if (o.acc != null) {
      if (acc != null) {
        throw new IllegalStateException("both partial sums hold leaf " + first);
      }
      acc = o.acc;
      next = o.next;
    }
    for (Map.Entry<Integer, Contribution> e : o.pending.entrySet()) {
      if (e.getKey() < next || pending.containsKey(e.getKey())) {
        throw new IllegalStateException("partition " + e.getKey() + " contributed twice");
      }
      pending.put(e.getKey(), e.getValue());
    }
    fold();
    return this;
  }

  private void fold() {
    Contribution c;
    while ((c = pending.remove(next)) != null) {
      acc = acc == null ? c : acc.plus(c);
      next++;
    }
  }

  /** The total over leaves [first, expectedEnd); fails if any is missing. */
  Contribution result(int expectedEnd) {
    if (next != expectedEnd || !pending.isEmpty()) {
      throw new IllegalStateException(
          "ordered sum has folded ["
              + first
              + ","
              + next
              + ") with "
              + pending.size()
              + " pending; expected ["
              + first
              + ","
              + expectedEnd
              + ")");
    }
    return acc;
  }
}
