// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Safetensors.Dtype;
import io.sparkvae.io.Safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsTest {
  private static final String SOURCE = "model/weights.safetensors";

  /**
   * A flat vector with awkward values (signed zero, NaN with a payload, the smallest denormal,
   * infinities) and four views into it, one of them a scalar, laid out back to back as a model's
   * layout is.
   */
  private static float[] flat() {
    float[] flat = new float[18];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (i - 7) * 0.37f;
    }
    flat[1] = -0f;
    flat[2] = Float.intBitsToFloat(0x7fc01234);
    flat[3] = Float.MIN_VALUE;
    flat[4] = Float.NEGATIVE_INFINITY;
    flat[5] = Float.MAX_VALUE;
    return flat;
  }

  private static List<Tensor> views(float[] flat) {
    return List.of(
        Tensor.f32("encoder.0.weight", flat, 0, 2, 3),
        Tensor.f32("encoder.0.bias", flat, 6, new int[] {3}),
        Tensor.f32("decoder.out.weight", flat, 9, 4, 2),
        Tensor.f32("decoder.log_scale", flat, 17));
  }

  @Test
  void viewsIntoOneFlatVectorRoundTripAndTheDataSectionIsThatVector() throws IOException {
    float[] flat = flat();
    byte[] bytes = Safetensors.toBytes(views(flat), Map.of());

    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8, "header padded to a multiple of 8 bytes");
    assertEquals(' ', (char) bytes[(int) (8 + n - 1)], "padding is spaces");
    // The data section, encoded here by hand: each float's raw bits, least significant byte first.
    byte[] expected = new byte[flat.length * 4];
    for (int i = 0; i < flat.length; i++) {
      int bits = Float.floatToRawIntBits(flat[i]);
      for (int b = 0; b < 4; b++) {
        expected[4 * i + b] = (byte) (bits >>> (8 * b));
      }
    }
    assertArrayEquals(expected, Arrays.copyOfRange(bytes, (int) (8 + n), bytes.length));

    SafetensorsContents c = Safetensors.read(bytes, SOURCE);
    assertEquals(
        List.of("encoder.0.weight", "encoder.0.bias", "decoder.out.weight", "decoder.log_scale"),
        new ArrayList<>(c.names()));
    assertArrayEquals(new long[] {2, 3}, c.shape("encoder.0.weight"));
    assertArrayEquals(new long[] {3}, c.shape("encoder.0.bias"));
    assertArrayEquals(new long[] {4, 2}, c.shape("decoder.out.weight"));
    assertArrayEquals(new long[] {}, c.shape("decoder.log_scale"));
    assertArrayEquals(bits(Arrays.copyOfRange(flat, 6, 9)), bits(c.floats("encoder.0.bias")));
    assertArrayEquals(bits(flat), bits(c.flatFloats(new ArrayList<>(c.names()))));
    assertTrue(c.metadata().isEmpty());

    float[] into = new float[20];
    c.floatsInto("decoder.out.weight", into, 11);
    assertArrayEquals(Arrays.copyOfRange(flat, 9, 17), Arrays.copyOfRange(into, 11, 19));
  }

  @Test
  void streamingWriteEqualsToBytesAcrossManyChunks() throws IOException {
    // 100k floats are 400 kB, several of write()'s 64 kB chunks, split at an odd offset.
    float[] flat = new float[100_003];
    for (int i = 0; i < flat.length; i++) {
      flat[i] = (float) Math.sin(i);
    }
    List<Tensor> ts =
        List.of(
            Tensor.f32("a", flat, 0, 317, 101),
            Tensor.f32("b", flat, 317 * 101, flat.length - 317 * 101));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Safetensors.write(out, ts, Map.of("k", "v"));
    assertArrayEquals(Safetensors.toBytes(ts, Map.of("k", "v")), out.toByteArray());
    SafetensorsContents c = Safetensors.read(out.toByteArray(), SOURCE);
    assertArrayEquals(flat, c.flatFloats(List.of("a", "b")));
  }

  @Test
  void headerUsesTheJsonTypesOtherReadersExpect() throws IOException {
    byte[] bytes = Safetensors.toBytes(views(flat()), Map.of("format", "spark-vae"));
    int n = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = Json.read(new String(bytes, 8, n, StandardCharsets.UTF_8), SOURCE);
    JsonNode w = header.get("encoder.0.weight");
    assertEquals("F32", w.get("dtype").textValue());
    assertTrue(w.get("shape").get(0).isIntegralNumber());
    assertEquals(2, w.get("shape").get(0).intValue());
    assertTrue(w.get("data_offsets").get(1).isIntegralNumber());
    assertEquals(24, w.get("data_offsets").get(1).longValue());
    assertTrue(header.get("decoder.log_scale").get("shape").isArray());
    assertEquals("spark-vae", header.get("__metadata__").get("format").textValue());
  }

  @Test
  void metadataRoundTripsInOrder() throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "spark-vae");
    meta.put("architecture", "{\"latent\": 2}");
    meta.put("empty", "");
    meta.put("unicode", "σ² → μ");
    SafetensorsContents c = Safetensors.read(Safetensors.toBytes(views(flat()), meta), SOURCE);
    assertEquals(meta, c.metadata());
    assertEquals(new ArrayList<>(meta.keySet()), new ArrayList<>(c.metadata().keySet()));
  }

  @Test
  void doublesAndLongsRoundTripBesideFloats() throws IOException {
    double[] d = {Math.PI, -0.0, Double.MIN_VALUE, 1e300};
    long[] l = {Long.MIN_VALUE, -1, 0, 42, Long.MAX_VALUE, 7};
    float[] f = {1.5f};
    List<Tensor> ts =
        List.of(
            Tensor.f32("f", f),
            Tensor.f64("d", d, 0, 2, 2),
            Tensor.i64("step", l, 3, 3),
            Tensor.i64("none", l, 0, 0, 5));
    SafetensorsContents c = Safetensors.read(Safetensors.toBytes(ts, null), SOURCE);
    assertArrayEquals(d, c.doubles("d"));
    assertArrayEquals(new long[] {42, Long.MAX_VALUE, 7}, c.longs("step"));
    assertArrayEquals(new long[0], c.longs("none"));
    assertArrayEquals(new long[] {0, 5}, c.shape("none"));
    assertEquals(Dtype.I64, c.dtype("step"));

    IOException wrongType = assertThrows(IOException.class, () -> c.floats("step"));
    assertMessage(wrongType, "'step' is I64, not F32");
    IOException missing = assertThrows(IOException.class, () -> c.floats("encoder.0.weight"));
    assertMessage(missing, "no tensor named 'encoder.0.weight'", "[f, d, step, none]");
  }

  @Test
  void tensorsAreFoundByNameWhenAnotherWriterReorderedThem() throws IOException {
    // As the Python library writes it: sorted by name, so "b" comes first in the data section.
    byte[] data = le(3f, 4f, 5f, 1f, 2f);
    byte[] bytes =
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}",
            data);
    SafetensorsContents c = Safetensors.read(bytes, SOURCE);
    assertEquals(List.of("b", "a"), new ArrayList<>(c.names()));
    assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f}, c.flatFloats(List.of("a", "b")));
  }

  @Test
  void writerRejectsBadTensors() {
    float[] flat = new float[4];
    assertThrows(IllegalArgumentException.class, () -> Tensor.f32("x", flat, 2, 3));
    assertThrows(IllegalArgumentException.class, () -> Tensor.f32("x", flat, 0, 2, -2));
    assertThrows(IllegalArgumentException.class, () -> Tensor.f32("__metadata__", flat));
    assertThrows(IllegalArgumentException.class, () -> Tensor.f32("", flat));
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> Safetensors.toBytes(List.of(Tensor.f32("x", flat), Tensor.f32("x", flat)), null));
    assertTrue(twice.getMessage().contains("two tensors are named 'x'"), twice.getMessage());
  }

  // ------------------------------------------------------------------------------ validation

  @Test
  void fileShorterThanTheLengthField() {
    assertRejected(new byte[5], "5 bytes, fewer than the 8-byte header length");
  }

  @Test
  void truncatedDataSection() throws IOException {
    byte[] bytes = Safetensors.toBytes(views(flat()), null);
    assertRejected(
        Arrays.copyOf(bytes, bytes.length - 4),
        "'decoder.log_scale' has data_offsets [68, 72] beyond the data section, which is 68 "
            + "bytes long");
  }

  @Test
  void tamperedHeaderLength() throws IOException {
    byte[] bytes = Safetensors.toBytes(views(flat()), null);
    assertRejected(
        withLength(bytes, bytes.length),
        "header length "
            + bytes.length
            + " runs past the end of the file: only "
            + (bytes.length - 8)
            + " bytes follow");
    assertRejected(withLength(bytes, 1L << 40), "header length 1099511627776 is absurd");
    assertRejected(withLength(bytes, -1), "header length 18446744073709551615 is absurd");
    // One byte short: the JSON object is cut before its closing brace.
    int n = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, n, StandardCharsets.UTF_8).strip();
    assertRejected(withLength(bytes, header.length() - 1), "header is not valid JSON");
  }

  @Test
  void headerThatIsNotJsonOrNotAnObject() {
    assertRejected(file("{\"a\": {\"dtype\": ", new byte[0]), "header is not valid JSON");
    assertRejected(file("[1, 2]", new byte[0]), "header is a JSON array, not an object");
    assertRejected(file("", new byte[0]), "header is empty");
    assertRejected(file("{} trailing", new byte[0]), "header is not valid JSON");
    String twice =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertRejected(file(twice, le(1f)), "header is not valid JSON", "Duplicate field 'a'");
    byte[] latin1 = file("{\"\u00e9\":{}}", new byte[0]);
    latin1[10] = (byte) 0xe9; // the UTF-8 pair for é becomes a lone Latin-1 byte and a junk byte
    assertRejected(latin1, "header is not valid UTF-8");
  }

  @Test
  void entryMissingAField() {
    assertRejected(
        file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", le(1f)),
        "tensor 'w' has no \"dtype\"");
    assertRejected(
        file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", le(1f)),
        "tensor 'w' has no \"shape\"");
    assertRejected(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", le(1f)),
        "tensor 'w' has no \"data_offsets\"");
    assertRejected(file("{\"w\":[1]}", le(1f)), "tensor 'w' is an array in the header");
  }

  @Test
  void malformedShapeOrOffsets() {
    assertRejected(
        entry("\"F32\"", "[2.5]", "[0,4]", 4),
        "'w' has shape [2.5]; expected an " + "array of non-negative integers");
    assertRejected(entry("\"F32\"", "[-1]", "[0,4]", 4), "'w' has shape [-1]");
    assertRejected(
        entry("\"F32\"", "[1]", "[0]", 4),
        "'w' has data_offsets [0]; expected an " + "array of 2 non-negative integers");
    assertRejected(entry("\"F32\"", "[0]", "[4,0]", 4), "[4, 0], which end before they begin");
    assertRejected(entry("32", "[1]", "[0,4]", 4), "'w' has dtype 32; expected a string");
  }

  @Test
  void unsupportedDtype() {
    assertRejected(
        entry("\"BF16\"", "[2]", "[0,4]", 4),
        "tensor 'w' has dtype \"BF16\", which is not supported (supported: [F32, F64, I64])");
  }

  @Test
  void shapeThatDoesNotMatchTheByteRange() {
    assertRejected(
        entry("\"F32\"", "[2,3]", "[0,20]", 20),
        "'w' is F32 of shape [2, 3], which "
            + "takes 24 bytes, but its data_offsets [0, 20] span 20 bytes");
    assertRejected(entry("\"F64\"", "[4611686018427387904, 4]", "[0,8]", 8), "too large");
  }

  @Test
  void overlappingTensors() {
    assertRejected(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            le(1f, 2f, 3f)),
        "tensors 'a' [0, 8) and 'b' [4, 12) overlap");
  }

  @Test
  void holesInTheDataSection() {
    assertRejected(
        file(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}",
            le(1, 2, 3, 4)),
        "bytes [8, 12) of the data section belong to no tensor (a hole between 'a' [0, 8) and "
            + "'b' [12, 16))");
    assertRejected(entry("\"F32\"", "[1]", "[4,8]", 8), "bytes [0, 4)", "hole at the start");
    assertRejected(
        entry("\"F32\"", "[1]", "[0,4]", 12),
        "the last 8 bytes of the data section [4, 12) belong to no tensor");
  }

  @Test
  void metadataThatIsNotStringToString() {
    assertRejected(
        file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]),
        "__metadata__ value of 'epoch' is a number (3); safetensors metadata maps strings to "
            + "strings");
    assertRejected(
        file("{\"__metadata__\":[\"x\"]}", new byte[0]),
        "__metadata__ is an array; it must be an object");
  }

  @Test
  void emptyFileOfNoTensorsIsValid() throws IOException {
    SafetensorsContents c = Safetensors.read(Safetensors.toBytes(List.of(), null), SOURCE);
    assertTrue(c.names().isEmpty());
    assertTrue(c.metadata().isEmpty());
    assertArrayEquals(new float[0], c.flatFloats(List.of()));
  }

  // --------------------------------------------------------------------------------- helpers

  private static void assertRejected(byte[] bytes, String... fragments) {
    IOException e = assertThrows(IOException.class, () -> Safetensors.read(bytes, SOURCE));
    assertMessage(e, fragments);
    assertTrue(e.getMessage().startsWith(SOURCE + ": "), "names the source: " + e.getMessage());
  }

  private static void assertMessage(Exception e, String... fragments) {
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "expected \"" + f + "\" in: " + e.getMessage());
    }
  }

  /** A file of one tensor 'w' with the given JSON values and {@code dataBytes} zero bytes. */
  private static byte[] entry(String dtype, String shape, String offsets, int dataBytes) {
    return file(
        "{\"w\":{\"dtype\":"
            + dtype
            + ",\"shape\":"
            + shape
            + ",\"data_offsets\":"
            + offsets
            + "}}",
        new byte[dataBytes]);
  }

  /** A file with a hand-written header (padded as the format says) and data section. */
  private static byte[] file(String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    int n = (json.length + 7) & ~7;
    ByteBuffer buf = ByteBuffer.allocate(8 + n + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(n).put(json);
    for (int i = json.length; i < n; i++) {
      buf.put((byte) ' ');
    }
    return buf.put(data).array();
  }

  private static byte[] withLength(byte[] bytes, long n) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
    return copy;
  }

  private static byte[] le(float... values) {
    ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buf.putFloat(v);
    }
    return buf.array();
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }
}
