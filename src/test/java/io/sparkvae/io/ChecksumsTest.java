// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
  // FIPS 180-2's test vectors, as sha256sum prints them.
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void knownDigests() throws IOException {
    assertEquals(EMPTY, Checksums.sha256Hex(new byte[0]));
    assertEquals(ABC, Checksums.sha256Hex("abc".getBytes(US_ASCII)));
    assertEquals(ABC, Checksums.sha256Hex(new ByteArrayInputStream("abc".getBytes(US_ASCII))));
  }

  @Test
  void streamingAgreesWithOneShotAcrossChunks() throws IOException {
    byte[] data = new byte[200_001];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >>> 9));
    }
    String expected = Checksums.sha256Hex(data);
    assertEquals(expected, Checksums.sha256Hex(new ByteArrayInputStream(data)));

    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Checksums.Sha256OutputStream out = Checksums.hashing(sink);
    out.write(data, 0, 1000);
    out.write(data[1000]);
    out.write(data, 1001, data.length - 1001);
    assertEquals(expected, out.sha256Hex());
    assertEquals(data.length, out.count());
    assertEquals(data.length, sink.size());
    assertThrows(IllegalStateException.class, () -> out.write(1));
  }

  @Test
  void verifyNamesTheSourceAndBothDigests() throws IOException {
    byte[] abc = "abc".getBytes(US_ASCII);
    Checksums.verifySha256(abc, ABC.toUpperCase(java.util.Locale.ROOT), "x");
    IOException e =
        assertThrows(
            IOException.class,
            () -> Checksums.verifySha256(abc, EMPTY, "model/weights.safetensors"));
    assertTrue(
        e.getMessage()
            .startsWith("model/weights.safetensors: SHA-256 is " + ABC + ", expected " + EMPTY),
        e.getMessage());
  }
}
