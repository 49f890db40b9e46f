// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static io.sparkvae.io.Safetensors.MAX_HEADER_BYTES;
import static io.sparkvae.io.Safetensors.METADATA_KEY;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sparkvae.io.Safetensors.Dtype;
import io.sparkvae.io.Safetensors.TensorInfo;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates a safetensors file for {@link Safetensors#read}: the header length, the header as
 * strict UTF-8 JSON, every tensor entry, and that the tensors tile the data section exactly. A
 * corrupt or hostile file fails here with a message naming the problem, before any number is
 * decoded.
 */
final class SafetensorsReader {
  // Duplicate keys would let a file name a tensor twice and have the parser keep either one, and
  // trailing garbage after the object means the header length is wrong; both are corruption.
  private static final ObjectReader STRICT =
      Json.MAPPER
          .reader()
          .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private SafetensorsReader() {}

  static SafetensorsContents read(byte[] bytes, String source) throws IOException {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(source, "source");
    if (bytes.length < Long.BYTES) {
      throw fail(
          source,
          "not a safetensors file: it has "
              + bytes.length
              + " bytes, fewer than the 8-byte header length every safetensors file starts with");
    }
    long n = ByteBuffer.wrap(bytes, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
    // Unsigned on disk: a negative long is a length of 2^63 or more.
    if (n < 0 || n > MAX_HEADER_BYTES) {
      throw fail(
          source,
          "header length "
              + Long.toUnsignedString(n)
              + " is absurd (readers "
              + "accept at most "
              + MAX_HEADER_BYTES
              + " bytes): the file is corrupt or not "
              + "safetensors");
    }
    if (n > bytes.length - Long.BYTES) {
      throw fail(
          source,
          "header length "
              + n
              + " runs past the end of the file: only "
              + (bytes.length - Long.BYTES)
              + " bytes follow the length (a truncated file?)");
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
    return new SafetensorsContents(source, bytes, dataStart, infos, metadata);
  }

  private static JsonNode parseHeader(byte[] bytes, int n, String source) throws IOException {
    String text;
    try {
      // Strict decoding: the default decoder would silently turn bad bytes into U+FFFD.
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
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
      throw fail(
          source,
          "header is a JSON "
              + kind(root)
              + ", not an object mapping tensor "
              + "names to {dtype, shape, data_offsets}");
    }
    return root;
  }

  private static Map<String, String> parseMetadata(JsonNode node, String source)
      throws IOException {
    if (!node.isObject()) {
      throw fail(
          source, METADATA_KEY + " is " + aKind(node) + "; it must be an object of string values");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw fail(
            source,
            METADATA_KEY
                + " value of '"
                + e.getKey()
                + "' is "
                + aKind(e.getValue())
                + " ("
                + e.getValue()
                + "); safetensors metadata maps strings "
                + "to strings");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static TensorInfo parseEntry(String name, JsonNode node, long dataLength, String source)
      throws IOException {
    String what = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw fail(
          source,
          what
              + " is "
              + aKind(node)
              + " in the header; expected an object with dtype, shape and data_offsets");
    }
    for (String key : List.of("dtype", "shape", "data_offsets")) {
      if (!node.has(key)) {
        throw fail(
            source,
            what + " has no \"" + key + "\" (every tensor needs dtype, shape and data_offsets)");
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
      throw fail(
          source,
          what
              + " has dtype \""
              + dtypeNode.textValue()
              + "\", which is not supported (supported: "
              + Arrays.toString(Dtype.values())
              + ")");
    }
    long[] shape = naturals(node.get("shape"), -1, what + " has shape", source);
    long[] offsets = naturals(node.get("data_offsets"), 2, what + " has data_offsets", source);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw fail(
          source,
          what + " has data_offsets [" + begin + ", " + end + "], which end before they begin");
    }
    long expected = dtype.size();
    try {
      for (long d : shape) {
        expected = Math.multiplyExact(expected, d);
      }
    } catch (ArithmeticException e) {
      throw fail(source, what + " has shape " + Arrays.toString(shape) + ", too large to exist");
    }
    if (expected != end - begin) {
      throw fail(
          source,
          what
              + " is "
              + dtype
              + " of shape "
              + Arrays.toString(shape)
              + ", which takes "
              + expected
              + " bytes, but its data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin)
              + " bytes");
    }
    if (end > dataLength) {
      throw fail(
          source,
          what
              + " has data_offsets ["
              + begin
              + ", "
              + end
              + "] beyond the "
              + "data section, which is "
              + dataLength
              + " bytes long (a truncated file?)");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** A JSON array of non-negative integers, of length {@code arity} unless it is negative. */
  private static long[] naturals(JsonNode node, int arity, String what, String source)
      throws IOException {
    String expected =
        arity < 0
            ? "an array of non-negative integers"
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
   * The reference implementation accepts only a data section that the tensors tile exactly: sorted
   * by offset, each begins where the previous ended and the last ends at the end of the file.
   * Overlaps would let two names alias one buffer; holes hide unaccounted bytes.
   */
  private static void checkCoverage(List<TensorInfo> sorted, long dataLength, String source)
      throws IOException {
    long covered = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.begin() < covered) {
        throw fail(
            source,
            "tensors "
                + span(previous)
                + " and "
                + span(t)
                + " overlap; each "
                + "byte of the data section must belong to exactly one tensor");
      }
      if (t.begin() > covered) {
        throw fail(
            source,
            "bytes ["
                + covered
                + ", "
                + t.begin()
                + ") of the data section "
                + "belong to no tensor (a hole "
                + (previous == null
                    ? "at the start"
                    : "between " + span(previous) + " and " + span(t))
                + "); the tensors must "
                + "cover the data section exactly");
      }
      covered = t.end();
      previous = t;
    }
    if (covered != dataLength) {
      throw fail(
          source,
          "the last "
              + (dataLength - covered)
              + " bytes of the data section ["
              + covered
              + ", "
              + dataLength
              + ") belong to no tensor; the tensors must cover the "
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

  static IOException fail(String source, String problem) {
    return new IOException(source + ": " + problem);
  }

  static IOException fail(String source, String problem, Throwable cause) {
    return new IOException(source + ": " + problem, cause);
  }
}
