// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * What one partition sends back after a round: a vector (a summed gradient when k = 1; parameters
 * and optimizer state weighted by rows when k > 1), the summed loss parts, the rows it used, and
 * the first non-finite loss it met, if any.
 */
public final class Contribution implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Null when the partition used no rows this round, so empty partitions ship nothing big. */
  float[] vector;

  final double[] losses;
  long rows;

  /** Lowest partition whose loss was not finite, or -1; with the step and the loss part named. */
  int badPartition = -1;

  int badStep = -1;
  String badWhat;

  Contribution(float[] vector, double[] losses, long rows) {
    this.vector = vector;
    this.losses = losses;
    this.rows = rows;
  }

  /** Java serialization sends the vector as raw bits ({@link FloatWire}); Kryo ignores this. */
  private Object writeReplace() {
    return new Wire(this);
  }

  private static final class Wire implements Serializable {
    private static final long serialVersionUID = 2L;
    private transient float[] vector;
    private final double[] losses;
    private final long rows;
    private final int badPartition;
    private final int badStep;
    private final String badWhat;

    Wire(Contribution c) {
      vector = c.vector;
      losses = c.losses;
      rows = c.rows;
      badPartition = c.badPartition;
      badStep = c.badStep;
      badWhat = c.badWhat;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      FloatWire.write(out, vector);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      vector = FloatWire.read(in);
    }

    private Object readResolve() {
      Contribution c = new Contribution(vector, losses, rows);
      c.badPartition = badPartition;
      c.badStep = badStep;
      c.badWhat = badWhat;
      return c;
    }
  }

  /** Adds {@code o} into this one (in place) and returns this. */
  Contribution plus(Contribution o) {
    if (o.vector != null) {
      if (vector == null) {
        vector = o.vector.clone();
      } else {
        float[] a = vector;
        float[] b = o.vector;
        if (a.length != b.length) {
          throw new IllegalStateException(
              "contributions of " + a.length + " and " + b.length + " floats");
        }
        for (int i = 0; i < a.length; i++) {
          a[i] += b[i];
        }
      }
    }
    for (int i = 0; i < losses.length; i++) {
      losses[i] += o.losses[i];
    }
    rows += o.rows;
    if (o.badPartition >= 0 && (badPartition < 0 || o.badPartition < badPartition)) {
      badPartition = o.badPartition;
      badStep = o.badStep;
      badWhat = o.badWhat;
    }
    return this;
  }
}
