// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code train} says on its first line. */
class TrainCommandTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void theFirstLineNamesTheModelWithTheDataRealInputSize() throws IOException {
    CommandRun images = CommandRun.tiny("train", "--out", dir.resolve("idx").toString());
    assertEquals(0, images.code, images.toString());
    assertTrue(images.out.contains("training a VAE 784-32-3 bernoulli on "), images.out);

    // Rows that are not images (no shape): the size is the first row's length.
    List<String> lines = new ArrayList<>(List.of("id,p1,p2,p3,p4,p5"));
    for (int r = 0; r < 40; r++) {
      lines.add("r" + r + ",0.1,0.5,0.9,0.3," + (r % 10) / 10.0);
    }
    Path csv = dir.resolve("rows.csv");
    Files.write(csv, lines);
    CommandRun rows =
        CommandRun.run(
            "train",
            "--set",
            "data.train=" + csv,
            "--set",
            "model.hidden=[8]",
            "--set",
            "model.latent=2",
            "--set",
            "train.epochs=1",
            "--set",
            "train.batch-size=10",
            "--set",
            "eval.iwae-k=0",
            "--set",
            "eval.pca-baseline=false",
            "--set",
            "eval.images=0",
            "--set",
            "eval.samples=0",
            "--out",
            dir.resolve("csv").toString());
    assertEquals(0, rows.code, rows.toString());
    assertTrue(rows.out.contains("training a VAE 5-8-2 bernoulli on "), rows.out);
  }
}
