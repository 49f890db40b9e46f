// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import java.util.Locale;

/**
 * Names read from data (column names, CSV headers) made safe to echo in a message: a binary file
 * read as CSV has its raw bytes as a "header", which must not reach the terminal as they are.
 */
public final class Printable {
  /** The longest name shown in full; longer ones are cut to this many characters and "…". */
  public static final int MAX = 40;

  private Printable() {}

  /**
   * {@code name} with control characters, U+FFFD (the decoder's mark for bytes that were not text)
   * and other non-printable characters written as escapes ({@code \x00}, {@code \uFFFD}), and cut
   * to {@link #MAX} characters and "…" when longer. Null stays "null".
   */
  public static String name(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < name.length(); ) {
      if (shown == MAX) {
        return sb.append('…').toString();
      }
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      shown++;
      if (c < 0x80 && !Character.isISOControl(c)) {
        sb.append((char) c);
      } else if (c < 0x100 && Character.isISOControl(c)) {
        sb.append(String.format(Locale.ROOT, "\\x%02X", c));
      } else if (printable(c)) {
        sb.appendCodePoint(c);
      } else if (c <= 0xFFFF) {
        sb.append(String.format(Locale.ROOT, "\\u%04X", c));
      } else {
        sb.append(String.format(Locale.ROOT, "\\U%08X", c));
      }
    }
    return sb.toString();
  }

  private static boolean printable(int c) {
    if (c == 0xFFFD || !Character.isDefined(c)) {
      return false;
    }
    switch (Character.getType(c)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
      case Character.UNASSIGNED:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return false;
      default:
        return true;
    }
  }
}
