// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import io.sparkvae.linreg.SufficientStats;
import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * The one pass of the exact fit: the sufficient statistics of the good rows and, in the same pass,
 * what is wrong with the others. A row of the prepared frame is d features, the label and the row
 * id ({@link io.sparkvae.linreg.spark.RegressionTables}); a row with an empty (null), NaN or
 * infinite value is left out of the statistics and counted per column, and the earliest such row
 * (by row id: the order Spark reads the data) is kept as the example to show. Mergeable in any
 * order ({@code treeAggregate}'s combine), with the same result.
 *
 * <p>A plain class, not a record: Spark may ship it with Kryo, which cannot build records.
 */
final class RegressionPass implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Kinds of bad value, in the order reported. */
  static final int EMPTY = 0;

  static final int NAN = 1;
  static final int INFINITE = 2;
  static final String[] KIND_NAMES = {"empty", "NaN", "infinite"};

  final int d;
  final SufficientStats stats;
  long rows;
  long badRows;

  /** Bad values per column (d features, then the label) and kind. */
  final long[][] bad;

  /** Per column: the row id, kind and value of its earliest bad value. */
  final long[] firstRow;

  final int[] firstKind;
  final double[] firstValue;
  private transient double[] x;

  RegressionPass(int d) {
    this.d = d;
    this.stats = new SufficientStats(d);
    this.bad = new long[d + 1][3];
    this.firstRow = new long[d + 1];
    this.firstKind = new int[d + 1];
    this.firstValue = new double[d + 1];
    java.util.Arrays.fill(firstRow, Long.MAX_VALUE);
  }

  /** Adds one row: columns 0..d−1 features, d the label, d+1 the row id. */
  RegressionPass add(Row r) {
    if (x == null) {
      x = new double[d];
    }
    rows++;
    long id = r.getLong(d + 1);
    boolean ok = true;
    double y = 0;
    for (int j = 0; j <= d; j++) {
      int kind = -1;
      double v = Double.NaN;
      if (r.isNullAt(j)) {
        kind = EMPTY;
      } else {
        v = r.getDouble(j);
        if (Double.isNaN(v)) {
          kind = NAN;
        } else if (Double.isInfinite(v)) {
          kind = INFINITE;
        }
      }
      if (kind >= 0) {
        ok = false;
        bad[j][kind]++;
        if (id < firstRow[j]) {
          firstRow[j] = id;
          firstKind[j] = kind;
          firstValue[j] = v;
        }
      } else if (j < d) {
        x[j] = v;
      } else {
        y = v;
      }
    }
    if (ok) {
      stats.add(x, y);
    } else {
      badRows++;
    }
    return this;
  }

  /** Adds {@code o} into this and returns this. */
  RegressionPass merge(RegressionPass o) {
    stats.merge(o.stats);
    rows += o.rows;
    badRows += o.badRows;
    for (int j = 0; j <= d; j++) {
      for (int k = 0; k < 3; k++) {
        bad[j][k] += o.bad[j][k];
      }
      if (o.firstRow[j] < firstRow[j]) {
        firstRow[j] = o.firstRow[j];
        firstKind[j] = o.firstKind[j];
        firstValue[j] = o.firstValue[j];
      }
    }
    return this;
  }

  long badValues(int column) {
    long s = 0;
    for (long c : bad[column]) {
      s += c;
    }
    return s;
  }
}
