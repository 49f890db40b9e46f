// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static io.sparkvae.io.Safetensors.MAX_ARRAY;

import io.sparkvae.io.Safetensors.Dtype;
import io.sparkvae.io.Safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A validated safetensors file: its metadata and tensor directory, with the data decoded on
 * request. Lookups of a missing tensor or the wrong dtype throw {@link IOException}, because they
 * mean the file is not the one the caller expected.
 */
public final class SafetensorsContents {
  private final String source;
  private final byte[] bytes;
  private final int dataStart;
  private final Map<String, TensorInfo> byName;
  private final Map<String, String> metadata;

  SafetensorsContents(
      String source,
      byte[] bytes,
      int dataStart,
      List<TensorInfo> sorted,
      Map<String, String> metadata) {
    this.source = source;
    this.bytes = bytes;
    this.dataStart = dataStart;
    Map<String, TensorInfo> m = new LinkedHashMap<>();
    for (TensorInfo t : sorted) {
      m.put(t.name(), t);
    }
    this.byName = Collections.unmodifiableMap(m);
    this.metadata = metadata;
  }

  /** The name the file was read under, as given to {@link Safetensors#read}. */
  public String source() {
    return source;
  }

  /** The header's {@code __metadata__} (empty if it has none), in file order. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Tensor names in data-section order. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Every tensor's header entry, in data-section order. */
  public List<TensorInfo> tensors() {
    return List.copyOf(byName.values());
  }

  /** One tensor's header entry. */
  public TensorInfo info(String name) throws IOException {
    TensorInfo t = byName.get(name);
    if (t == null) {
      List<String> some = new ArrayList<>(byName.keySet());
      String listed =
          some.size() <= 10
              ? some.toString()
              : some.subList(0, 10) + " and " + (some.size() - 10) + " more";
      throw fail(
          source, "no tensor named '" + name + "'; the file has " + some.size() + ": " + listed);
    }
    return t;
  }

  public long[] shape(String name) throws IOException {
    return info(name).shape();
  }

  public Dtype dtype(String name) throws IOException {
    return info(name).dtype();
  }

  /** An F32 tensor's elements, row-major. */
  public float[] floats(String name) throws IOException {
    TensorInfo t = typed(name, Dtype.F32);
    float[] out = new float[(int) t.numel()];
    data(t).asFloatBuffer().get(out);
    return out;
  }

  /** An F64 tensor's elements, row-major. */
  public double[] doubles(String name) throws IOException {
    TensorInfo t = typed(name, Dtype.F64);
    double[] out = new double[(int) t.numel()];
    data(t).asDoubleBuffer().get(out);
    return out;
  }

  /** An I64 tensor's elements, row-major. */
  public long[] longs(String name) throws IOException {
    TensorInfo t = typed(name, Dtype.I64);
    long[] out = new long[(int) t.numel()];
    data(t).asLongBuffer().get(out);
    return out;
  }

  /**
   * Decodes an F32 tensor straight into {@code dest[destOffset ..]}: the way to fill one tensor's
   * view of a flat parameter vector without an intermediate array.
   */
  public void floatsInto(String name, float[] dest, int destOffset) throws IOException {
    TensorInfo t = typed(name, Dtype.F32);
    Objects.requireNonNull(dest, "dest");
    if (destOffset < 0 || destOffset > dest.length - t.numel()) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' has "
              + t.numel()
              + " elements; they do not fit in an array of "
              + dest.length
              + " at offset "
              + destOffset);
    }
    data(t).asFloatBuffer().get(dest, destOffset, (int) t.numel());
  }

  /**
   * The named F32 tensors concatenated, in the order listed, into one flat vector: the way to load
   * a whole parameter vector whose layout (names in offset order) the caller knows. For a file
   * {@link Safetensors#write} made from that layout this is exactly its data section; a file that
   * another writer reordered still loads correctly, because tensors are found by name. Shapes are
   * not checked here; compare {@link #shape} with the layout for that.
   */
  public float[] flatFloats(List<String> names) throws IOException {
    Objects.requireNonNull(names, "names");
    long total = 0;
    for (String name : names) {
      total += typed(name, Dtype.F32).numel();
    }
    if (total > MAX_ARRAY) {
      throw fail(
          source,
          "the "
              + names.size()
              + " tensors hold "
              + total
              + " floats, more than one Java array holds");
    }
    float[] flat = new float[(int) total];
    int at = 0;
    for (String name : names) {
      floatsInto(name, flat, at);
      at += (int) byName.get(name).numel();
    }
    return flat;
  }

  private TensorInfo typed(String name, Dtype dtype) throws IOException {
    TensorInfo t = info(name);
    if (t.dtype() != dtype) {
      throw fail(source, "tensor '" + name + "' is " + t.dtype() + ", not " + dtype);
    }
    return t;
  }

  private static IOException fail(String source, String problem) {
    return SafetensorsReader.fail(source, problem);
  }

  private ByteBuffer data(TensorInfo t) {
    // Offsets were checked against the data section, which read() bounded by the array.
    return ByteBuffer.wrap(bytes, dataStart + (int) t.begin(), (int) (t.end() - t.begin()))
        .order(ByteOrder.LITTLE_ENDIAN);
  }
}
