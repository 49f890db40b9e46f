// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import io.sparkvae.report.Charts.Decoder;
import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * The decoded latent manifold behind {@link Charts#manifold}: an image grid drawn by hand rather
 * than by JFreeChart, with the grid's z values written along two sides.
 */
final class ManifoldFigure {
  private ManifoldFigure() {}

  static BufferedImage manifoldImage(
      Decoder decoder,
      int n,
      double pLow,
      double pHigh,
      int height,
      int width,
      int channels,
      int scale,
      String title) {
    if (decoder == null) {
      throw new IllegalArgumentException("a decoder must be given");
    }
    if (n < 1) {
      throw new IllegalArgumentException("grid size n must be >= 1, got " + n);
    }
    ImageGrid.checkShape(height, width, channels);
    ImageGrid.checkScale(scale);
    double[] q = ReportMath.normalQuantiles(n, pLow, pHigh);
    // Row r of the figure shows z2 = q[n-1-r]: the top row is the largest z2.
    float[][] zs = new float[n * n][];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        zs[r * n + c] = new float[] {(float) q[c], (float) q[n - 1 - r]};
      }
    }
    float[][] images = decoder.decode(zs);
    if (images == null || images.length != n * n) {
      throw new IllegalArgumentException(
          "the decoder returned "
              + (images == null ? "null" : images.length + " images")
              + " for "
              + (n * n)
              + " latent codes");
    }
    ImageGrid.checkImages("decoded images", images, height, width, channels);

    int tileW = width * scale;
    int tileH = height * scale;
    int sep = ImageGrid.separator(scale);
    int pitchX = tileW + sep;
    int pitchY = tileH + sep;
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      // The middle of an odd grid is Φ⁻¹(0.5 − ulp), which would print as "-0.00".
      labels[i] = String.format(Locale.ROOT, "%.2f", Math.abs(q[i]) < 0.005 ? 0.0 : q[i]);
    }
    boolean titled = title != null && !title.isBlank();

    Graphics2D probe = Drawing.measuring();
    Font tickFont = Drawing.font(13f, false);
    Font axisFont = Drawing.font(16f, false);
    Font titleFont = ImageGrid.titleFont();
    FontMetrics tm = probe.getFontMetrics(tickFont);
    int labelW = 0;
    for (String l : labels) {
      labelW = Math.max(labelW, tm.stringWidth(l));
    }
    int tickBand = Drawing.bandHeight(probe, tickFont, 3);
    int axisBand = Drawing.bandHeight(probe, axisFont, 4);
    int titleH = titled ? Drawing.bandHeight(probe, titleFont, 6) : 8;
    int titleW = titled ? probe.getFontMetrics(titleFont).stringWidth(title) : 0;
    probe.dispose();

    int tick = 4;
    int margin = 8;
    int leftW = margin + axisBand + labelW + tick + 6;
    int gridW = n * tileW + (n - 1) * sep;
    int gridH = n * tileH + (n - 1) * sep;
    int figW = Math.max(leftW + gridW + margin + labelW / 2, titleW + 2 * margin);
    int figH = titleH + gridH + tick + tickBand + axisBand + margin;
    int x0 = leftW;
    int y0 = titleH;

    BufferedImage out = new BufferedImage(figW, figH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Drawing.canvas(out);
    if (titled) {
      Drawing.centered(g, title, titleFont, figW / 2, 0, titleH, figW - 2 * margin);
    }
    ImageGrid.frame(out, x0, y0, gridW, gridH, sep);
    for (int i = 0; i < n * n; i++) {
      ImageGrid.drawTile(
          out,
          images[i],
          height,
          width,
          channels,
          scale,
          x0 + (i % n) * pitchX,
          y0 + (i / n) * pitchY);
    }
    // Label every column and row if the numbers fit, else every k-th, always including the first.
    int strideX = Math.max(1, (int) Math.ceil((labelW + 8.0) / pitchX));
    int strideY = Math.max(1, (int) Math.ceil((tickBand + 2.0) / pitchY));
    g.setColor(Drawing.TEXT);
    g.setStroke(new BasicStroke(1f));
    int below = y0 + gridH;
    for (int c = 0; c < n; c += strideX) {
      int cx = x0 + c * pitchX + tileW / 2;
      g.setColor(Drawing.TEXT);
      g.drawLine(cx, below, cx, below + tick);
      Drawing.centered(g, labels[c], tickFont, cx, below + tick, tickBand, pitchX * strideX);
    }
    FontMetrics m = g.getFontMetrics(tickFont);
    for (int r = 0; r < n; r += strideY) {
      int cy = y0 + r * pitchY + tileH / 2;
      g.setColor(Drawing.TEXT);
      g.drawLine(x0 - tick, cy, x0 - 1, cy);
      String l = labels[n - 1 - r];
      g.setFont(tickFont);
      g.drawString(l, x0 - tick - 3 - m.stringWidth(l), cy + (m.getAscent() - m.getDescent()) / 2);
    }
    Drawing.centered(g, "z1", axisFont, x0 + gridW / 2, below + tick + tickBand, axisBand, gridW);
    AffineTransform saved = g.getTransform();
    g.translate(margin + axisBand / 2.0, y0 + gridH / 2.0);
    g.rotate(-Math.PI / 2);
    Drawing.centered(g, "z2", axisFont, 0, -axisBand / 2, axisBand, gridH);
    g.setTransform(saved);
    g.dispose();
    return out;
  }
}
