// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

class ChartsTest {
  private static final double NAN = Double.NaN;

  private static BufferedImage decode(byte[] png) throws IOException {
    BufferedImage im = ImageIO.read(new ByteArrayInputStream(png));
    assertNotNull(im, "PNG bytes must decode");
    return im;
  }

  /** Counts the pixels of an exact colour, e.g. a series colour that nothing else uses. */
  private static int count(BufferedImage im, int rgb) {
    int n = 0;
    for (int y = 0; y < im.getHeight(); y++) {
      for (int x = 0; x < im.getWidth(); x++) {
        if ((im.getRGB(x, y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void lossCurvesSkipNanPointsAndRender() throws IOException {
    int[] epochs = {1, 2, 3, 4, 5};
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("train -ELBO", new double[] {300, 280, 270, 265, 262});
    series.put("validation -ELBO", new double[] {NAN, 285, NAN, 270, Double.POSITIVE_INFINITY});
    JFreeChart chart = LossCharts.lossChart(epochs, series, "loss", "-ELBO");
    XYDataset data = chart.getXYPlot().getDataset();
    assertEquals(2, data.getSeriesCount());
    assertEquals(5, data.getItemCount(0));
    assertEquals(2, data.getItemCount(1), "NaN and infinity left out");
    assertEquals(2.0, data.getXValue(1, 0));
    assertEquals(4.0, data.getXValue(1, 1));

    BufferedImage im = decode(Charts.lossCurves(epochs, series, "loss", "-ELBO"));
    assertEquals(Charts.WIDTH, im.getWidth());
    assertEquals(Charts.HEIGHT, im.getHeight());
    assertEquals(0xFFFFFF, im.getRGB(2, 2) & 0xFFFFFF, "white background");
    assertTrue(count(im, Drawing.PALETTE[0].getRGB() & 0xFFFFFF) > 100, "first curve drawn");
    assertTrue(count(im, Drawing.PALETTE[1].getRGB() & 0xFFFFFF) > 20, "second curve drawn");
  }

  @Test
  void oneEpochAndAllNanSeriesRender() throws IOException {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("train", new double[] {312.4});
    series.put("validation", new double[] {NAN});
    BufferedImage im = decode(Charts.lossCurves(new int[] {1}, series, "one epoch", "loss"));
    assertEquals(Charts.WIDTH, im.getWidth());
    assertTrue(count(im, Drawing.PALETTE[0].getRGB() & 0xFFFFFF) > 10, "the lone point's marker");

    decode(
        Charts.trainingCurves(
            new int[] {1},
            new double[] {312.4},
            new double[] {NAN},
            new double[] {300.1},
            new double[] {12.3}));
    decode(Charts.trainingCurves(new int[] {7}, new double[] {NAN}, null, null, null));
  }

  @Test
  void trainingCurvesStackElboAboveItsTerms() throws IOException {
    int[] epochs = new int[10];
    double[] train = new double[10];
    double[] val = new double[10];
    double[] recon = new double[10];
    double[] kl = new double[10];
    for (int e = 0; e < 10; e++) {
      epochs[e] = e + 1;
      recon[e] = 230 + 90 * Math.exp(-e / 2.5);
      kl[e] = 16 - 6 * Math.exp(-e / 2.0);
      train[e] = recon[e] + kl[e];
      val[e] = e % 3 == 0 ? NAN : train[e] + 3;
    }
    JFreeChart chart = LossCharts.trainingChart(epochs, train, val, recon, kl);
    CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getPlot();
    assertEquals(2, plot.getSubplots().size());
    XYPlot bottom = plot.getSubplots().get(1);
    assertEquals(2, bottom.getRangeAxisCount(), "KL has its own axis");
    assertEquals(4, plot.getLegendItems().getItemCount());

    BufferedImage im = decode(Charts.trainingCurves(epochs, train, val, recon, kl));
    assertEquals(Charts.WIDTH, im.getWidth());
    assertTrue(im.getHeight() >= Charts.HEIGHT);
    for (int s = 0; s < 4; s++) {
      assertTrue(count(im, Drawing.PALETTE[s].getRGB() & 0xFFFFFF) > 50, "curve " + s);
    }
    // Without the terms, one panel; without validation, one curve.
    assertTrue(
        LossCharts.trainingChart(epochs, train, null, null, null).getPlot() instanceof XYPlot);
    decode(Charts.trainingCurves(epochs, train, null, null, kl));
  }

  @Test
  void curvesMustMatchTheEpochs() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Charts.trainingCurves(
                    new int[] {1, 2}, new double[] {1, 2}, new double[] {1}, null, null));
    assertTrue(
        e.getMessage().contains("'validation -ELBO' has 1 values for 2 epochs"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Charts.lossCurves(new int[0], Map.of("a", new double[0]), "t", "y"));
    assertThrows(
        IllegalArgumentException.class, () -> Charts.lossCurves(new int[] {1}, Map.of(), "t", "y"));
  }

  @Test
  void scatterGroupsPointsByLabelAndSkipsNonFinite() throws IOException {
    int n = 3000;
    float[] xs = new float[n];
    float[] ys = new float[n];
    int[] labels = new int[n];
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
      xs[i] = (float) (labels[i] + rnd.nextGaussian() * 0.3);
      ys[i] = (float) (labels[i] % 3 + rnd.nextGaussian() * 0.3);
    }
    xs[5] = Float.NaN;
    ys[17] = Float.NEGATIVE_INFINITY;
    String[] names = ReportSamples.FASHION;
    JFreeChart chart = ScatterChart.scatterChart(xs, ys, labels, names, "latent", "z1", "z2");
    XYDataset data = chart.getXYPlot().getDataset();
    assertEquals(10, data.getSeriesCount());
    assertEquals("T-shirt/top (300)", data.getSeriesKey(0));
    assertEquals("Sandal (299)", data.getSeriesKey(5), "point 5 had a NaN");
    assertEquals("Sneaker (299)", data.getSeriesKey(7), "point 17 had -inf");
    assertEquals(2, chart.getSubtitleCount(), "legend and the note on skipped points");

    BufferedImage im = decode(Charts.latentScatter(xs, ys, labels, names, "latent", "z1", "z2"));
    assertEquals(Charts.WIDTH, im.getWidth());
    // The legend's opaque markers carry the exact palette colours.
    for (int c = 0; c < 10; c++) {
      assertTrue(count(im, Drawing.PALETTE[c].getRGB() & 0xFFFFFF) > 20, "legend colour " + c);
    }
  }

  @Test
  void scatterWithoutLabelsOrWithUnnamedLabels() throws IOException {
    float[] xs = {0, 1, 2};
    float[] ys = {0, 1, 4};
    JFreeChart plain = ScatterChart.scatterChart(xs, ys, null, null, "t", "x", "y");
    assertEquals(1, plain.getXYPlot().getDataset().getSeriesCount());
    assertEquals(null, plain.getLegend(), "one colour needs no legend");
    JFreeChart odd =
        ScatterChart.scatterChart(
            xs, ys, new int[] {12, -1, 12}, new String[] {"a"}, "t", "x", "y");
    assertEquals("label -1 (1)", odd.getXYPlot().getDataset().getSeriesKey(0));
    assertEquals("label 12 (2)", odd.getXYPlot().getDataset().getSeriesKey(1));
    decode(Charts.latentScatter(xs, ys, null, null, "t", "x", "y"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> Charts.latentScatter(xs, ys, new int[2], null, "t", "x", "y"))
            .getMessage()
            .contains("2 labels for 3 points"));
  }

  @Test
  void manifoldDecodesTheWholeGridInOneCallTopRowHighestZ2() throws IOException {
    int n = 5;
    double[] q = ReportMath.normalQuantiles(n, 0.05, 0.95);
    AtomicInteger calls = new AtomicInteger();
    float[][][] seen = new float[1][][];
    // RGB tiles: black everywhere except pure green for the code (max z1, max z2).
    Charts.Decoder decoder =
        zs -> {
          calls.incrementAndGet();
          seen[0] = zs;
          float[][] out = new float[zs.length][4 * 4 * 3];
          for (int k = 0; k < zs.length; k++) {
            if (zs[k][0] == (float) q[n - 1] && zs[k][1] == (float) q[n - 1]) {
              for (int p = 0; p < 16; p++) {
                out[k][3 * p + 1] = 1f;
              }
            }
          }
          return out;
        };
    BufferedImage im =
        ManifoldFigure.manifoldImage(decoder, n, 0.05, 0.95, 4, 4, 3, 10, "manifold");
    assertEquals(1, calls.get());
    assertEquals(n * n, seen[0].length);
    assertEquals((float) q[0], seen[0][0][0], "first code: smallest z1 ...");
    assertEquals((float) q[n - 1], seen[0][0][1], "... and largest z2 (top-left tile)");

    int minX = Integer.MAX_VALUE;
    int minY = Integer.MAX_VALUE;
    int maxX = -1;
    int maxY = -1;
    int blackRight = 0;
    int blackAbove = 0;
    for (int y = 0; y < im.getHeight(); y++) {
      for (int x = 0; x < im.getWidth(); x++) {
        if ((im.getRGB(x, y) & 0xFFFFFF) == 0x00FF00) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    assertEquals(40, maxX - minX + 1, "one 4×4 tile at scale 10");
    assertEquals(40, maxY - minY + 1);
    for (int y = 0; y < im.getHeight(); y++) {
      for (int x = 0; x < im.getWidth(); x++) {
        if ((im.getRGB(x, y) & 0xFFFFFF) == 0) {
          blackRight += x > maxX ? 1 : 0;
          blackAbove += y < minY ? 1 : 0;
        }
      }
    }
    assertEquals(0, blackRight, "the green tile is the rightmost column");
    assertEquals(0, blackAbove, "and the top row");

    BufferedImage png = decode(Charts.manifold(decoder, n, 4, 4, 3));
    assertTrue(png.getWidth() > n * 4 && png.getHeight() > n * 4);
  }

  @Test
  void manifoldChecksWhatTheDecoderReturns() {
    Charts.Decoder tooFew = zs -> new float[zs.length - 1][784];
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Charts.manifold(tooFew, 3, 28, 28, 1))
            .getMessage()
            .contains("returned 8 images for 9 latent codes"));
    Charts.Decoder wrongSize = zs -> new float[zs.length][100];
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Charts.manifold(wrongSize, 3, 28, 28, 1))
            .getMessage()
            .contains("100 floats"));
  }
}
