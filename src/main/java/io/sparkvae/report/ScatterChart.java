// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static io.sparkvae.report.ChartStyle.chart;
import static io.sparkvae.report.ChartStyle.styleAxis;

import java.awt.geom.Ellipse2D;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYDataset;

/** The latent scatter behind {@link Charts#latentScatter}: one colour per class. */
final class ScatterChart {
  private ScatterChart() {}

  static JFreeChart scatterChart(
      float[] xs,
      float[] ys,
      int[] labels,
      String[] labelNames,
      String title,
      String xLabel,
      String yLabel) {
    if (xs == null || ys == null || xs.length != ys.length) {
      throw new IllegalArgumentException(
          "need one y per x: got "
              + (xs == null ? "no" : String.valueOf(xs.length))
              + " x and "
              + (ys == null ? "no" : String.valueOf(ys.length))
              + " y values");
    }
    if (xs.length == 0) {
      throw new IllegalArgumentException("no points to scatter");
    }
    if (labels != null && labels.length != xs.length) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + xs.length + " points; give one per point or none");
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
        if (Float.isFinite(xs[i])
            && Float.isFinite(ys[i])
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
      TextTitle note =
          new TextTitle(
              skipped
                  + " point"
                  + (skipped == 1 ? "" : "s")
                  + " with a NaN or infinite coordinate not shown",
              Drawing.font(13f, false));
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
}
