// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.engine.FeatureReader;
import io.sparkvae.ml.VariationalAutoencoderModel;
import io.sparkvae.report.ImageGrid;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reconstruct}: the first rows beside what the model makes of them (the decoder mean at z =
 * μ), the quickest look at what a model keeps and what it blurs. The notebook equivalent is the
 * {@code reconstruction} column of {@code model.transform(df)}.
 */
@Command(
    name = "reconstruct",
    mixinStandardHelpOptions = true,
    description =
        "Draw the first N rows beside their reconstructions in "
            + "DIR/reconstructions.png (captions: id and -ELBO).")
public final class ReconstructCommand extends InferenceCommand {
  static final String PICTURE = "reconstructions.png";
  static final int MAX_N = 1024;

  @Mixin DataOptions data;

  @Option(
      names = "--n",
      paramLabel = "N",
      defaultValue = "32",
      description = "Rows to draw (1 to " + MAX_N + "). Default: ${DEFAULT-VALUE}.")
  int n;

  @Override
  DataOptions dataOptions() {
    return data;
  }

  @Override
  int run(Context c) throws IOException {
    if (n < 1 || n > MAX_N) {
      throw new UserError("--n must lie in 1.." + MAX_N + ", got " + n);
    }
    if (c.shape == null) {
      throw new UserError(
          "the model's rows are not images ("
              + c.model.architecture().inputDim()
              + " values, no shape recorded): set data.height and data.width (and data.channels) "
              + "to draw them");
    }
    VariationalAutoencoderModel m =
        c.quietModel().setReconstructionCol("reconstruction").setNegElboCol("neg_elbo");
    List<Column> cols = c.keyColumns();
    cols.add(functions.col("`" + c.data.featuresColumn() + "`"));
    // The first n rows in partition order (one partition, no shuffle): the same rows every run.
    List<Row> rows =
        select(
                m.transform(c.data.frame().coalesce(1).limit(n)),
                addAll(cols, functions.col("reconstruction"), functions.col("neg_elbo")))
            .collectAsList();
    int d = c.model.architecture().inputDim();
    float[][] orig = pixels(rows, c.data.featuresColumn(), d);
    float[][] rec = new float[rows.size()][d];
    String[] captions = new String[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      double[] v = ((Vector) rows.get(i).getAs("reconstruction")).toArray();
      for (int j = 0; j < d; j++) {
        rec[i][j] = (float) v[j];
      }
      captions[i] = ScoreCommand.caption(rows.get(i), c.data.idColumn(), "neg_elbo");
    }
    c.out.write(
        PICTURE,
        ImageGrid.toPngBytes(
            ImageGrid.pairs(
                orig,
                rec,
                c.shape[0],
                c.shape[1],
                c.shape[2],
                4,
                ImageGrid.defaultScale(c.shape[0], c.shape[1]),
                captions,
                "The first "
                    + rows.size()
                    + " rows (left) and their reconstructions (right), decoded "
                    + "at z = mu; captions: "
                    + (c.data.idColumn() == null ? "" : c.data.idColumn() + " · ")
                    + "-ELBO")));
    System.out.printf(
        Locale.ROOT,
        "drew %d rows and their reconstructions: %s%n",
        rows.size(),
        c.out.resolve(PICTURE));
    return Main.EXIT_OK;
  }

  private static List<Column> addAll(List<Column> cols, Column... more) {
    cols.addAll(List.of(more));
    return cols;
  }

  /** Collected rows' features as floats, 8-bit pixels scaled to [0, 1] as in training. */
  static float[][] pixels(List<Row> rows, String column, int d) {
    float[][] out = new float[rows.size()][d];
    if (rows.isEmpty()) {
      return out;
    }
    FeatureReader reader = FeatureReader.forColumn(rows.get(0).schema(), column);
    FeatureReader.FloatBuffer buf = new FeatureReader.FloatBuffer();
    for (int i = 0; i < rows.size(); i++) {
      int dim = reader.read(rows.get(i), out[i], 0, d, buf);
      if (dim != d) {
        throw new UserError(
            "column '"
                + column
                + "' holds "
                + dim
                + " values in a row; the "
                + "model expects "
                + d);
      }
    }
    return out;
  }
}
