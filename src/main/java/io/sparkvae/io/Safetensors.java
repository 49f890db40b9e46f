// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * the file format of every weight and optimizer-state file in spark-vae.
 *
 * <p>A safetensors file is three parts, with nothing executable in it (unlike a pickle or a Java
 * serialized object, loading one cannot run code):
 *
 * <pre>
 * [8 bytes]  N, the header length, an unsigned 64-bit little-endian integer
 * [N bytes]  a UTF-8 JSON object, padded with spaces to a multiple of 8 bytes:
 *            {"__metadata__": {"format": "spark-vae"},
 *             "encoder.0.weight":
 *                 {"dtype": "F32", "shape": [256, 784], "data_offsets": [0, 802816]},
 *             "encoder.0.bias":
 *                 {"dtype": "F32", "shape": [256], "data_offsets": [802816, 803840]}}
 * [rest]     the data section: each tensor's elements, row-major and little-endian, at
 *            [begin, end) counted from the first byte after the header
 * </pre>
 *
 * <p>The tensors must cover the data section exactly: no byte belongs to two tensors and none to no
 * tensor. {@link #read} checks that, and everything else a corrupt or hostile file could get wrong,
 * before it hands out a single number.
 *
 * <p>spark-vae keeps all parameters of a model in one flat {@code float[]}, and a model is a list
 * of named views into it. {@link Tensor#f32(String, float[], int, long...)} makes such a view
 * without copying, and {@link #write} lays the tensors out in the order given, so a model's file
 * holds its flat vector byte for byte as the data section. Python reads it with {@code
 * safetensors.numpy.load_file} (or torch's {@code load_file}) as a dict of arrays.
 *
 * <p>Only F32, F64 and I64 are supported. Writers elsewhere (the Python library, for example) sort
 * tensors by alignment and name, so a file re-saved by them has the same tensors in another order;
 * {@link SafetensorsContents#flatFloats} and {@link SafetensorsContents#floatsInto} look tensors up
 * by name, so such a file still loads correctly.
 *
 * <p>This class holds the format's vocabulary ({@link Dtype}, {@link Tensor}, {@link TensorInfo})
 * and its entry points; {@code SafetensorsWriter} lays files out, {@code SafetensorsReader}
 * validates them, and {@link SafetensorsContents} decodes what was read.
 */
public final class Safetensors {
  /** The most header bytes a reader accepts; the same cap as the reference implementation. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  /** The header key for free-form string metadata; it is not a tensor. */
  public static final String METADATA_KEY = "__metadata__";

  // Some JVMs reserve a few header words in an array; larger requests fail with OutOfMemoryError.
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private Safetensors() {}

  /** The element types this class reads and writes, named as in the header. */
  public enum Dtype {
    F32(4),
    F64(8),
    I64(8);

    private final int size;

    Dtype(int size) {
      this.size = size;
    }

    /** Bytes per element. */
    public int size() {
      return size;
    }
  }

  /**
   * A tensor to write: a name, a shape and a slice {@code [offset, offset + numel)} of an array
   * that is <em>not</em> copied, so many tensors can be views into one flat parameter vector. The
   * array is read when the file is written; changing it in between changes what is written.
   */
  public static final class Tensor {
    private final String name;
    private final Dtype dtype;
    private final long[] shape;
    private final Object array;
    private final int offset;
    private final int length;

    private Tensor(
        String name, Dtype dtype, long[] shape, Object array, int arrayLength, int offset) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("a tensor needs a non-empty name");
      }
      if (name.equals(METADATA_KEY)) {
        throw new IllegalArgumentException(
            "'" + METADATA_KEY + "' is the header's metadata key and cannot name a tensor");
      }
      Objects.requireNonNull(array, () -> "tensor '" + name + "': array is null");
      Objects.requireNonNull(shape, () -> "tensor '" + name + "': shape is null");
      long numel = 1;
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException(
              "tensor '"
                  + name
                  + "': shape "
                  + Arrays.toString(shape)
                  + " has a negative dimension");
        }
        if (d == 0) {
          numel = 0; // an empty tensor, however large its other dimensions
        }
      }
      for (long d : shape) {
        // Dividing first keeps the product from overflowing.
        if (numel != 0 && d > MAX_ARRAY / numel) {
          throw new IllegalArgumentException(
              "tensor '"
                  + name
                  + "': shape "
                  + Arrays.toString(shape)
                  + " has more elements than one Java array holds");
        }
        numel *= d;
      }
      if (offset < 0 || offset > arrayLength - numel) {
        throw new IllegalArgumentException(
            "tensor '"
                + name
                + "': shape "
                + Arrays.toString(shape)
                + " needs "
                + numel
                + " elements from offset "
                + offset
                + ", but the array has "
                + arrayLength);
      }
      this.name = name;
      this.dtype = dtype;
      this.shape = shape.clone();
      this.array = array;
      this.offset = offset;
      this.length = (int) numel;
    }

    /** An F32 view of {@code data[offset ..]} with the given row-major shape. */
    public static Tensor f32(String name, float[] data, int offset, long... shape) {
      Objects.requireNonNull(data, "data");
      return new Tensor(name, Dtype.F32, shape, data, data.length, offset);
    }

    /** An F32 view with an {@code int[]} shape, as {@code VaeArchitecture.Tensor} has. */
    public static Tensor f32(String name, float[] data, int offset, int[] shape) {
      return f32(name, data, offset, toLongs(shape));
    }

    /** A whole {@code float[]} as a 1-D F32 tensor. */
    public static Tensor f32(String name, float[] data) {
      return f32(name, data, 0, data.length);
    }

    /** An F64 view of {@code data[offset ..]} with the given row-major shape. */
    public static Tensor f64(String name, double[] data, int offset, long... shape) {
      Objects.requireNonNull(data, "data");
      return new Tensor(name, Dtype.F64, shape, data, data.length, offset);
    }

    /** A whole {@code double[]} as a 1-D F64 tensor. */
    public static Tensor f64(String name, double[] data) {
      return f64(name, data, 0, data.length);
    }

    /** An I64 view of {@code data[offset ..]} with the given row-major shape. */
    public static Tensor i64(String name, long[] data, int offset, long... shape) {
      Objects.requireNonNull(data, "data");
      return new Tensor(name, Dtype.I64, shape, data, data.length, offset);
    }

    /** A whole {@code long[]} as a 1-D I64 tensor. */
    public static Tensor i64(String name, long[] data) {
      return i64(name, data, 0, data.length);
    }

    public String name() {
      return name;
    }

    public Dtype dtype() {
      return dtype;
    }

    public long[] shape() {
      return shape.clone();
    }

    /** Where the view starts in its array. */
    public int offset() {
      return offset;
    }

    /** The number of elements (the product of the shape; 1 for a scalar's empty shape). */
    public int numel() {
      return length;
    }

    /** The number of bytes this tensor takes in the data section. */
    public long byteSize() {
      return (long) length * dtype.size();
    }

    /** The backing array, for the writer; the view is {@code [offset, offset + numel)}. */
    Object array() {
      return array;
    }

    private static long[] toLongs(int[] shape) {
      Objects.requireNonNull(shape, "shape");
      long[] out = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        out[i] = shape[i];
      }
      return out;
    }
  }

  /**
   * One tensor's header entry: its bytes are {@code [begin, end)} of the data section.
   *
   * @param shape row-major dimensions; empty for a scalar
   */
  public record TensorInfo(String name, Dtype dtype, long[] shape, long begin, long end) {
    public TensorInfo {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    /** The number of elements. */
    public long numel() {
      return (end - begin) / dtype.size();
    }
  }

  /**
   * Writes a safetensors file to {@code out}, tensors in the order given, so the data section is
   * their slices concatenated. Streams the data in small chunks: the file may be larger than any
   * Java array. Does not close {@code out}.
   *
   * @param metadata string metadata for the header's {@code __metadata__} object (insertion order
   *     is kept); {@code null} or empty writes none
   * @throws IllegalArgumentException if two tensors share a name or a metadata entry is null
   */
  public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    SafetensorsWriter.write(out, tensors, metadata);
  }

  /**
   * The bytes {@link #write} would produce, in one array.
   *
   * @throws IllegalArgumentException if the file would not fit in one array (about 2 GiB); write
   *     such files with {@link #write}
   */
  public static byte[] toBytes(List<Tensor> tensors, Map<String, String> metadata) {
    return SafetensorsWriter.toBytes(tensors, metadata);
  }

  /**
   * Parses and validates a whole safetensors file. The returned {@link SafetensorsContents} keeps
   * {@code bytes} (no copy) and decodes tensors when asked, so do not modify the array afterwards.
   *
   * @param source names the file in error messages (a path, usually)
   * @throws IOException naming the source and the problem: a file shorter than 8 bytes; a header
   *     length that is absurd or runs past the end; a header that is not UTF-8, not JSON or not an
   *     object; a tensor entry without dtype, shape or data_offsets, or with an unsupported dtype,
   *     or whose shape does not match its byte range; offsets outside the data section; tensors
   *     that overlap or leave a hole; metadata values that are not strings
   */
  public static SafetensorsContents read(byte[] bytes, String source) throws IOException {
    return SafetensorsReader.read(bytes, source);
  }
}
