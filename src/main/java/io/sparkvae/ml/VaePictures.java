// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.FeatureReader;
import io.sparkvae.kernel.Rng;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.report.Charts;
import io.sparkvae.report.ImageGrid;
import io.sparkvae.report.ReportMath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The pictures of a trained VAE, as PNG bytes keyed by file name: test images beside their
 * reconstructions, samples decoded from z ~ N(0, I), the loss curves, and the latent space (the
 * decoded manifold for H = 2, with the scatter of the test set's latent means beside it in
 * latent_means.png; for other H that scatter, on the means' first two principal components, is
 * latent.png; points are coloured by label). Runs on the driver on a bounded sample of rows.
 */
public final class VaePictures {
  /** Random stream purpose for the z of the sample grid. */
  static final long STREAM_SAMPLES = 0x7;

  private VaePictures() {}

  /**
   * @param rows test rows (features, and the label when {@code labelCol} is not null)
   * @param shape height, width, channels, or null when rows are not images (no image grids)
   */
  public static Map<String, byte[]> render(
      VariationalAutoencoderModel model,
      List<Row> rows,
      String labelCol,
      String[] labelNames,
      int[] shape,
      List<EpochReport> history,
      int reconstructions,
      int samples,
      long seed) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    VaeArchitecture arch = model.architecture();
    int d = arch.inputDim();
    int h = arch.latent();
    float[] params = model.weights();
    int n = rows.size();
    TestRows test = readRows(model, rows, labelCol, d);
    VaeObjective obj = new VaeObjective(arch);
    int block = 256;
    VaeObjective.Workspace ws = obj.newWorkspace(block, 1);

    if (shape != null && n > 0 && reconstructions > 0) {
      out.put(
          "reconstructions.png",
          reconstructionsPng(ws, params, test.x(), Math.min(reconstructions, n), d, block, shape));
    }
    if (shape != null && samples > 0) {
      float[][] imgs = decode(ws, params, standardNormal(samples, h, seed), d, block);
      out.put(
          "samples.png",
          ImageGrid.toPngBytes(
              ImageGrid.grid(
                  imgs,
                  shape[0],
                  shape[1],
                  shape[2],
                  8,
                  ImageGrid.defaultScale(shape[0], shape[1]),
                  null,
                  "Samples: decoder means for z ~ N(0, I)")));
    }
    if (!history.isEmpty()) {
      out.put("loss_curves.png", lossCurvesPng(history));
    }
    boolean manifold = h == 2 && shape != null;
    if (manifold) {
      out.put(
          "latent.png",
          Charts.manifold(
              zs -> decode(ws, params, zs, d, block), 15, shape[0], shape[1], shape[2]));
    }
    // The scatter of latent means: latent.png, or beside the manifold for H = 2, where it shows
    // which regions of the manifold each class occupies.
    String scatterName = manifold ? "latent_means.png" : "latent.png";
    if (n > 1) {
      float[][] mu = latentMeans(ws, params, test.x(), d, h, block);
      putLatentScatter(out, scatterName, mu, test.labels(), labelNames);
    }
    return out;
  }

  /** The rows as float vectors, and their labels (-1 where null), or null without a column. */
  private record TestRows(float[][] x, int[] labels) {}

  private static TestRows readRows(
      VariationalAutoencoderModel model, List<Row> rows, String labelCol, int d) {
    int n = rows.size();
    float[][] x = new float[n][d];
    int[] labels = labelCol == null ? null : new int[n];
    if (n > 0) {
      FeatureReader reader = FeatureReader.forColumn(rows.get(0).schema(), model.getFeaturesCol());
      FeatureReader.FloatBuffer buf = new FeatureReader.FloatBuffer();
      for (int r = 0; r < n; r++) {
        Row row = rows.get(r);
        if (reader.read(row, x[r], 0, d, buf) != d) {
          throw new IllegalArgumentException("row " + r + " does not have " + d + " values");
        }
        if (labels != null) {
          Object v = row.get(row.fieldIndex(labelCol));
          labels[r] = v == null ? -1 : ((Number) v).intValue();
        }
      }
    }
    return new TestRows(x, labels);
  }

  /** Test images beside their reconstructions at z = μ, the first {@code m} rows. */
  private static byte[] reconstructionsPng(
      VaeObjective.Workspace ws,
      float[] params,
      float[][] x,
      int m,
      int d,
      int block,
      int[] shape) {
    float[][] orig = new float[m][];
    float[][] rec = new float[m][d];
    float[] flat = new float[m * d];
    for (int r = 0; r < m; r++) {
      orig[r] = x[r];
      System.arraycopy(x[r], 0, flat, r * d, d);
    }
    float[] outFlat = new float[m * d];
    for (int s = 0; s < m; s += block) {
      int c = Math.min(block, m - s);
      float[] in = java.util.Arrays.copyOfRange(flat, s * d, (s + c) * d);
      float[] o = new float[c * d];
      ws.reconstructMean(params, in, c, o);
      System.arraycopy(o, 0, outFlat, s * d, c * d);
    }
    for (int r = 0; r < m; r++) {
      System.arraycopy(outFlat, r * d, rec[r], 0, d);
    }
    return ImageGrid.toPngBytes(
        ImageGrid.pairs(
            orig,
            rec,
            shape[0],
            shape[1],
            shape[2],
            4,
            ImageGrid.defaultScale(shape[0], shape[1]),
            null,
            "Test images (left) and their reconstructions (right), decoded at z = mu"));
  }

  /** −ELBO per epoch, train and validation, with the training reconstruction and KL terms. */
  private static byte[] lossCurvesPng(List<EpochReport> history) {
    int e = history.size();
    int[] epochs = new int[e];
    double[] train = new double[e];
    double[] val = new double[e];
    double[] recon = new double[e];
    double[] kl = new double[e];
    for (int i = 0; i < e; i++) {
      EpochReport r = history.get(i);
      epochs[i] = r.epoch();
      train[i] = r.train()[0];
      recon[i] = r.train()[1];
      kl[i] = r.train()[2];
      val[i] = r.validation() == null ? Double.NaN : r.validation()[0];
    }
    return Charts.trainingCurves(epochs, train, val, recon, kl);
  }

  /** The latent means μ of every row, in blocks of {@code block} rows. */
  private static float[][] latentMeans(
      VaeObjective.Workspace ws, float[] params, float[][] x, int d, int h, int block) {
    int n = x.length;
    float[][] mu = new float[n][h];
    float[] lv = new float[block * h];
    float[] mb = new float[block * h];
    for (int s = 0; s < n; s += block) {
      int c = Math.min(block, n - s);
      float[] in = new float[c * d];
      for (int r = 0; r < c; r++) {
        System.arraycopy(x[s + r], 0, in, r * d, d);
      }
      ws.encodeInto(params, in, c, mb, lv);
      for (int r = 0; r < c; r++) {
        System.arraycopy(mb, r * h, mu[s + r], 0, h);
      }
    }
    return mu;
  }

  /**
   * The latent means as a scatter coloured by label: as they are for H ≤ 2, else their first two
   * principal components.
   */
  private static void putLatentScatter(
      Map<String, byte[]> out,
      String scatterName,
      float[][] mu,
      int[] labels,
      String[] labelNames) {
    int n = mu.length;
    int h = mu[0].length;
    if (h == 1) {
      float[] xs = new float[n];
      float[] ys = new float[n];
      for (int r = 0; r < n; r++) {
        xs[r] = mu[r][0];
      }
      out.put(
          scatterName,
          Charts.latentScatter(
              xs, ys, labels, labelNames, "Latent means of " + n + " test rows", "z1", "(none)"));
    } else if (h == 2) {
      float[] xs = new float[n];
      float[] ys = new float[n];
      for (int r = 0; r < n; r++) {
        xs[r] = mu[r][0];
        ys[r] = mu[r][1];
      }
      out.put(
          scatterName,
          Charts.latentScatter(
              xs,
              ys,
              labels,
              labelNames,
              "Latent means of " + n + " test rows (H = 2)",
              "z1",
              "z2"));
    } else {
      ReportMath.Pca2 p = ReportMath.pca2(mu);
      out.put(
          "latent.png",
          Charts.latentScatter(
              p.xs(),
              p.ys(),
              labels,
              labelNames,
              "Latent means of " + n + " test rows (H = " + h + "), first two principal components",
              p.axisLabel(1),
              p.axisLabel(2)));
    }
  }

  static float[][] standardNormal(int count, int h, long seed) {
    Rng rng = Rng.keyed(seed, STREAM_SAMPLES, 0, 0, 0);
    float[][] z = new float[count][h];
    for (float[] row : z) {
      rng.fillGaussian(row, 0, h);
    }
    return z;
  }

  static float[][] decode(
      VaeObjective.Workspace ws, float[] params, float[][] zs, int d, int block) {
    int h = zs.length == 0 ? 0 : zs[0].length;
    float[][] out = new float[zs.length][d];
    for (int s = 0; s < zs.length; s += block) {
      int c = Math.min(block, zs.length - s);
      float[] z = new float[c * h];
      for (int r = 0; r < c; r++) {
        System.arraycopy(zs[s + r], 0, z, r * h, h);
      }
      float[] o = new float[c * d];
      ws.decodeMean(params, z, c, o);
      for (int r = 0; r < c; r++) {
        System.arraycopy(o, r * d, out[s + r], 0, d);
      }
    }
    return out;
  }
}
