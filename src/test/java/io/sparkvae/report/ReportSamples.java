// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import io.sparkvae.kernel.ByteRows;
import io.sparkvae.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes one of every report figure, from synthetic data and the bundled Fashion-MNIST sample, so
 * that a person can look at them. Not a test: layout and legibility need eyes. From the project
 * directory, after {@code mvn -o test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$HOME/.m2/repository/org/jfree/jfreechart/1.5.5/\
 * jfreechart-1.5.5.jar io.sparkvae.report.ReportSamples /tmp/report-samples
 * </pre>
 */
public final class ReportSamples {
  static final String[] FASHION = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  private ReportSamples() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/report-samples");
    Files.createDirectories(dir);

    String[] kinds = {"disc", "square", "cross", "ring", "gradient", "clamped"};
    float[][] shapes = new float[24][];
    String[] shapeNames = new String[24];
    for (int i = 0; i < shapes.length; i++) {
      shapes[i] = shape(i);
      shapeNames[i] = kinds[i % 6];
    }
    write(
        dir.resolve("grid-synthetic.png"),
        ImageGrid.toPngBytes(
            ImageGrid.grid(
                shapes,
                28,
                28,
                1,
                8,
                ImageGrid.defaultScale(28, 28),
                shapeNames,
                "Synthetic shapes (captions under tiles)")));
    write(
        dir.resolve("grid-plain.png"), ImageGrid.toPngBytes(ImageGrid.grid(shapes, 28, 28, 1, 8)));

    ByteRows rows = Samples.trainImages();
    int[] labels = labels();
    float[][] real = new float[40][];
    String[] names = new String[40];
    for (int i = 0; i < real.length; i++) {
      real[i] = row(rows, i);
      names[i] = FASHION[labels[i]];
    }
    write(
        dir.resolve("grid-fashion.png"),
        ImageGrid.toPngBytes(
            ImageGrid.grid(
                real, 28, 28, 1, 10, 4, names, "Fashion-MNIST, first 40 training images")));

    float[][] originals = new float[16][];
    float[][] blurred = new float[16][];
    String[] losses = new String[16];
    Random rnd = new Random(7);
    for (int i = 0; i < 16; i++) {
      originals[i] = real[i];
      blurred[i] = blur(real[i]);
      losses[i] = String.format(Locale.ROOT, "%.1f", 200 + 150 * rnd.nextDouble());
    }
    write(
        dir.resolve("pairs.png"),
        ImageGrid.toPngBytes(
            ImageGrid.pairs(
                originals,
                blurred,
                28,
                28,
                1,
                4,
                4,
                losses,
                "Reconstructions (a box blur standing in for a model)")));
    write(
        dir.resolve("pairs-plain.png"),
        ImageGrid.toPngBytes(ImageGrid.pairs(originals, blurred, 28, 28, 1, 8)));

    float[][] colour = new float[12][];
    for (int i = 0; i < colour.length; i++) {
      colour[i] = colourImage(i);
    }
    write(
        dir.resolve("grid-rgb.png"),
        ImageGrid.toPngBytes(
            ImageGrid.grid(colour, 32, 32, 3, 6, ImageGrid.defaultScale(32, 32), null, "RGB")));

    int[] epochs = new int[10];
    double[] train = new double[10];
    double[] val = new double[10];
    double[] recon = new double[10];
    double[] kl = new double[10];
    for (int e = 0; e < 10; e++) {
      epochs[e] = e + 1;
      kl[e] = 16 - 6 * Math.exp(-e / 2.0);
      recon[e] = 230 + 90 * Math.exp(-e / 2.5);
      train[e] = recon[e] + kl[e];
      val[e] = train[e] + 2 + 0.4 * e;
    }
    val[3] = Double.NaN;
    write(dir.resolve("training-curves.png"), Charts.trainingCurves(epochs, train, val, recon, kl));
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("train -ELBO", train);
    series.put("validation -ELBO", val);
    write(
        dir.resolve("loss-curves.png"),
        Charts.lossCurves(epochs, series, "Negative ELBO per epoch", "-ELBO (nats / image)"));
    write(
        dir.resolve("training-curves-one-epoch.png"),
        Charts.trainingCurves(
            new int[] {1},
            new double[] {312.4},
            new double[] {Double.NaN},
            new double[] {300.1},
            new double[] {12.3}));
    int[] many = new int[200];
    double[] manyTrain = new double[200];
    double[] manyVal = new double[200];
    for (int e = 0; e < 200; e++) {
      many[e] = e + 1;
      manyTrain[e] = 240 + 80 * Math.exp(-e / 20.0) + rnd.nextGaussian();
      manyVal[e] = e % 10 == 9 ? manyTrain[e] + 3 : Double.NaN;
    }
    write(
        dir.resolve("training-curves-200.png"),
        Charts.trainingCurves(many, manyTrain, manyVal, null, null));

    float[] xs = new float[2000];
    float[] ys = new float[2000];
    int[] cls = new int[2000];
    for (int i = 0; i < xs.length; i++) {
      int c = i % 10;
      double angle = 2 * Math.PI * c / 10;
      xs[i] = (float) (2.2 * Math.cos(angle) + 0.55 * rnd.nextGaussian());
      ys[i] = (float) (2.2 * Math.sin(angle) + 0.55 * rnd.nextGaussian());
      cls[i] = c;
    }
    write(
        dir.resolve("scatter.png"),
        Charts.latentScatter(xs, ys, cls, FASHION, "Latent means, 2000 points", "z1", "z2"));

    float[][] high = new float[2000][16];
    for (int i = 0; i < high.length; i++) {
      for (int j = 0; j < 16; j++) {
        high[i][j] = (float) ((j == cls[i] ? 3 : 0) + 0.5 * rnd.nextGaussian());
      }
    }
    ReportMath.Pca2 pca = ReportMath.pca2(high);
    write(
        dir.resolve("scatter-pca.png"),
        Charts.latentScatter(
            pca.xs(),
            pca.ys(),
            cls,
            FASHION,
            "Latent means (16-D), first two principal components",
            pca.axisLabel(1),
            pca.axisLabel(2)));

    // A stand-in decoder: a blob that moves with z1 and changes size with z2.
    Charts.Decoder blob =
        zs -> {
          float[][] out = new float[zs.length][784];
          for (int k = 0; k < zs.length; k++) {
            double cx = 14 + 6 * zs[k][0];
            double radius = 5 + 2 * zs[k][1];
            for (int r = 0; r < 28; r++) {
              for (int c = 0; c < 28; c++) {
                double d = Math.hypot(r - 14, c - cx);
                out[k][r * 28 + c] = (float) (1 / (1 + Math.exp(2 * (d - radius))));
              }
            }
          }
          return out;
        };
    write(dir.resolve("manifold.png"), Charts.manifold(blob, 15, 28, 28, 1));
    System.out.println("wrote samples to " + dir);
  }

  private static void write(Path p, byte[] png) throws IOException {
    Files.write(p, png);
    System.out.println(p + " " + png.length + " bytes");
  }

  private static int[] labels() {
    try {
      return io.sparkvae.data.IdxFile.read(Samples.TRAIN_LABELS).labels();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static float[] row(ByteRows rows, int r) {
    float[] f = new float[rows.width()];
    rows.copyRow(r, f, 0);
    return f;
  }

  /** Simple synthetic 28×28 shapes; the sixth kind overshoots [0, 1] to show clamping. */
  static float[] shape(int i) {
    float[] img = new float[784];
    int kind = i % 6;
    int size = 5 + i % 4 * 2;
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        double dr = r - 13.5;
        double dc = c - 13.5;
        float v;
        switch (kind) {
          case 0 -> v = Math.hypot(dr, dc) < size + 2 ? 1f : 0f;
          case 1 -> v = Math.abs(dr) < size && Math.abs(dc) < size ? 0.8f : 0f;
          case 2 -> v = Math.abs(dr) < 2 || Math.abs(dc) < 2 ? 1f : 0.1f;
          case 3 -> v = Math.abs(Math.hypot(dr, dc) - size - 2) < 1.5 ? 1f : 0f;
          case 4 -> v = c / 27f;
          default -> v = (float) (dr / 5);
        }
        img[r * 28 + c] = v;
      }
    }
    return img;
  }

  static float[] blur(float[] img) {
    float[] out = new float[img.length];
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        float s = 0;
        int n = 0;
        for (int a = Math.max(0, r - 1); a <= Math.min(27, r + 1); a++) {
          for (int b = Math.max(0, c - 1); b <= Math.min(27, c + 1); b++) {
            s += img[a * 28 + b];
            n++;
          }
        }
        out[r * 28 + c] = s / n;
      }
    }
    return out;
  }

  static float[] colourImage(int i) {
    float[] img = new float[32 * 32 * 3];
    for (int r = 0; r < 32; r++) {
      for (int c = 0; c < 32; c++) {
        int p = (r * 32 + c) * 3;
        img[p] = r / 31f;
        img[p + 1] = c / 31f;
        img[p + 2] = i / 11f;
      }
    }
    return img;
  }
}
