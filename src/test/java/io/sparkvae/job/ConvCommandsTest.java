// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A convolutional VAE ({@code model.type = conv}) through the command line, on colour images. */
class ConvCommandsTest extends SparkTestBase {
  @TempDir static Path dir;
  static Path train;
  static Path test;

  /** 12×12 → 6×6×4 → 3×3×8 → dense 16 → latent 2, one epoch. */
  private static final List<String> CONV =
      List.of(
          "--set", "model.type=conv",
          "--set", "model.conv.channels=[4, 8]",
          "--set", "model.hidden=[16]",
          "--set", "model.latent=2",
          "--set", "train.epochs=1",
          "--set", "train.batch-size=16",
          "--set", "train.sync-every=0",
          "--set", "train.partitions=2",
          "--set", "eval.iwae-k=5",
          "--set", "eval.iwae-rows=10",
          "--set", "eval.pca-baseline=false",
          "--set", "eval.images=8",
          "--set", "eval.samples=8");

  /** Three classes of 12×12 RGB stripes, mostly red, green or blue. */
  @BeforeAll
  static void folders() throws IOException {
    train = dir.resolve("train");
    test = dir.resolve("test");
    String[] classes = {"red", "green", "blue"};
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 24; i++) {
        Path folder = (i < 20 ? train : test).resolve(classes[c]);
        Files.createDirectories(folder);
        BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
          for (int x = 0; x < 12; x++) {
            int on = (x + y + i) % 6 < 3 ? 230 : 40;
            int[] rgb = {20 + 5 * (i % 8), 70, 120 + 6 * x};
            rgb[c] = on;
            img.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
          }
        }
        ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
      }
    }
  }

  private static CommandRun run(String command, String... more) {
    List<String> a = new ArrayList<>(List.of(command));
    a.addAll(Arrays.asList(more));
    return CommandRun.run(a.toArray(new String[0]));
  }

  private static List<String> convTrain(String... more) {
    List<String> a = new ArrayList<>(CONV);
    a.addAll(List.of("--set", "data.train=" + train, "--set", "data.test=" + test));
    a.addAll(Arrays.asList(more));
    return a;
  }

  /** Some pixel whose red, green and blue all differ: drawn in colour, not in gray. */
  private static void assertColour(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int r = p >> 16 & 0xff;
        int g = p >> 8 & 0xff;
        int b = p & 0xff;
        if (r != g && g != b && r != b) {
          return;
        }
      }
    }
    throw new AssertionError(png + " has no colour pixel");
  }

  @Test
  void aColourImageFolderTrainsAConvModelWhoseOutputsAreDrawnInColour() throws IOException {
    Path out = dir.resolve("rgb");
    List<String> args = new ArrayList<>(List.of("train"));
    args.addAll(convTrain("--set", "data.channels=3"));
    args.addAll(List.of("--out", out.toString()));
    CommandRun r = CommandRun.run(args.toArray(new String[0]));
    assertEquals(0, r.code, r.toString());
    assertTrue(r.out.contains("training a VAE conv[4, 8] k4 s2 p1 432-16-2"), r.out);
    JsonNode meta = Json.read(Files.readString(out.resolve("model/metadata.json")), "metadata");
    JsonNode arch = meta.path("architecture");
    assertEquals("conv", arch.path("type").asText(), arch.toString());
    assertEquals(
        "{\"height\":12,\"width\":12,\"channels\":3,\"filters\":[4,8],\"kernel\":4,\"stride\":2,"
            + "\"padding\":1}",
        arch.path("conv").toString());
    JsonNode metrics = Json.read(Files.readString(out.resolve("metrics.json")), "metrics");
    assertTrue(metrics.path("test").path("iwae_nll").asDouble() > 0, metrics.toString());
    // Decoded images (samples, the 2-D manifold) are in colour, as are the reconstructions.
    for (String png : List.of("samples.png", "latent.png", "reconstructions.png")) {
      assertColour(out.resolve("images").resolve(png));
    }

    // The commands on the saved model: image folders are read with its 3 channels.
    CommandRun s = run("sample", "--model", out.toString(), "--n", "8", "--out", dir + "/s");
    assertEquals(0, s.code, s.toString());
    assertColour(dir.resolve("s/samples.png"));
    CommandRun rec =
        run(
            "reconstruct",
            "--model",
            out.toString(),
            "--data",
            test.toString(),
            "--n",
            "4",
            "--out",
            dir + "/r");
    assertEquals(0, rec.code, rec.toString());
    assertColour(dir.resolve("r/reconstructions.png"));

    // A warm start must have the same convolutions: refused before any data is read.
    CommandRun.Errors wrong =
        CommandRun.train(
            convTrain(
                "--set", "data.channels=3",
                "--set", "model.conv.channels=[4, 16]",
                "--set", "train.init-model=" + out),
            "--out",
            dir.resolve("warm").toString());
    CommandRun.assertUsageError(
        wrong, "model.conv.channels = [4, 16] vs [4, 8]", "train.init-model");
    assertFalse(Files.exists(dir.resolve("warm/model")));
  }

  @Test
  void imagesThatTheConvolutionsCannotHalveStopTrainBeforeAnyModelIsWritten() {
    Path out = dir.resolve("30x30");
    CommandRun.Errors r =
        CommandRun.train(
            convTrain(
                "--set", "data.height=30",
                "--set", "data.width=30",
                "--set", "model.conv.channels=[4, 8, 8]"),
            "--out",
            out.toString());
    CommandRun.assertUsageError(
        r,
        "30×30 images (data.height × data.width)",
        "model.conv.channels = [4, 8, 8]",
        "model.conv.kernel = 4",
        "model.conv.stride = 2",
        "model.conv.padding = 1",
        "30×30 → 15×15",
        "Resize the images to 32×32");
    assertFalse(Files.exists(out.resolve("model")), "no model written");
    assertFalse(Files.exists(out.resolve("checkpoint")), "no checkpoint written");
  }
}
