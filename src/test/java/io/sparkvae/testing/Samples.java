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

  private static ByteRows read(Path p) {
    try {
      return IdxFile.read(p).asRows();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
