// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import io.sparkvae.data.IdxFile;
import io.sparkvae.kernel.ByteRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The bundled data samples, read directly (no Spark). */
public final class Samples {
  public static final Path DIR = Path.of("data-samples");
  public static final Path TRAIN_IMAGES = DIR.resolve("fashion-mnist-train-images-idx3-ubyte.gz");
  public static final Path TRAIN_LABELS = DIR.resolve("fashion-mnist-train-labels-idx1-ubyte.gz");
  public static final Path TEST_IMAGES = DIR.resolve("fashion-mnist-test-images-idx3-ubyte.gz");
  public static final Path TEST_LABELS = DIR.resolve("fashion-mnist-test-labels-idx1-ubyte.gz");
  public static final Path LINREG_ONE_FEATURE = DIR.resolve("linreg-one-feature.csv");
  public static final Path LINREG_MULTI = DIR.resolve("linreg-multi.csv");

  private Samples() {}

  public static ByteRows trainImages() {
    return read(TRAIN_IMAGES);
  }

  public static ByteRows testImages() {
    return read(TEST_IMAGES);
  }

  /** The first {@code n} rows of a block. */
  public static ByteRows head(ByteRows rows, int n) {
    byte[] d = java.util.Arrays.copyOf(rows.data(), n * rows.width());
    return new ByteRows(d, n, rows.width());
  }

  /** Side of the {@link #shrunk} images. */
  public static final int SMALL = 12;

  /**
   * The first {@code n} 28×28 images shrunk to {@value #SMALL}×{@value #SMALL} (their central 24×24
   * pixels averaged 2×2): real structure at a fifth of the pixels, for fast convolutional tests.
   */
  public static ByteRows shrunk(ByteRows rows, int n) {
    int side = 28;
    byte[] out = new byte[n * SMALL * SMALL];
    byte[] in = rows.data();
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < SMALL; y++) {
        for (int x = 0; x < SMALL; x++) {
          int sum = 0;
          for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
              sum += in[i * side * side + (2 + 2 * y + dy) * side + 2 + 2 * x + dx] & 0xff;
            }
          }
          out[(i * SMALL + y) * SMALL + x] = (byte) ((sum + 2) / 4);
        }
      }
    }
    return new ByteRows(out, n, SMALL * SMALL);
  }

  private static ByteRows read(Path p) {
    try {
      return IdxFile.read(p).asRows();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
