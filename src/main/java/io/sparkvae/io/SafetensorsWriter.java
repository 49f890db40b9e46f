// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static io.sparkvae.io.Safetensors.MAX_ARRAY;
import static io.sparkvae.io.Safetensors.MAX_HEADER_BYTES;
import static io.sparkvae.io.Safetensors.METADATA_KEY;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.Safetensors.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Lays out safetensors files for {@link Safetensors#write} and {@link Safetensors#toBytes}: the
 * padded JSON header with offsets accumulated in list order, then each tensor's slice encoded
 * little-endian.
 */
final class SafetensorsWriter {
  private static final int CHUNK_BYTES = 1 << 16;

  private SafetensorsWriter() {}

  static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Objects.requireNonNull(out, "out");
    byte[] header = header(tensors, metadata);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    chunk.putLong(header.length);
    out.write(chunk.array(), 0, Long.BYTES);
    out.write(header);
    for (Tensor t : tensors) {
      int perChunk = CHUNK_BYTES / t.dtype().size();
      for (int done = 0; done < t.numel(); done += perChunk) {
        int n = Math.min(perChunk, t.numel() - done);
        chunk.clear();
        encode(t, done, n, chunk);
        out.write(chunk.array(), 0, chunk.position());
      }
    }
  }

  /**
   * The bytes {@link #write} would produce, in one array.
   *
   * @throws IllegalArgumentException if the file would not fit in one array (about 2 GiB); write
   *     such files with {@link #write}
   */
  static byte[] toBytes(List<Tensor> tensors, Map<String, String> metadata) {
    byte[] header = header(tensors, metadata);
    long total = Long.BYTES + header.length;
    for (Tensor t : tensors) {
      total += t.byteSize();
    }
    if (total > MAX_ARRAY) {
      throw new IllegalArgumentException(
          "a safetensors file of "
              + total
              + " bytes does not fit in one byte array; stream it with Safetensors.write");
    }
    byte[] bytes = new byte[(int) total];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(header.length);
    buf.put(header);
    for (Tensor t : tensors) {
      encode(t, 0, t.numel(), buf);
    }
    return bytes;
  }

  /** The padded header: compact JSON, tensors in list order, offsets accumulated. */
  private static byte[] header(List<Tensor> tensors, Map<String, String> metadata) {
    Objects.requireNonNull(tensors, "tensors");
    ObjectNode root = Json.object();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = root.putObject(METADATA_KEY);
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        if (e.getKey() == null || e.getValue() == null) {
          throw new IllegalArgumentException(
              "safetensors metadata maps strings to strings; got "
                  + e.getKey()
                  + " -> "
                  + e.getValue());
        }
        meta.put(e.getKey(), e.getValue());
      }
    }
    Set<String> seen = new HashSet<>();
    long offset = 0;
    for (Tensor t : tensors) {
      Objects.requireNonNull(t, "tensors must not contain null");
      if (!seen.add(t.name())) {
        throw new IllegalArgumentException(
            "two tensors are named '" + t.name() + "'; names must be unique within a file");
      }
      ObjectNode entry = root.putObject(t.name());
      entry.put("dtype", t.dtype().name());
      ArrayNode shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long end = offset + t.byteSize();
      entry.putArray("data_offsets").add(offset).add(end);
      offset = end;
    }
    byte[] json = Json.compact(root).getBytes(StandardCharsets.UTF_8);
    // Padding to 8 bytes starts the data section 8-aligned, so a reader that maps the file can
    // view F64 and I64 data in place.
    int padded = (json.length + 7) & ~7;
    if (padded > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "the safetensors header would be "
              + padded
              + " bytes, more than readers accept ("
              + MAX_HEADER_BYTES
              + "); write fewer tensors");
    }
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  /** Puts elements {@code [from, from + n)} of the tensor into {@code dst}, little-endian. */
  private static void encode(Tensor t, int from, int n, ByteBuffer dst) {
    int start = t.offset() + from;
    switch (t.dtype()) {
      case F32 -> dst.asFloatBuffer().put((float[]) t.array(), start, n);
      case F64 -> dst.asDoubleBuffer().put((double[]) t.array(), start, n);
      case I64 -> dst.asLongBuffer().put((long[]) t.array(), start, n);
      default -> throw new AssertionError(t.dtype());
    }
    // A view buffer has its own position; advance the byte buffer past what it wrote.
    dst.position(dst.position() + n * t.dtype().size());
  }
}
