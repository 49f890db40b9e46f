// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static io.sparkvae.report.ChartStyle.chart;
import static io.sparkvae.report.ChartStyle.marker;
import static io.sparkvae.report.ChartStyle.styleAxis;
import static io.sparkvae.report.Charts.MAX_MARKED_POINTS;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The loss-curve charts behind {@link Charts#lossCurves} and {@link Charts#trainingCurves}: curves
 * over whole epochs, a marker at each point while there are few, NaN epochs left out.
 */
final class LossCharts {
  private LossCharts() {}

  static JFreeChart lossChart(
      int[] epochs, Map<String, double[]> series, String title, String yLabel) {
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

  static JFreeChart trainingChart(
      int[] epochs,
      double[] trainNegElbo,
      double[] valNegElbo,
      double[] trainRecon,
      double[] trainKl) {
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
      bottom =
          curvePlot(
              epochs,
              List.of("train reconstruction"),
              List.of(trainRecon),
              2,
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
  private static XYPlot curvePlot(
      int[] epochs, List<String> names, List<double[]> values, int firstStyle, String yLabel) {
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
        throw new IllegalArgumentException(
            "series '"
                + name
                + "' has "
                + (v == null ? "no values" : v.length + " values")
                + " for "
                + epochs.length
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
      renderer.setSeriesStroke(
          s, new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
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
}
