// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static io.sparkvae.report.ChartStyle.png;

import java.util.Map;

/**
 * The figures of a training report, each returned as PNG bytes ready to be written through the
 * Hadoop file system API: loss curves, a scatter of the latent space, and the decoded latent
 * manifold.
 *
 * <p>Every chart uses one look: white background, light grid lines, sans-serif text sized for a
 * 900-pixel-wide figure viewed at 100%, the ten Tableau colours in a fixed order, and the legend
 * outside the plotting area so it can never hide data ({@code ChartStyle}). The figures themselves
 * are drawn by {@code LossCharts}, {@code ScatterChart} and {@code ManifoldFigure}.
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

  /**
   * Maps a batch of latent codes to images, for {@link #manifold}: {@code zs} holds one 2-D code
   * per row and the result one image per code, in the same order, as pixel <em>means</em> in [0, 1]
   * (for a Bernoulli decoder the sigmoid of the logits, not the logits themselves). All codes of a
   * figure arrive in one call, so the decoder can run them as one batch.
   */
  @FunctionalInterface
  public interface Decoder {
    float[][] decode(float[][] zs);
  }

  private Charts() {}

  /**
   * Speed-up against executors on log₂ axes: one line per entry of {@code series} (one value per
   * partition count; non-positive or NaN values are left out), in the map's order.
   */
  public static byte[] scaling(int[] partitions, Map<String, double[]> series, String title) {
    return png(ScalingChart.chart(partitions, series, title), WIDTH, HEIGHT);
  }

  // ---------------------------------------------------------------------------------------------
  // Loss curves

  /**
   * One line per entry of {@code series} over the epochs, with a marker at each point when there
   * are few. Series are drawn, coloured and listed in the map's iteration order, so pass a {@link
   * java.util.LinkedHashMap}.
   *
   * <p>NaN and infinite values are left out: validation may run only every few epochs, and the line
   * then joins the epochs that have a value. A one-epoch run shows single markers.
   *
   * @param epochs the x values, typically 1, 2, …
   * @param series name → one value per epoch (same length as {@code epochs})
   */
  public static byte[] lossCurves(
      int[] epochs, Map<String, double[]> series, String title, String yLabel) {
    return png(LossCharts.lossChart(epochs, series, title, yLabel), WIDTH, HEIGHT);
  }

  /**
   * The standard training figure, 900 × 700 pixels: above, −ELBO on the training and validation
   * sets; below, the two terms of the training −ELBO, reconstruction and KL, each on its own axis.
   *
   * <p>The terms get separate axes because they differ by an order of magnitude or more (a few
   * hundred nats of reconstruction against tens of KL on Fashion-MNIST): on one axis the KL curve
   * would lie flat along the bottom, yet its rise is exactly what shows the encoder starting to use
   * the latent space. The axes are tinted in their curve's colour so that each curve is read
   * against its own.
   *
   * @param valNegElbo per-epoch validation −ELBO (NaN where not evaluated), or null for none
   * @param trainRecon per-epoch reconstruction term, or null; with {@code trainKl} also null the
   *     lower panel is left out
   * @param trainKl per-epoch KL term, or null
   */
  public static byte[] trainingCurves(
      int[] epochs,
      double[] trainNegElbo,
      double[] valNegElbo,
      double[] trainRecon,
      double[] trainKl) {
    return png(
        LossCharts.trainingChart(epochs, trainNegElbo, valNegElbo, trainRecon, trainKl),
        WIDTH,
        HEIGHT + 100);
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
   * @param labelNames names by class number (e.g. "T-shirt/top" for 0), or null; classes without a
   *     name are shown as "label k"
   */
  public static byte[] latentScatter(
      float[] xs,
      float[] ys,
      int[] labels,
      String[] labelNames,
      String title,
      String xLabel,
      String yLabel) {
    return png(
        ScatterChart.scatterChart(xs, ys, labels, labelNames, title, xLabel, yLabel),
        WIDTH,
        HEIGHT + 100);
  }

  // ---------------------------------------------------------------------------------------------
  // Latent manifold

  /**
   * The manifold of a 2-D latent space over the central 90% of the prior, with {@link
   * ImageGrid#defaultScale} capped to keep the figure about 1300 pixels wide.
   */
  public static byte[] manifold(Decoder decoder, int n, int height, int width, int channels) {
    ImageGrid.checkShape(height, width, channels);
    if (n < 1) {
      throw new IllegalArgumentException("grid size n must be >= 1, got " + n);
    }
    int fit = Math.max(1, 1300 / (n * Math.max(height, width)));
    int scale = Math.min(ImageGrid.defaultScale(height, width), fit);
    return manifold(
        decoder,
        n,
        0.05,
        0.95,
        height,
        width,
        channels,
        scale,
        "Decoder output over a " + n + " × " + n + " grid of z (normal quantiles 5% to 95%)");
  }

  /**
   * What the decoder makes of each point of an n × n grid over a 2-D latent space: the picture of
   * Kingma and Welling's "Auto-Encoding Variational Bayes" (2014, figure 4).
   *
   * <p>The grid is even in probability, not in z (see {@link ReportMath#normalQuantiles}): z₁ grows
   * from left to right and z₂ from bottom to top, as on a chart's axes, and the values are written
   * beside the grid. Smooth change from tile to tile is what a well-trained VAE's latent space
   * looks like; abrupt jumps or blank regions show where it is not.
   *
   * <p>For a latent space of more than two dimensions, give a decoder that embeds the two grid
   * coordinates into a full code (e.g. zeros elsewhere, which is the prior mean).
   *
   * @param n tiles per side; the decoder is called once with all n² codes
   * @param pLow the probability of the first grid line, e.g. 0.05
   * @param pHigh the probability of the last, e.g. 0.95
   * @param title a line above the figure, or null
   */
  public static byte[] manifold(
      Decoder decoder,
      int n,
      double pLow,
      double pHigh,
      int height,
      int width,
      int channels,
      int scale,
      String title) {
    return ImageGrid.toPngBytes(
        ManifoldFigure.manifoldImage(
            decoder, n, pLow, pHigh, height, width, channels, scale, title));
  }
}
