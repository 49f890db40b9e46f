// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Float vectors as they cross the wire in a round. Java serialization (Spark's default
 * spark.serializer, for broadcasts and task results alike) writes a {@code float[]} one element at
 * a time: about 30 ms for a 20 MB vector (the conv model's parameters and Adam moments). Here a
 * vector goes as its raw IEEE 754 bits, little-endian, a slice of 64 KB at a time through a buffer
 * that stays in cache: no byte copy of the whole vector on either side, which took a megabyte-scale
 * allocation and a pass through memory per vector (2026-12-03). The bits are kept exactly.
 */
final class FloatWire {
  private FloatWire() {}

  private static final int SLICE_FLOATS = 16 * 1024;

  /** Writes {@code v}, or null, as its length and its bits. */
  static void write(ObjectOutputStream out, float[] v) throws IOException {
    if (v == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(v.length);
    byte[] slice = new byte[4 * Math.min(v.length, SLICE_FLOATS)];
    FloatBuffer floats = ByteBuffer.wrap(slice).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int at = 0; at < v.length; at += SLICE_FLOATS) {
      int n = Math.min(SLICE_FLOATS, v.length - at);
      floats.clear();
      floats.put(v, at, n);
      out.write(slice, 0, 4 * n);
    }
  }

  /** Reads what {@link #write} wrote. */
  static float[] read(ObjectInputStream in) throws IOException {
    int length = in.readInt();
    if (length < -1) {
      throw new IOException("a float vector of length " + length);
    }
    if (length == -1) {
      return null;
    }
    float[] v = new float[length];
    byte[] slice = new byte[4 * Math.min(length, SLICE_FLOATS)];
    FloatBuffer floats = ByteBuffer.wrap(slice).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int at = 0; at < length; at += SLICE_FLOATS) {
      int n = Math.min(SLICE_FLOATS, length - at);
      in.readFully(slice, 0, 4 * n);
      floats.clear();
      floats.get(v, at, n);
    }
    return v;
  }

  /**
   * The vectors a round broadcasts. In Spark's local mode tasks read the driver's object itself;
   * elsewhere they read {@link #vectors()} of a copy that arrived through {@link #write}.
   */
  static final class Shared implements Serializable {
    private static final long serialVersionUID = 1L;
    // Not transient: Kryo ignores writeReplace and serializes this field as it is.
    private final float[][] vectors;

    Shared(float[][] vectors) {
      this.vectors = vectors;
    }

    float[][] vectors() {
      return vectors;
    }

    private Object writeReplace() {
      return new SharedWire(vectors);
    }
  }

  /** {@link Shared} under Java serialization. */
  private static final class SharedWire implements Serializable {
    private static final long serialVersionUID = 2L;
    private transient float[][] vectors;

    SharedWire(float[][] vectors) {
      this.vectors = vectors;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.writeInt(vectors.length);
      for (float[] v : vectors) {
        write(out, v);
      }
    }

    private void readObject(ObjectInputStream in) throws IOException {
      int n = in.readInt();
      if (n < 0) {
        throw new IOException("a broadcast of " + n + " vectors");
      }
      vectors = new float[n][];
      for (int i = 0; i < n; i++) {
        vectors[i] = read(in);
      }
    }

    private Object readResolve() {
      return new Shared(vectors);
    }
  }
}
