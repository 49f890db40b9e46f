// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.io.FileSystems;
import io.sparkvae.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Finds a saved model from what a user is likely to point at, so that {@code --model} and {@code
 * train.init-model} accept all of these:
 *
 * <ol>
 *   <li>a model directory (it holds {@code metadata.json});
 *   <li>a {@code latest} pointer file of versioned runs: its run's {@code model/};
 *   <li>a versioned base (it holds {@code latest}): the promoted run's {@code model/};
 *   <li>the output directory of a plain {@code train} (it holds {@code model/}).
 * </ol>
 *
 * Anything else is a {@link UserError} (exit code 2) that names the option and says what was found
 * instead.
 */
final class ModelRef {
  private ModelRef() {}

  /** The model directory {@code given} designates; {@code what} names the option in errors. */
  static Path resolve(Configuration conf, String given, String what) {
    Path p = new Path(given);
    try {
      FileSystem fs = FileSystems.of(p, conf);
      if (!fs.exists(p)) {
        throw new UserError(what + " " + given + ": no such file or directory");
      }
      if (fs.getFileStatus(p).isFile()) {
        return fromPointer(fs, p, given, what);
      }
      if (fs.exists(new Path(p, "metadata.json"))) {
        return p;
      }
      Path latest = new Path(p, VersionedOutput.LATEST);
      if (fs.exists(latest) && fs.getFileStatus(latest).isFile()) {
        return fromPointer(fs, latest, given, what);
      }
      Path model = new Path(p, "model");
      if (fs.exists(new Path(model, "metadata.json"))) {
        return model;
      }
      if (fs.exists(new Path(p, VersionedOutput.RUNS))) {
        throw new UserError(
            what
                + " "
                + given
                + ": a versioned base with no promoted run yet "
                + "(no "
                + VersionedOutput.LATEST
                + " file); point at a run's model/ under "
                + new Path(p, VersionedOutput.RUNS));
      }
      throw new UserError(
          what
              + " "
              + given
              + ": not a spark-vae model: expected a model "
              + "directory (with metadata.json), a train output directory (with model/), or a "
              + "versioned base (with latest)");
    } catch (IOException e) {
      throw new UserError(what + " " + given + ": " + e.getMessage(), e);
    }
  }

  private static Path fromPointer(FileSystem fs, Path pointer, String given, String what)
      throws IOException {
    String target = VersionedOutput.readPointer(fs, pointer);
    Path run = VersionedOutput.resolvePointer(pointer.getParent(), target);
    Path model = new Path(run, "model");
    if (!fs.exists(new Path(model, "metadata.json"))) {
      throw new UserError(
          what
              + " "
              + given
              + ": "
              + pointer
              + " points at "
              + target
              + ", but "
              + model
              + " holds no model (was the run deleted?)");
    }
    return model;
  }

  /** Resolves and loads; a missing, corrupt or foreign model is a UserError naming the option. */
  static VariationalAutoencoderModel load(SparkSession spark, String given, String what) {
    Path dir = resolve(spark.sparkContext().hadoopConfiguration(), given, what);
    try {
      return VariationalAutoencoderModel.load(dir.toString());
    } catch (UncheckedIOException e) {
      throw new UserError(what + " " + given + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UserError(
          what + " " + given + ": cannot load the model in " + dir + ": " + e.getMessage(), e);
    }
  }
}
