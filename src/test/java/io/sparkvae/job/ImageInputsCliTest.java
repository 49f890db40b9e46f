// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.data.BadDataException;
import io.sparkvae.io.Json;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs through the real command line: training on an image folder end to end, and damaged inputs
 * as one-line errors with exit code 2 (no Spark stack trace).
 */
class ImageInputsCliTest extends SparkTestBase {
  @TempDir static Path dir;
  static Path train;
  static Path test;

  private static final List<String> FAST =
      List.of(
          "--set",
          "model.hidden=[16]",
          "--set",
          "model.latent=2",
          "--set",
          "train.epochs=2",
          "--set",
          "train.sync-every=1",
          "--set",
          "train.batch-size=8",
          "--set",
          "eval.iwae-k=0",
          "--set",
          "eval.pca-baseline=false");

  static CommandRun.Errors run(String... args) {
    return CommandRun.train(FAST, args);
  }

  static void assertError(CommandRun.Errors r, String... expected) {
    CommandRun.assertUsageError(r, expected);
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
  }

  static void png(Path p, int size, int kind, int i) throws IOException {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean on = kind == 0 ? Math.abs(x - size / 2) <= 1 : Math.abs(y - size / 2) <= 1;
        img.getRaster().setSample(x, y, 0, on ? 200 + (i % 50) : (i * 3) % 20);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    Files.createDirectories(p.getParent());
    Files.write(p, out.toByteArray());
  }

  /** Two classes of 10x10 bars (and a few 12x12 ones), one corrupt file. */
  @BeforeAll
  static void folders() throws IOException {
    train = dir.resolve("train");
    test = dir.resolve("test");
    for (int i = 0; i < 24; i++) {
      png(train.resolve("vertical/v" + i + ".png"), i < 20 ? 10 : 12, 0, i);
      png(train.resolve("horizontal/h" + i + ".png"), 10, 1, i);
    }
    Files.write(train.resolve("horizontal/broken.png"), new byte[] {1, 2, 3});
    for (int i = 0; i < 6; i++) {
      png(
          test.resolve((i % 2 == 0 ? "vertical/v" : "horizontal/h") + i + ".png"),
          10,
          i % 2,
          i + 100);
    }
  }

  @Test
  void trainsOnAnImageFolderEndToEnd() throws IOException {
    Path out = dir.resolve("out");
    CommandRun.Errors r =
        run(
            "--set",
            "data.train=" + train,
            "--set",
            "data.test=" + test,
            "--set",
            "data.height=8",
            "--set",
            "data.width=8",
            "--set",
            "model.latent=3",
            "--set",
            "eval.pca-baseline=true",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode meta = Json.read(Files.readString(out.resolve("model/metadata.json")), "metadata");
    assertEquals(64, meta.path("input").path("dim").asInt(), meta.toString());
    assertEquals("[8,8,1]", meta.path("input").path("shape").toString());
    JsonNode metrics = Json.read(Files.readString(out.resolve("metrics.json")), "metrics");
    // 48 readable training images (the broken one skipped), 6 test images.
    assertEquals(48, metrics.path("training").path("rows").asInt(), metrics.toString());
    assertEquals(6, metrics.path("test").path("n").asInt(), metrics.toString());
    JsonNode pca = metrics.path("baselines").path("pca");
    assertEquals(6, pca.path("n_test").asInt(), metrics.toString());
    assertTrue(pca.path("pca_mse").asDouble() > 0 && pca.path("vae_mse").asDouble() > 0);
    assertTrue(Files.size(out.resolve("images/latent.png")) > 1000);
    Files.copy(
        out.resolve("images/latent.png"),
        Path.of("target/image-folder-latent.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING); // to look at
    assertTrue(Files.size(out.resolve("images/reconstructions.png")) > 1000);
  }

  @Test
  void unreadableFilesFailTheRunWhenAsked() {
    assertError(
        run(
            "--set",
            "data.train=" + train,
            "--set",
            "data.height=8",
            "--set",
            "data.width=8",
            "--set",
            "data.on-bad-file=fail",
            "--out",
            dir.resolve("o1").toString()),
        "data.train = " + train,
        "1 of 49 image files cannot be read",
        "horizontal/broken.png");
  }

  @Test
  void mixedSizesNeedATargetSize() {
    assertError(
        run("--set", "data.train=" + train, "--out", dir.resolve("o2").toString()),
        "the images have different sizes",
        "44 of 10x10",
        "4 of 12x12 (e.g. ",
        "vertical/v2",
        "set data.height and data.width");
  }

  @Test
  void invalidImageSettingsNameTheirKey() {
    assertError(
        run(
            "--set",
            "data.train=" + train,
            "--set",
            "data.channels=2",
            "--out",
            dir.resolve("o3").toString()),
        "data.channels must be 1 (grayscale) or 3 (RGB), got 2");
    assertError(
        run(
            "--set",
            "data.train=" + train,
            "--set",
            "data.on-bad-file=ignore",
            "--out",
            dir.resolve("o3").toString()),
        "data.on-bad-file = 'ignore' is not allowed");
  }

  static byte[] idxImages(int n) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + n * 64);
    b.putInt(0x0803).putInt(n).putInt(8).putInt(8);
    for (int i = 0; i < n * 64; i++) {
      b.put((byte) (i * 7));
    }
    return b.array();
  }

  @Test
  void truncatedIdxFilesAreOneLineErrors() throws IOException {
    Path header = dir.resolve("h/train-images-idx3-ubyte");
    Files.createDirectories(header.getParent());
    Files.write(header, Arrays.copyOf(idxImages(40), 9));
    assertError(
        run("--set", "data.train=" + header, "--out", dir.resolve("o4").toString()),
        "data.train",
        header.toString(),
        "truncated IDX header (ends in dimension 2 of 3)");

    Path body = dir.resolve("b/train-images-idx3-ubyte.gz");
    Files.createDirectories(body.getParent());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(idxImages(40));
    }
    byte[] bytes = gz.toByteArray();
    Files.write(body, Arrays.copyOf(bytes, bytes.length * 2 / 3));
    assertError(
        run("--set", "data.train=" + body, "--out", dir.resolve("o5").toString()),
        body.toString(),
        "truncated IDX body: header [40, 8, 8] promises 2560 bytes",
        "the gzip stream is cut short");
  }

  @Test
  void badDataFoundInsideATaskIsAUserError() {
    BadDataException bad = new BadDataException("data.train x.idx: truncated IDX body");
    Exception spark =
        new org.apache.spark.SparkException(
            "Job aborted due to stage failure", new RuntimeException("wrapper", bad));
    UserError u = UserError.among(spark);
    assertEquals("data.train x.idx: truncated IDX body", u.getMessage());
    assertEquals(Main.EXIT_USAGE, u.exitCode());
    UserError direct = new UserError("m");
    assertSame(direct, UserError.among(new RuntimeException(direct)));
    assertNull(UserError.among(new IllegalStateException("a bug")));
  }
}
