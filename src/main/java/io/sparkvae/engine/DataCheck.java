// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What validation found in a partition (and, merged, in a whole data set): row counts per
 * dimension, and counts of bad rows by kind, each with its first example. Problems are collected,
 * not thrown, so that one pass over the data reports all of them at once.
 */
public final class DataCheck implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of bad rows, in the order they are reported. */
  public enum Problem {
    NULL_VALUE("rows with a null value"),
    NON_FINITE("rows with NaN or infinite values"),
    OUTSIDE_UNIT_INTERVAL(
        "rows with values outside [0, 1] (the Bernoulli decoder needs "
            + "pixels in [0, 1]: rescale them or use model.likelihood = gaussian)"),
    UNSUPPORTED_VALUE("rows with a value of an unsupported type");

    final String description;

    Problem(String description) {
      this.description = description;
    }
  }

  private long rows;

  /** Rows per dimension, with the first row seen of each dimension. */
  private final TreeMap<Integer, long[]> dims = new TreeMap<>();

  private final TreeMap<Integer, String> dimExample = new TreeMap<>();
  private final long[] problemCounts = new long[Problem.values().length];
  private final String[] problemExample = new String[Problem.values().length];

  void countRow(int dim, String where) {
    rows++;
    long[] c = dims.computeIfAbsent(dim, d -> new long[1]);
    if (c[0]++ == 0) {
      dimExample.put(dim, where);
    }
  }

  void problem(Problem p, String example) {
    if (problemCounts[p.ordinal()]++ == 0) {
      problemExample[p.ordinal()] = example;
    }
  }

  public long rows() {
    return rows;
  }

  public long count(Problem p) {
    return problemCounts[p.ordinal()];
  }

  /** The single dimension of all rows, or -1 when there are none or several. */
  public int dimension() {
    return dims.size() == 1 ? dims.firstKey() : -1;
  }

  /** Combines two partitions' findings (examples from the lower partition win). */
  public DataCheck merge(DataCheck o) {
    DataCheck m = new DataCheck();
    m.rows = rows + o.rows;
    for (DataCheck c : List.of(this, o)) {
      for (Map.Entry<Integer, long[]> e : c.dims.entrySet()) {
        long[] t = m.dims.computeIfAbsent(e.getKey(), d -> new long[1]);
        t[0] += e.getValue()[0];
        m.dimExample.putIfAbsent(e.getKey(), c.dimExample.get(e.getKey()));
      }
      for (int i = 0; i < problemCounts.length; i++) {
        m.problemCounts[i] += c.problemCounts[i];
        if (m.problemExample[i] == null) {
          m.problemExample[i] = c.problemExample[i];
        }
      }
    }
    return m;
  }

  /**
   * Every problem as one message per line, each naming the column, the number of bad rows and one
   * example; empty when the data is fine. {@code expectedDim} (or -1) is the dimension a model
   * requires (warm start, transform).
   */
  public List<String> problems(String dataName, String column, int expectedDim) {
    List<String> out = new ArrayList<>();
    String where = dataName + ", column '" + column + "'";
    if (rows == 0) {
      out.add(where + ": the data set has no rows");
      return out;
    }
    for (Problem p : Problem.values()) {
      long c = problemCounts[p.ordinal()];
      if (c > 0) {
        out.add(
            String.format(
                Locale.ROOT,
                "%s: %d %s; for example %s",
                where,
                c,
                p.description,
                problemExample[p.ordinal()]));
      }
    }
    if (dims.size() > 1) {
      StringBuilder sb = new StringBuilder(where).append(": rows of mixed dimension: ");
      int i = 0;
      int majority = majorityDim();
      for (Map.Entry<Integer, long[]> e : dims.entrySet()) {
        if (i++ > 0) {
          sb.append(", ");
        }
        sb.append(e.getKey()).append(" (").append(e.getValue()[0]).append(" rows");
        if (e.getKey() != majority) {
          sb.append(", e.g. ").append(dimExample.get(e.getKey()));
        }
        sb.append(')');
      }
      out.add(sb.toString());
    } else if (expectedDim > 0 && dims.size() == 1 && dims.firstKey() != expectedDim) {
      out.add(
          where
              + ": rows have dimension "
              + dims.firstKey()
              + " but the model expects "
              + expectedDim
              + " (e.g. "
              + dimExample.get(dims.firstKey())
              + ")");
    }
    return out;
  }

  private int majorityDim() {
    int best = -1;
    long bestCount = -1;
    for (Map.Entry<Integer, long[]> e : dims.entrySet()) {
      if (e.getValue()[0] > bestCount) {
        best = e.getKey();
        bestCount = e.getValue()[0];
      }
    }
    return best;
  }
}
