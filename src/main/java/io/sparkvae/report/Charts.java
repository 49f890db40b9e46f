package io.sparkvae.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The figures of a training report, each returned as PNG bytes ready to be written through the
 * Hadoop file system API: loss curves, a scatter of the latent space, and the decoded latent
 * manifold.
 *
 * <p>Every chart uses one look: white background, light grid lines, sans-serif text sized for a
 * 900-pixel-wide figure viewed at 100%, the ten Tableau colours in a fixed order, and the legend
 * outside the plotting area so it can never hide data.
 */
public final class Charts {
  static {
    Drawing.ensureHeadless();
  }

  /** Size of {@link #lossCurves}, in pixels; the taller figures add 100 pixels of height. */
  public static final int WIDTH = 900;
  public static final int HEIGHT = 600;

  /** Curves with at most this many points get a marker at each: beyond, markers become a smear. */
  static final int MAX_MARKED_POINTS = 40;

  private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
  private static final Color OUTLINE = new Color(0x99, 0x99, 0x99);

  /**
   * Maps a batch of latent codes to images, for {@link #manifold}: {@code zs} holds one 2-D code
   * per row and the result one image per code, in the same order, as pixel <em>means</em> in
   * [0, 1] (for a Bernoulli decoder the sigmoid of the logits, not the logits themselves). All
   * codes of a figure arrive in one call, so the decoder can run them as one batch.
   */
  @FunctionalInterface
  public interface Decoder {
    float[][] decode(float[][] zs);
  }

  private Charts() {}

  // ---------------------------------------------------------------------------------------------
  // Loss curves

  /**
   * One line per entry of {@code series} over the epochs, with a marker at each point when there
   * are few. Series are drawn, coloured and listed in the map's iteration order, so pass a
   * {@link java.util.LinkedHashMap}.
   *
   * <p>NaN and infinite values are left out: validation may run only every few epochs, and the
   * line then joins the epochs that have a value. A one-epoch run shows single markers.
   *
   * @param epochs the x values, typically 1, 2, …
   * @param series name → one value per epoch (same length as {@code epochs})
   */
  public static byte[] lossCurves(int[] epochs, Map<String, double[]> series, String title,
      String yLabel) {
    return png(lossChart(epochs, series, title, yLabel), WIDTH, HEIGHT);
  }

  /**
   * The standard training figure, 900 × 700 pixels: above, −ELBO on the training and validation
   * sets; below, the two terms of the training −ELBO, reconstruction and KL, each on its own axis.
   *
   * <p>The terms get separate axes because they differ by an order of magnitude or more (a few
   * hundred nats of reconstruction against tens of KL on Fashion-MNIST): on one axis the KL curve
   * would lie flat along the bottom, yet its rise is exactly what shows the encoder starting to
   * use the latent space.
   * The axes are tinted in their curve's colour so that each curve is read against its own.
   *
   * @param valNegElbo per-epoch validation −ELBO (NaN where not evaluated), or null for none
   * @param trainRecon per-epoch reconstruction term, or null; with {@code trainKl} also null the
   *     lower panel is left out
   * @param trainKl per-epoch KL term, or null
   */
  public static byte[] trainingCurves(int[] epochs, double[] trainNegElbo, double[] valNegElbo,
      double[] trainRecon, double[] trainKl) {
    return png(trainingChart(epochs, trainNegElbo, valNegElbo, trainRecon, trainKl), WIDTH,
        HEIGHT + 100);
  }

  static JFreeChart lossChart(int[] epochs, Map<String, double[]> series, String title,
      String yLabel) {
    checkEpochs(epochs);
    if (series == null || series.isEmpty()) {
      throw new IllegalArgumentException("no series to plot");
    }
    List<String> names = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      names.add(e.getKey());
      values.add(e.getValue());
    }
    NumberAxis epochAxis = epochAxis(epochs);
    XYPlot plot = curvePlot(epochs, names, values, 0, yLabel);
    plot.setDomainAxis(epochAxis);
    return chart(title, plot, RectangleEdge.BOTTOM);
  }

  static JFreeChart trainingChart(int[] epochs, double[] trainNegElbo, double[] valNegElbo,
      double[] trainRecon, double[] trainKl) {
    checkEpochs(epochs);
    if (trainNegElbo == null) {
      throw new IllegalArgumentException("the training -ELBO curve must be given");
    }
    List<String> names = new ArrayList<>(List.of("train -ELBO"));
    List<double[]> values = new ArrayList<>();
    values.add(trainNegElbo);
    if (valNegElbo != null) {
      names.add("validation -ELBO");
      values.add(valNegElbo);
    }
    XYPlot top = curvePlot(epochs, names, values, 0, "-ELBO (nats / image)");
    if (trainRecon == null && trainKl == null) {
      top.setDomainAxis(epochAxis(epochs));
      return chart("Training curves", top, RectangleEdge.BOTTOM);
    }

    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochAxis(epochs));
    combined.setGap(14);
    combined.add(top, 3);
    XYPlot bottom;
    if (trainRecon != null) {
      bottom = curvePlot(epochs, List.of("train reconstruction"), List.of(trainRecon), 2,
          "reconstruction (nats)");
      tint(bottom.getRangeAxis(), Drawing.color(2));
      if (trainKl != null) {
        XYPlot kl = curvePlot(epochs, List.of("train KL"), List.of(trainKl), 3, "KL (nats)");
        bottom.setDataset(1, kl.getDataset());
        bottom.setRenderer(1, kl.getRenderer());
        bottom.setRangeAxis(1, kl.getRangeAxis());
        bottom.setRangeAxisLocation(1, AxisLocation.BOTTOM_OR_RIGHT);
        bottom.mapDatasetToRangeAxis(1, 1);
        tint(kl.getRangeAxis(), Drawing.color(3));
      }
    } else {
      bottom = curvePlot(epochs, List.of("train KL"), List.of(trainKl), 3, "KL (nats)");
    }
    combined.add(bottom, 2);
    return chart("Training curves", combined, RectangleEdge.BOTTOM);
  }

  /** A plot of curves over the epochs; colours and markers start at {@code firstStyle}. */
  private static XYPlot curvePlot(int[] epochs, List<String> names, List<double[]> values,
      int firstStyle, String yLabel) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    double[] span = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int s = 0; s < names.size(); s++) {
      String name = names.get(s);
      double[] v = values.get(s);
      if (name == null) {
        throw new IllegalArgumentException("series " + s + " has no name");
      }
      if (v == null || v.length != epochs.length) {
        throw new IllegalArgumentException("series '" + name + "' has "
            + (v == null ? "no values" : v.length + " values") + " for " + epochs.length
            + " epochs");
      }
      XYSeries xy = new XYSeries(name, false, true);
      for (int i = 0; i < v.length; i++) {
        if (Double.isFinite(v[i])) {
          xy.add(epochs[i], v[i], false);
          span[0] = Math.min(span[0], v[i]);
          span[1] = Math.max(span[1], v[i]);
        }
      }
      dataset.addSeries(xy);
      int style = firstStyle + s;
      renderer.setSeriesPaint(s, Drawing.color(style));
      renderer.setSeriesStroke(s, new BasicStroke(2.2f, BasicStroke.CAP_ROUND,
          BasicStroke.JOIN_ROUND));
      renderer.setSeriesShape(s, marker(style, 7));
      // Counted per curve: validation run every tenth epoch keeps its markers on a long run.
      renderer.setSeriesShapesVisible(s, xy.getItemCount() <= MAX_MARKED_POINTS);
      renderer.setLegendShape(s, marker(style, 9));
    }
    NumberAxis valueAxis = new NumberAxis(yLabel);
    styleAxis(valueAxis);
    valueAxis.setAutoRangeIncludesZero(false);
    // Room above and below so that the first and last markers are not cut by the frame.
    valueAxis.setLowerMargin(0.08);
    valueAxis.setUpperMargin(0.08);
    if (span[0] <= span[1]) {
      // Without a floor on the axis span, a flat or one-point curve gets an axis of width 1e-8
      // labelled to ten decimals. Two percent of the magnitude keeps it readable.
      double magnitude = Math.max(Math.abs(span[0]), Math.abs(span[1]));
      valueAxis.setAutoRangeMinimumSize(magnitude > 0 ? 0.02 * magnitude : 1.0);
    }
    return new XYPlot(dataset, null, valueAxis, renderer);
  }

  /** The shared x axis: whole epochs only, and room either side of a single epoch. */
  private static NumberAxis epochAxis(int[] epochs) {
    NumberAxis axis = new NumberAxis("epoch");
    styleAxis(axis);
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    axis.setAutoRangeIncludesZero(false);
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int e : epochs) {
      min = Math.min(min, e);
      max = Math.max(max, e);
    }
    if (max - min < 2) {
      axis.setRange(min - 1, max + 1);
    } else {
      axis.setLowerMargin(0.03);
      axis.setUpperMargin(0.03);
    }
    return axis;
  }

  private static void checkEpochs(int[] epochs) {
    if (epochs == null || epochs.length == 0) {
      throw new IllegalArgumentException("no epochs to plot");
    }
  }

  private static void tint(ValueAxis axis, Color color) {
    axis.setLabelPaint(color.darker());
    axis.setTickLabelPaint(color.darker());
    axis.setAxisLinePaint(color);
    axis.setTickMarkPaint(color);
  }

  // ---------------------------------------------------------------------------------------------
  // Latent scatter

  /**
   * A scatter of 2-D points (latent means, or their {@link ReportMath#pca2 PCA projection})
   * coloured by class, 900 × 700 pixels with the legend to the right of the plot.
   *
   * <p>Markers are small and semi-transparent so that a few thousand points show their density
   * rather than a solid blob, and so that overlapping classes stay visible. The legend, beside the
   * plot, uses larger opaque markers to keep the colours identifiable. Points with a NaN or
   * infinite coordinate are left out and counted in a subtitle.
   *
   * @param labels one class per point, or null to draw all points in one colour
   * @param labelNames names by class number (e.g. "T-shirt/top" for 0), or null; classes without
   *     a name are shown as "label k"
   */
  public static byte[] latentScatter(float[] xs, float[] ys, int[] labels, String[] labelNames,
      String title, String xLabel, String yLabel) {
    return png(scatterChart(xs, ys, labels, labelNames, title, xLabel, yLabel), WIDTH,
        HEIGHT + 100);
  }

  static JFreeChart scatterChart(float[] xs, float[] ys, int[] labels, String[] labelNames,
      String title, String xLabel, String yLabel) {
    if (xs == null || ys == null || xs.length != ys.length) {
      throw new IllegalArgumentException("need one y per x: got "
          + (xs == null ? "no" : String.valueOf(xs.length)) + " x and "
          + (ys == null ? "no" : String.valueOf(ys.length)) + " y values");
    }
    if (xs.length == 0) {
      throw new IllegalArgumentException("no points to scatter");
    }
    if (labels != null && labels.length != xs.length) {
      throw new IllegalArgumentException(labels.length + " labels for " + xs.length
          + " points; give one per point or none");
    }
    // Bucket the points by label, ascending, so colours follow class numbers.
    TreeMap<Integer, int[]> counts = new TreeMap<>();
    int skipped = 0;
    for (int i = 0; i < xs.length; i++) {
      if (!Float.isFinite(xs[i]) || !Float.isFinite(ys[i])) {
        skipped++;
        continue;
      }
      counts.computeIfAbsent(labels == null ? 0 : labels[i], k -> new int[1])[0]++;
    }
    DefaultXYDataset dataset = new DefaultXYDataset();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    int s = 0;
    for (Map.Entry<Integer, int[]> bucket : counts.entrySet()) {
      int label = bucket.getKey();
      double[][] data = new double[2][bucket.getValue()[0]];
      int k = 0;
      for (int i = 0; i < xs.length; i++) {
        if (Float.isFinite(xs[i]) && Float.isFinite(ys[i])
            && (labels == null || labels[i] == label)) {
          data[0][k] = xs[i];
          data[1][k] = ys[i];
          k++;
        }
      }
      String name = labels == null ? "points" : labelName(label, labelNames);
      dataset.addSeries(name + " (" + k + ")", data);
      // Colour by the class number where it is a palette index, so that a class keeps its colour
      // across figures even when some classes are absent from one of them.
      int colour = label >= 0 && label < Drawing.PALETTE.length ? label : s;
      renderer.setSeriesPaint(s, Drawing.color(colour));
      renderer.setSeriesShape(s, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
      renderer.setLegendShape(s, new Ellipse2D.Double(-5, -5, 10, 10));
      s++;
    }
    NumberAxis x = new NumberAxis(xLabel);
    NumberAxis y = new NumberAxis(yLabel);
    styleAxis(x);
    styleAxis(y);
    x.setAutoRangeIncludesZero(false);
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(dataset, x, y, renderer);
    // The plot's alpha applies to the data only, not to the legend drawn outside it.
    plot.setForegroundAlpha(xs.length > 500 ? 0.5f : 0.75f);
    JFreeChart chart = chart(title, plot, labels == null ? null : RectangleEdge.RIGHT);
    if (skipped > 0) {
      TextTitle note = new TextTitle(skipped + " point" + (skipped == 1 ? "" : "s")
          + " with a NaN or infinite coordinate not shown", Drawing.font(13f, false));
      note.setPaint(Drawing.TEXT);
      chart.addSubtitle(note);
    }
    return chart;
  }

  private static String labelName(int label, String[] names) {
    if (names != null && label >= 0 && label < names.length && names[label] != null) {
      return names[label];
    }
    return "label " + label;
  }

  // ---------------------------------------------------------------------------------------------
  // Latent manifold

  /**
   * The manifold of a 2-D latent space over the central 90% of the prior, with
   * {@link ImageGrid#defaultScale} capped to keep the figure about 1300 pixels wide.
   */
  public static byte[] manifold(Decoder decoder, int n, int height, int width, int channels) {
    ImageGrid.checkShape(height, width, channels);
    if (n < 1) {
      throw new IllegalArgumentException("grid size n must be >= 1, got " + n);
    }
    int fit = Math.max(1, 1300 / (n * Math.max(height, width)));
    int scale = Math.min(ImageGrid.defaultScale(height, width), fit);
    return manifold(decoder, n, 0.05, 0.95, height, width, channels, scale,
        "Decoder output over a " + n + " × " + n + " grid of z (normal quantiles 5% to 95%)");
  }

  /**
   * What the decoder makes of each point of an n × n grid over a 2-D latent space: the picture
   * of Kingma and Welling's "Auto-Encoding Variational Bayes" (2014, figure 4).
   *
   * <p>The grid is even in probability, not in z (see {@link ReportMath#normalQuantiles}): z₁
   * grows from left to right and z₂ from bottom to top, as on a chart's axes, and the values are
   * written beside the grid. Smooth change from tile to tile is what a well-trained VAE's latent
   * space looks like; abrupt jumps or blank regions show where it is not.
   *
   * <p>For a latent space of more than two dimensions, give a decoder that embeds the two grid
   * coordinates into a full code (e.g. zeros elsewhere, which is the prior mean).
   *
   * @param n tiles per side; the decoder is called once with all n² codes
   * @param pLow the probability of the first grid line, e.g. 0.05
   * @param pHigh the probability of the last, e.g. 0.95
   * @param title a line above the figure, or null
   */
  public static byte[] manifold(Decoder decoder, int n, double pLow, double pHigh, int height,
      int width, int channels, int scale, String title) {
    return ImageGrid.toPngBytes(
        manifoldImage(decoder, n, pLow, pHigh, height, width, channels, scale, title));
  }

  static BufferedImage manifoldImage(Decoder decoder, int n, double pLow, double pHigh,
      int height, int width, int channels, int scale, String title) {
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
      throw new IllegalArgumentException("the decoder returned "
          + (images == null ? "null" : images.length + " images") + " for " + (n * n)
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
      ImageGrid.drawTile(out, images[i], height, width, channels, scale,
          x0 + (i % n) * pitchX, y0 + (i / n) * pitchY);
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

  // ---------------------------------------------------------------------------------------------
  // Shared look

  private static JFreeChart chart(String title, Plot plot, RectangleEdge legendAt) {
    JFreeChart chart = new JFreeChart(title, Drawing.font(20f, true), plot, legendAt != null);
    chart.setBackgroundPaint(Drawing.BACKGROUND);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setPadding(new RectangleInsets(8, 8, 8, 16));
    chart.getTitle().setPaint(Drawing.TEXT);
    chart.getTitle().setMargin(new RectangleInsets(4, 0, 8, 0));
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(legendAt);
      legend.setItemFont(Drawing.font(14f, false));
      legend.setItemPaint(Drawing.TEXT);
      legend.setFrame(BlockBorder.NONE);
      legend.setBackgroundPaint(Drawing.BACKGROUND);
      legend.setItemLabelPadding(new RectangleInsets(3, 4, 3, 14));
      legend.setMargin(new RectangleInsets(8, 8, 0, 0));
    }
    if (plot instanceof CombinedDomainXYPlot combined) {
      style(combined);
      for (XYPlot sub : combined.getSubplots()) {
        style(sub);
      }
    } else if (plot instanceof XYPlot xy) {
      style(xy);
    }
    return chart;
  }

  private static void style(XYPlot plot) {
    plot.setBackgroundPaint(Drawing.BACKGROUND);
    plot.setOutlinePaint(OUTLINE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
  }

  private static void styleAxis(ValueAxis axis) {
    if (axis == null) {
      return;
    }
    axis.setLabelFont(Drawing.font(15f, false));
    axis.setTickLabelFont(Drawing.font(13f, false));
    axis.setLabelPaint(Drawing.TEXT);
    axis.setTickLabelPaint(Drawing.TEXT);
  }

  /** Marker shapes cycled through by series: circle, square, diamond, triangles up and down. */
  static Shape marker(int style, double size) {
    double h = size / 2;
    switch (style % 5) {
      case 0:
        return new Ellipse2D.Double(-h, -h, size, size);
      case 1:
        return new Rectangle2D.Double(-h * 0.9, -h * 0.9, size * 0.9, size * 0.9);
      case 2: {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -h * 1.2);
        p.lineTo(h * 1.2, 0);
        p.lineTo(0, h * 1.2);
        p.lineTo(-h * 1.2, 0);
        p.closePath();
        return p;
      }
      case 3: {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -h * 1.15);
        p.lineTo(h * 1.1, h * 0.85);
        p.lineTo(-h * 1.1, h * 0.85);
        p.closePath();
        return p;
      }
      default: {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, h * 1.15);
        p.lineTo(h * 1.1, -h * 0.85);
        p.lineTo(-h * 1.1, -h * 0.85);
        p.closePath();
        return p;
      }
    }
  }

  private static byte[] png(JFreeChart chart, int width, int height) {
    BufferedImage image = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB,
        null);
    return ImageGrid.toPngBytes(image);
  }
}
