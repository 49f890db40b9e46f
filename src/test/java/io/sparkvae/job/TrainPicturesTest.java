// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.report.Charts;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pictures of a train run with a 2-dimensional latent space. */
class TrainPicturesTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void aTwoDimensionalLatentSpaceGetsTheManifoldAndTheScatterOfMeans() throws IOException {
    Path out = dir.resolve("h2");
    CommandRun r =
        CommandRun.tiny(
            "train", "--set", "model.latent=2", "--set", "train.epochs=2", "--out", out.toString());
    assertEquals(0, r.code, r.toString());
    List<String> names;
    try (Stream<Path> s = Files.list(out.resolve("images"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
    assertEquals(
        List.of(
            "latent.png",
            "latent_means.png",
            "loss_curves.png",
            "reconstructions.png",
            "samples.png"),
        names);
    BufferedImage manifold = ImageIO.read(out.resolve("images/latent.png").toFile());
    // 15 × 15 tiles of 28 pixels (at least), about as tall as wide.
    assertTrue(
        manifold.getWidth() > 15 * 28 && manifold.getHeight() > 15 * 28, manifold.toString());
    assertTrue(Math.abs(manifold.getWidth() - manifold.getHeight()) < 0.2 * manifold.getWidth());
    BufferedImage means = ImageIO.read(out.resolve("images/latent_means.png").toFile());
    assertEquals(Charts.WIDTH, means.getWidth());
    BufferedImage curves = ImageIO.read(out.resolve("images/loss_curves.png").toFile());
    assertEquals(Charts.WIDTH, curves.getWidth());
    assertTrue(r.out.contains("latent_means.png"), r.out);

    // --overwrite with fewer pictures: the old run's other pictures go, and the report shows only
    // this run's.
    CommandRun again =
        CommandRun.tiny(
            "train",
            "--set",
            "train.epochs=1",
            "--set",
            "eval.samples=0",
            "--set",
            "eval.images=0",
            "--overwrite",
            "--out",
            out.toString());
    assertEquals(0, again.code, again.toString());
    try (Stream<Path> s = Files.list(out.resolve("images"))) {
      names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
    assertEquals(List.of("latent.png", "loss_curves.png"), names);
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(!report.contains("id=\"samples\"") && !report.contains("id=\"reconstructions\""));
  }
}
