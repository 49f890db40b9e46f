// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code encode}: the encoder's q(z | x) per row, latent mean and log-variance, as Parquet. The
 * notebook equivalent is {@code model.transform(df)} with the reconstruction and score columns
 * turned off.
 */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    description =
        "Write each row's latent mean and log-variance to DIR/latent.parquet "
            + "(with the id or path column and the label carried through).")
public final class EncodeCommand extends InferenceCommand {
  static final String OUTPUT = "latent.parquet";

  @Mixin DataOptions data;

  @Override
  DataOptions dataOptions() {
    return data;
  }

  @Override
  int run(Context c) throws IOException {
    VariationalAutoencoderModel m =
        c.quietModel().setLatentMeanCol("latent_mean").setLatentLogVarCol("latent_log_var");
    Dataset<Row> encoded = m.transform(c.data.frame());
    List<Column> cols = c.keyColumns();
    cols.add(asFloats("latent_mean"));
    cols.add(asFloats("latent_log_var"));
    c.out.writeParquet(OUTPUT, select(encoded, cols));
    long rows = c.spark.read().parquet(c.out.resolve(OUTPUT)).count();
    System.out.printf(
        Locale.ROOT,
        "encoded %,d rows into %d latent dimensions: %s%n",
        rows,
        c.model.architecture().latent(),
        c.out.resolve(OUTPUT));
    System.out.println(
        "columns: "
            + String.join(", ", c.keyColumnNames())
            + (c.keyColumnNames().isEmpty() ? "" : ", ")
            + "latent_mean, latent_log_var (array<float>)");
    return Main.EXIT_OK;
  }
}
