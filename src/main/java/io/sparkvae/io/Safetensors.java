package io.sparkvae.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, the file format of every weight and optimizer-state file in spark-vae.
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
 * <p>The tensors must cover the data section exactly: no byte belongs to two tensors and none to
 * no tensor. {@link #read} checks that, and everything else a corrupt or hostile file could get
 * wrong, before it hands out a single number.
 *
 * <p>spark-vae keeps all parameters of a model in one flat {@code float[]}, and a model is a list
 * of named views into it. {@link Tensor#f32(String, float[], int, long...)} makes such a view
 * without copying, and {@link #write} lays the tensors out in the order given, so a model's file
 * holds its flat vector byte for byte as the data section. Python reads it with
 * {@code safetensors.numpy.load_file} (or torch's {@code load_file}) as a dict of arrays.
 *
 * <p>Only F32, F64 and I64 are supported. Writers elsewhere (the Python library, for example) sort
 * tensors by alignment and name, so a file re-saved by them has the same tensors in another
 * order; {@link Contents#flatFloats} and {@link Contents#floatsInto} look tensors up by name, so
 * such a file still loads correctly.
 */
public final class Safetensors {
  /** The most header bytes a reader accepts; the same cap as the reference implementation. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  /** The header key for free-form string metadata; it is not a tensor. */
  public static final String METADATA_KEY = "__metadata__";

  // Some JVMs reserve a few header words in an array; larger requests fail with OutOfMemoryError.
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int CHUNK_BYTES = 1 << 16;

  // Duplicate keys would let a file name a tensor twice and have the parser keep either one, and
  // trailing garbage after the object means the header length is wrong; both are corruption.
  private static final ObjectReader STRICT = Json.MAPPER.reader()
      .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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

    private Tensor(String name, Dtype dtype, long[] shape, Object array, int arrayLength,
        int offset) {
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
          throw new IllegalArgumentException("tensor '" + name + "': shape "
              + Arrays.toString(shape) + " has a negative dimension");
        }
        if (d == 0) {
          numel = 0; // an empty tensor, however large its other dimensions
        }
      }
      for (long d : shape) {
        // Dividing first keeps the product from overflowing.
        if (numel != 0 && d > MAX_ARRAY / numel) {
          throw new IllegalArgumentException("tensor '" + name + "': shape "
              + Arrays.toString(shape) + " has more elements than one Java array holds");
        }
        numel *= d;
      }
      if (offset < 0 || offset > arrayLength - numel) {
        throw new IllegalArgumentException("tensor '" + name + "': shape "
            + Arrays.toString(shape) + " needs " + numel + " elements from offset " + offset
            + ", but the array has " + arrayLength);
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

  // ---------------------------------------------------------------------------------- writing

  /**
   * Writes a safetensors file to {@code out}, tensors in the order given, so the data section is
   * their slices concatenated. Streams the data in small chunks: the file may be larger than any
   * Java array. Does not close {@code out}.
   *
   * @param metadata string metadata for the header's {@code __metadata__} object (insertion
   *     order is kept); {@code null} or empty writes none
   * @throws IllegalArgumentException if two tensors share a name or a metadata entry is null
   */
  public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    Objects.requireNonNull(out, "out");
    byte[] header = header(tensors, metadata);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    chunk.putLong(header.length);
    out.write(chunk.array(), 0, Long.BYTES);
    out.write(header);
    for (Tensor t : tensors) {
      int perChunk = CHUNK_BYTES / t.dtype.size();
      for (int done = 0; done < t.length; done += perChunk) {
        int n = Math.min(perChunk, t.length - done);
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
  public static byte[] toBytes(List<Tensor> tensors, Map<String, String> metadata) {
    byte[] header = header(tensors, metadata);
    long total = Long.BYTES + header.length;
    for (Tensor t : tensors) {
      total += t.byteSize();
    }
    if (total > MAX_ARRAY) {
      throw new IllegalArgumentException("a safetensors file of " + total
          + " bytes does not fit in one byte array; stream it with Safetensors.write");
    }
    byte[] bytes = new byte[(int) total];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(header.length);
    buf.put(header);
    for (Tensor t : tensors) {
      encode(t, 0, t.length, buf);
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
          throw new IllegalArgumentException("safetensors metadata maps strings to strings; got "
              + e.getKey() + " -> " + e.getValue());
        }
        meta.put(e.getKey(), e.getValue());
      }
    }
    Set<String> seen = new HashSet<>();
    long offset = 0;
    for (Tensor t : tensors) {
      Objects.requireNonNull(t, "tensors must not contain null");
      if (!seen.add(t.name)) {
        throw new IllegalArgumentException("two tensors are named '" + t.name
            + "'; names must be unique within a file");
      }
      ObjectNode entry = root.putObject(t.name);
      entry.put("dtype", t.dtype.name());
      ArrayNode shape = entry.putArray("shape");
      for (long d : t.shape) {
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
      throw new IllegalArgumentException("the safetensors header would be " + padded
          + " bytes, more than readers accept (" + MAX_HEADER_BYTES + "); write fewer tensors");
    }
    byte[] header = Arrays.copyOf(json, padded);
    Arrays.fill(header, json.length, padded, (byte) ' ');
    return header;
  }

  /** Puts elements {@code [from, from + n)} of the tensor into {@code dst}, little-endian. */
  private static void encode(Tensor t, int from, int n, ByteBuffer dst) {
    int start = t.offset + from;
    switch (t.dtype) {
      case F32 -> dst.asFloatBuffer().put((float[]) t.array, start, n);
      case F64 -> dst.asDoubleBuffer().put((double[]) t.array, start, n);
      case I64 -> dst.asLongBuffer().put((long[]) t.array, start, n);
      default -> throw new AssertionError(t.dtype);
    }
    // A view buffer has its own position; advance the byte buffer past what it wrote.
    dst.position(dst.position() + n * t.dtype.size());
  }

  // ---------------------------------------------------------------------------------- reading

  /**
   * Parses and validates a whole safetensors file. The returned {@link Contents} keeps
   * {@code bytes} (no copy) and decodes tensors when asked, so do not modify the array afterwards.
   *
   * @param source names the file in error messages (a path, usually)
   * @throws IOException naming the source and the problem: a file shorter than 8 bytes; a header
   *     length that is absurd or runs past the end; a header that is not UTF-8, not JSON or not
   *     an object; a tensor entry without dtype, shape or data_offsets, or with an unsupported
   *     dtype, or whose shape does not match its byte range; offsets outside the data section;
   *     tensors that overlap or leave a hole; metadata values that are not strings
   */
  public static Contents read(byte[] bytes, String source) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(source, "source");
    if (bytes.length < Long.BYTES) {
      throw fail(source, "not a safetensors file: it has " + bytes.length
          + " bytes, fewer than the 8-byte header length every safetensors file starts with");
    }
    long n = ByteBuffer.wrap(bytes, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    // Unsigned on disk: a negative long is a length of 2^63 or more.
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw fail(source, "header length " + Long.toUnsignedString(n) + " is absurd (readers "
          + "accept at most " + MAX_HEADER_BYTES + " bytes): the file is corrupt or not "
          + "safetensors");
    }
    if (n > bytes.length - Long.BYTES) {
      throw fail(source, "header length " + n + " runs past the end of the file: only "
          + (bytes.length - Long.BYTES) + " bytes follow the length (a truncated file?)");
    }
    int dataStart = Long.BYTES + (int) n;
    long dataLength = bytes.length - dataStart;
    JsonNode root = parseHeader(bytes, (int) n, source);

    Map<String, String> metadata = Collections.emptyMap();
    List<TensorInfo> infos = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(field.getValue(), source);
      } else {
        infos.add(parseEntry(field.getKey(), field.getValue(), dataLength, source));
      }
    }
    infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    checkCoverage(infos, dataLength, source);
    return new Contents(source, bytes, dataStart, infos, metadata);
  }

  private static JsonNode parseHeader(byte[] bytes, int n, String source) throws IOException {
    String text;
    try {
      // Strict decoding: the default decoder would silently turn bad bytes into U+FFFD.
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, Long.BYTES, n));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      throw fail(source, "header is not valid UTF-8 (" + e.getMessage() + ")", e);
    }
    JsonNode root;
    try {
      root = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw fail(source, "header is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw fail(source, "header is empty; it must be a JSON object");
    }
    if (!root.isObject()) {
      throw fail(source, "header is a JSON " + kind(root) + ", not an object mapping tensor "
          + "names to {dtype, shape, data_offsets}");
    }
    return root;
  }

  private static Map<String, String> parseMetadata(JsonNode node, String source)
      throws IOException {
    if (!node.isObject()) {
      throw fail(source, METADATA_KEY + " is " + aKind(node)
          + "; it must be an object of string values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw fail(source, METADATA_KEY + " value of '" + e.getKey() + "' is "
            + aKind(e.getValue()) + " (" + e.getValue() + "); safetensors metadata maps strings "
            + "to strings");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static TensorInfo parseEntry(String name, JsonNode node, long dataLength,
      String source) throws IOException {
    String what = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw fail(source, what + " is " + aKind(node)
          + " in the header; expected an object with dtype, shape and data_offsets");
    }
    for (String key : List.of("dtype", "shape", "data_offsets")) {
      if (!node.has(key)) {
        throw fail(source, what + " has no \"" + key
            + "\" (every tensor needs dtype, shape and data_offsets)");
      }
    }
    JsonNode dtypeNode = node.get("dtype");
    if (!dtypeNode.isTextual()) {
      throw fail(source, what + " has dtype " + dtypeNode + "; expected a string such as \"F32\"");
    }
    Dtype dtype;
    try {
      dtype = Dtype.valueOf(dtypeNode.textValue());
    } catch (IllegalArgumentException e) {
      throw fail(source, what + " has dtype \"" + dtypeNode.textValue()
          + "\", which is not supported (supported: " + Arrays.toString(Dtype.values()) + ")");
    }
    long[] shape = naturals(node.get("shape"), -1, what + " has shape", source);
    long[] offsets = naturals(node.get("data_offsets"), 2, what + " has data_offsets", source);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw fail(source, what + " has data_offsets [" + begin + ", " + end
          + "], which end before they begin");
    }
    long expected = dtype.size();
    try {
      for (long d : shape) {
        expected = Math.multiplyExact(expected, d);
      }
    } catch (ArithmeticException e) {
      throw fail(source, what + " has shape " + Arrays.toString(shape)
          + ", too large to exist");
    }
    if (expected != end - begin) {
      throw fail(source, what + " is " + dtype + " of shape " + Arrays.toString(shape)
          + ", which takes " + expected + " bytes, but its data_offsets [" + begin + ", " + end
          + "] span " + (end - begin) + " bytes");
    }
    if (end > dataLength) {
      throw fail(source, what + " has data_offsets [" + begin + ", " + end + "] beyond the "
          + "data section, which is " + dataLength + " bytes long (a truncated file?)");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** A JSON array of non-negative integers, of length {@code arity} unless it is negative. */
  private static long[] naturals(JsonNode node, int arity, String what, String source)
      throws IOException {
    String expected = arity < 0 ? "an array of non-negative integers"
        : "an array of " + arity + " non-negative integers";
    if (!node.isArray() || (arity >= 0 && node.size() != arity)) {
      throw fail(source, what + " " + node + "; expected " + expected);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw fail(source, what + " " + node + "; expected " + expected);
      }
      out[i] = v.longValue();
    }
    return out;
  }

  /**
   * The reference implementation accepts only a data section that the tensors tile exactly:
   * sorted by offset, each begins where the previous ended and the last ends at the end of the
   * file. Overlaps would let two names alias one buffer; holes hide unaccounted bytes.
   */
  private static void checkCoverage(List<TensorInfo> sorted, long dataLength, String source)
      throws IOException {
    long covered = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.begin() < covered) {
        throw fail(source, "tensors " + span(previous) + " and " + span(t) + " overlap; each "
            + "byte of the data section must belong to exactly one tensor");
      }
      if (t.begin() > covered) {
        throw fail(source, "bytes [" + covered + ", " + t.begin() + ") of the data section "
            + "belong to no tensor (a hole " + (previous == null ? "at the start"
                : "between " + span(previous) + " and " + span(t)) + "); the tensors must "
            + "cover the data section exactly");
      }
      covered = t.end();
      previous = t;
    }
    if (covered != dataLength) {
      throw fail(source, "the last " + (dataLength - covered) + " bytes of the data section ["
          + covered + ", " + dataLength + ") belong to no tensor; the tensors must cover the "
          + "data section exactly");
    }
  }

  private static String span(TensorInfo t) {
    return "'" + t.name() + "' [" + t.begin() + ", " + t.end() + ")";
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** "an array", "a string": the node's JSON type with its article, for messages. */
  private static String aKind(JsonNode node) {
    String kind = kind(node);
    return (kind.startsWith("a") || kind.startsWith("o") ? "an " : "a ") + kind;
  }

  private static IOException fail(String source, String problem) {
    return new IOException(source + ": " + problem);
  }

  private static IOException fail(String source, String problem, Throwable cause) {
    return new IOException(source + ": " + problem, cause);
  }

  /**
   * A validated safetensors file: its metadata and tensor directory, with the data decoded on
   * request. Lookups of a missing tensor or the wrong dtype throw {@link IOException}, because
   * they mean the file is not the one the caller expected.
   */
  public static final class Contents {
    private final String source;
    private final byte[] bytes;
    private final int dataStart;
    private final Map<String, TensorInfo> byName;
    private final Map<String, String> metadata;

    private Contents(String source, byte[] bytes, int dataStart, List<TensorInfo> sorted,
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
        String listed = some.size() <= 10 ? some.toString()
            : some.subList(0, 10) + " and " + (some.size() - 10) + " more";
        throw fail(source, "no tensor named '" + name + "'; the file has " + some.size() + ": "
            + listed);
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
     * Decodes an F32 tensor straight into {@code dest[destOffset ..]}: the way to fill one
     * tensor's view of a flat parameter vector without an intermediate array.
     */
    public void floatsInto(String name, float[] dest, int destOffset) throws IOException {
      TensorInfo t = typed(name, Dtype.F32);
      Objects.requireNonNull(dest, "dest");
      if (destOffset < 0 || destOffset > dest.length - t.numel()) {
        throw new IllegalArgumentException("tensor '" + name + "' has " + t.numel()
            + " elements; they do not fit in an array of " + dest.length + " at offset "
            + destOffset);
      }
      data(t).asFloatBuffer().get(dest, destOffset, (int) t.numel());
    }

    /**
     * The named F32 tensors concatenated, in the order listed, into one flat vector: the way to
     * load a whole parameter vector whose layout (names in offset order) the caller knows. For a
     * file {@link Safetensors#write} made from that layout this is exactly its data section; a
     * file that another writer reordered still loads correctly, because tensors are found by
     * name. Shapes are not checked here; compare {@link #shape} with the layout for that.
     */
    public float[] flatFloats(List<String> names) throws IOException {
      Objects.requireNonNull(names, "names");
      long total = 0;
      for (String name : names) {
        total += typed(name, Dtype.F32).numel();
      }
      if (total > MAX_ARRAY) {
        throw fail(source, "the " + names.size() + " tensors hold " + total
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

    private ByteBuffer data(TensorInfo t) {
      // Offsets were checked against the data section, which read() bounded by the array.
      return ByteBuffer.wrap(bytes, dataStart + (int) t.begin(), (int) (t.end() - t.begin()))
          .order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
