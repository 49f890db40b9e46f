// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * What {@link ImageGrid} and {@link Charts} share: headless AWT, fonts, text that fits its box, and
 * the colour palette.
 *
 * <p>Reports are drawn on a Spark driver, which has no display. AWT decides once, on first use,
 * whether it is headless, so every public entry point of this package calls {@link
 * #ensureHeadless()} from its class initializer, before any AWT class does real work.
 */
final class Drawing {
  /** Text on the white figure background: near-black reads softer than pure black. */
  static final Color TEXT = new Color(0x20, 0x20, 0x20);

  static final Color BACKGROUND = Color.WHITE;

  /**
   * Tableau's ten categorical colours (matplotlib's "tab10"): chosen to stay distinguishable from
   * one another, also for the common forms of colour blindness, when drawn as small markers.
   */
  static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    new Color(0xbcbd22), new Color(0x17becf)
  };

  private static volatile boolean fontsChecked;

  private Drawing() {}

  /**
   * Makes AWT headless unless the JVM was told otherwise. It must run before AWT's {@code
   * GraphicsEnvironment} is first asked; setting it afterwards has no effect (Linux without a
   * {@code DISPLAY} is detected as headless anyway, so this mainly protects desktops and Macs from
   * a stray window server connection).
   */
  static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** The i-th categorical colour; past ten, hues spaced by the golden angle so none repeat. */
  static Color color(int i) {
    if (i < PALETTE.length) {
      return PALETTE[i];
    }
    float hue = (float) ((i - PALETTE.length) * 0.381966) % 1f;
    return Color.getHSBColor(hue, 0.75f, 0.8f);
  }

  /** The logical sans-serif font (DejaVu Sans on most Linux systems) at {@code size} pixels. */
  static Font font(float size, boolean bold) {
    checkFonts();
    return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 12).deriveFont(size);
  }

  /**
   * Fails with advice instead of a NullPointerException deep in {@code sun.awt} when the JVM finds
   * no fonts, as on slim container images without fontconfig.
   */
  static void checkFonts() {
    if (fontsChecked) {
      return;
    }
    try {
      BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = probe.createGraphics();
      g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12)).stringWidth("0.5 z");
      g.dispose();
    } catch (RuntimeException | LinkageError | InternalError e) {
      throw new IllegalStateException(
          "this JVM cannot render text ("
              + e
              + "); reports need fontconfig and at least one TrueType font, e.g. the Debian/Ubuntu "
              + "packages fontconfig and fonts-dejavu-core",
          e);
    }
    fontsChecked = true;
  }

  /** A white RGB canvas and its graphics, with antialiased text. */
  static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setColor(BACKGROUND);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    return g;
  }

  /** Text shrunk (down to {@code minSize}) and then cut with an ellipsis to fit a width. */
  record Fitted(String text, Font font) {}

  static Fitted fit(Graphics2D g, String text, Font font, int maxWidth, float minSize) {
    Font f = font;
    while (g.getFontMetrics(f).stringWidth(text) > maxWidth && f.getSize2D() - 0.5f >= minSize) {
      f = f.deriveFont(f.getSize2D() - 0.5f);
    }
    FontMetrics m = g.getFontMetrics(f);
    if (m.stringWidth(text) <= maxWidth) {
      return new Fitted(text, f);
    }
    String cut = text;
    while (!cut.isEmpty() && m.stringWidth(cut + "…") > maxWidth) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return new Fitted(cut.isEmpty() ? "" : cut + "…", f);
  }

  /**
   * Draws {@code text} centred horizontally on {@code centerX} and vertically in the band {@code
   * [top, top + bandHeight)}, fitted to {@code maxWidth}.
   */
  static void centered(
      Graphics2D g, String text, Font font, int centerX, int top, int bandHeight, int maxWidth) {
    if (text == null || text.isEmpty()) {
      return;
    }
    Fitted fitted = fit(g, text, font, maxWidth, Math.min(font.getSize2D(), 9f));
    FontMetrics m = g.getFontMetrics(fitted.font());
    int w = m.stringWidth(fitted.text());
    int baseline = top + (bandHeight - m.getAscent() - m.getDescent()) / 2 + m.getAscent();
    g.setFont(fitted.font());
    g.setColor(TEXT);
    g.drawString(fitted.text(), centerX - w / 2, baseline);
  }

  /** The height of a band that holds one line of {@code font} with {@code pad} above and below. */
  static int bandHeight(Graphics2D g, Font font, int pad) {
    FontMetrics m = g.getFontMetrics(font);
    return m.getAscent() + m.getDescent() + 2 * pad;
  }

  /** Graphics for measuring text before the real canvas size is known. */
  static Graphics2D measuring() {
    return canvas(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
  }
}
