// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sample}: new images from the model, decoded from z ~ N(0, I). Computed on the executors
 * ({@link io.sparkvae.ml.VariationalAutoencoderModel#sample}), so {@code --parquet} can hold
 * millions; the picture shows the first {@value #MAX_DRAWN} at most.
 */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description =
        "Decode N draws of z ~ N(0, I) into DIR/samples.png and, with --parquet, "
            + "DIR/samples.parquet (id, z, sample as array<float>).")
public final class SampleCommand extends InferenceCommand {
  static final String PICTURE = "samples.png";
  static final String OUTPUT = "samples.parquet";
  static final int MAX_DRAWN = 256;

  @Option(
      names = "--n",
      paramLabel = "N",
      defaultValue = "64",
      description = "Samples to draw. Default: ${DEFAULT-VALUE}.")
  long n;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "0",
      description =
          "Seed of the z draws; the same seed gives the same samples. "
              + "Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--parquet", description = "Also write every sample to DIR/samples.parquet.")
  boolean parquet;

  @Override
  DataOptions dataOptions() {
    return null;
  }

  @Override
  int run(Context c) throws IOException {
    if (n < 1) {
      throw new UserError("--n must be >= 1, got " + n);
    }
    if (c.shape == null && !parquet) {
      throw new UserError(
          "the model's rows are not images ("
              + c.model.architecture().inputDim()
              + " values, no shape recorded), so there is no picture to draw: pass --parquet");
    }
    if (parquet) {
      Dataset<Row> samples = c.model.sample(c.spark, n, seed);
      c.out.writeParquet(
          OUTPUT, samples.select(functions.col("id"), asFloats("z"), asFloats("sample")));
      System.out.printf(Locale.ROOT, "wrote %,d samples: %s%n", n, c.out.resolve(OUTPUT));
    }
    if (c.shape != null) {
      int shown = (int) Math.min(n, MAX_DRAWN);
      // Row i depends only on the seed and i, so these are the Parquet's first rows.
      List<Row> rows = c.model.sample(c.spark, shown, seed).collectAsList();
      float[][] images = new float[rows.size()][];
      for (Row r : rows) {
        double[] v = ((Vector) r.getAs("sample")).toArray();
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) {
          f[j] = (float) v[j];
        }
        images[(int) r.getLong(0)] = f;
      }
      int columns = shown <= 64 ? 8 : 16;
      c.out.write(
          PICTURE,
          c.gridPng(
              images,
              columns,
              null,
              String.format(
                  Locale.ROOT,
                  "%s: decoder means for z ~ N(0, I), seed %d",
                  shown < n ? "The first " + shown + " of " + n + " samples" : shown + " samples",
                  seed)));
      System.out.printf(Locale.ROOT, "drew %d samples: %s%n", shown, c.out.resolve(PICTURE));
    }
    return Main.EXIT_OK;
  }
}
