// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static io.sparkvae.report.ChartStyle.marker;
import static io.sparkvae.report.ChartStyle.styleAxis;

import java.awt.BasicStroke;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Speed-up against the number of executors, both axes in powers of two. */
final class ScalingChart {
  private ScalingChart() {}

  static JFreeChart chart(int[] partitions, Map<String, double[]> series, String title) {
    if (partitions.length == 0 || series.isEmpty()) {
      throw new IllegalArgumentException("nothing to plot");
    }
    XYSeriesCollection dataset = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    int s = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      double[] v = e.getValue();
      if (v.length != partitions.length) {
        throw new IllegalArgumentException(
            "series '"
                + e.getKey()
                + "' has "
                + v.length
                + " values for "
                + partitions.length
                + " partition counts");
      }
      XYSeries xy = new XYSeries(e.getKey(), false, true);
      for (int i = 0; i < v.length; i++) {
        if (Double.isFinite(v[i]) && v[i] > 0 && partitions[i] > 0) {
          xy.add(partitions[i], v[i]);
        }
      }
      dataset.addSeries(xy);
      renderer.setSeriesPaint(s, Drawing.color(s));
      float[] dash = e.getKey().startsWith("ideal") ? new float[] {6f, 6f} : null;
      renderer.setSeriesStroke(
          s, new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
      renderer.setSeriesShape(s, marker(s, 7));
      renderer.setLegendShape(s, marker(s, 9));
      s++;
    }
    XYPlot plot = new XYPlot(dataset, log2Axis("executors (P)"), log2Axis("speed-up"), renderer);
    return ChartStyle.chart(title, plot, RectangleEdge.BOTTOM);
  }

  private static LogAxis log2Axis(String label) {
    LogAxis axis = new LogAxis(label);
    axis.setBase(2);
    axis.setTickUnit(new NumberTickUnit(1));
    axis.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
    axis.setSmallestValue(0.25);
    styleAxis(axis);
    return axis;
  }
}
