// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Names from data echoed in messages: escaped where not printable, cut when long. */
class PrintableTest {
  @Test
  void controlCharactersAndUndecodableBytesAreEscapedAndLongNamesCutShort() {
    assertEquals("pixel_12", Printable.name("pixel_12"));
    assertEquals("größe ✓", Printable.name("größe ✓"));
    assertEquals(
        "\\x00\\x00\\x08\\x03\\uFFFD\\x0A\\x1B[31m\\x7F",
        Printable.name("\0\0\b\3\uFFFD\n\u001B[31m\u007F"));
    assertEquals("a\\u200Eb\\u2028", Printable.name("a\u200Eb\u2028"));
    assertEquals("x".repeat(40), Printable.name("x".repeat(40)));
    assertEquals("x".repeat(40) + "…", Printable.name("x".repeat(41)));
    assertEquals("\\x00".repeat(40) + "…", Printable.name("\0".repeat(1000)));
    assertEquals("null", Printable.name(null));
  }
}
