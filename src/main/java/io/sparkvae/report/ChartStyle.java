// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The one look every chart shares: white background, light grid, sans-serif text sized for a
 * 900-pixel-wide figure, the legend outside the plot, and the marker shapes series cycle through.
 */
final class ChartStyle {
  private ChartStyle() {}

  private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
  private static final Color OUTLINE = new Color(0x99, 0x99, 0x99);

  static JFreeChart chart(String title, Plot plot, RectangleEdge legendAt) {
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

  static void styleAxis(ValueAxis axis) {
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
      case 2:
        {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(0, -h * 1.2);
          p.lineTo(h * 1.2, 0);
          p.lineTo(0, h * 1.2);
          p.lineTo(-h * 1.2, 0);
          p.closePath();
          return p;
        }
      case 3:
        {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(0, -h * 1.15);
          p.lineTo(h * 1.1, h * 0.85);
          p.lineTo(-h * 1.1, h * 0.85);
          p.closePath();
          return p;
        }
      default:
        {
          Path2D.Double p = new Path2D.Double();
          p.moveTo(0, h * 1.15);
          p.lineTo(h * 1.1, -h * 0.85);
          p.lineTo(-h * 1.1, -h * 0.85);
          p.closePath();
          return p;
        }
    }
  }

  static byte[] png(JFreeChart chart, int width, int height) {
    BufferedImage image =
        chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
    return ImageGrid.toPngBytes(image);
  }
}
