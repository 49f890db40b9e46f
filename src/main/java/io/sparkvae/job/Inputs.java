// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.ImageData;
import io.sparkvae.data.Loaders;
import io.sparkvae.io.Printable;
import io.sparkvae.ml.params.DataSettings;
import io.sparkvae.ml.params.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** Turns the data.* configuration into loaded data sets. */
final class Inputs {
  private Inputs() {}

  static Loaders.Format format(JobConfig c) {
    String f = c.string("data.format");
    try {
      return f == null ? null : Loaders.Format.parse(f, "data.format");
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  static ImageData.Shape shape(JobConfig c) {
    Integer h = c.optionalInteger("data.height");
    Integer w = c.optionalInteger("data.width");
    Integer ch = c.optionalInteger("data.channels");
    if (h == null && w == null) {
      return null; // data.channels alone: image folders keep their size (see imageOptions)
    }
    if (h == null || w == null) {
      throw new UserError("data.height and data.width must be set together");
    }
    try {
      return new ImageData.Shape(h, w, ch == null ? 1 : ch);
    } catch (IllegalArgumentException e) {
      throw new UserError("data.height/width/channels: " + e.getMessage(), e);
    }
  }

  /**
   * Image-folder settings. Data other than data.train numbers its class folders as the training
   * folder does, so a label means the same class in both.
   */
  static Loaders.ImageOptions imageOptions(JobConfig c, String key) {
    Integer ch = c.optionalInteger("data.channels");
    boolean fail =
        c.oneOf(DataSettings.DATA_ON_BAD_FILE).equals(Settings.OnBadFile.FAIL.configName());
    String classesFrom = key.equals("data.train") ? null : c.string("data.train");
    try {
      return new Loaders.ImageOptions(ch == null ? 1 : ch, fail, classesFrom);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /** Loads the image data set at config key {@code key} (data.train or data.test). */
  static ImageData images(SparkSession spark, JobConfig c, String key) {
    String path = c.requiredString(key);
    List<String> features = c.strings("data.features");
    String col = features.size() == 1 ? features.get(0) : "features";
    Loaders.Spec spec =
        new Loaders.Spec(
            key,
            path,
            format(c),
            col,
            c.string("data.label"),
            shape(c),
            c.nonNegative("data.num-features"),
            imageOptions(c, key),
            c.string("data.id"));
    ImageData d;
    try {
      d = Loaders.load(spark, spec);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    } catch (Exception e) { // Spark's own exceptions are checked, thrown undeclared
      throw new UserError(key + ": cannot read " + path + ": " + rootMessage(e), e);
    }
    String id = c.string("data.id");
    List<String> names = Arrays.asList(d.frame().columns());
    if (id != null && !id.isEmpty() && names.contains(id)) {
      d =
          new ImageData(
              d.frame(),
              d.featuresColumn(),
              d.labelColumn(),
              id,
              d.shape(),
              d.source(),
              d.labelNames());
    }
    if (features.size() > 1) {
      // Several numeric columns: assemble them, in the order given, into one features array.
      List<Column> cols = new ArrayList<>();
      for (String f : features) {
        if (!names.contains(f)) {
          throw new UserError(
              "data.features: no column '"
                  + Printable.name(f)
                  + "' in "
                  + path
                  + "; it has "
                  + String.join(", ", names.stream().map(Printable::name).toList()));
        }
        cols.add(functions.col("`" + f + "`").cast(DataTypes.FloatType));
      }
      Dataset<Row> df =
          d.frame().withColumn("features", functions.array(cols.toArray(new Column[0])));
      d =
          new ImageData(
              df, "features", d.labelColumn(), d.idColumn(), d.shape(), d.source(), d.labelNames());
    }
    return d;
  }

  static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage() == null ? r.toString() : r.getMessage();
  }
}
