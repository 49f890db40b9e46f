// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Spark ML's own {@code metadata/} directory, written into every saved estimator and model
 * directory beside our files, so that the stage loads inside a {@code Pipeline}, {@code
 * PipelineModel}, {@code CrossValidatorModel} or {@code TrainValidationSplitModel}: their readers
 * open a stage with {@code DefaultParamsReader.loadParamsInstance}, which reads {@code
 * <stage>/metadata} (one line of JSON: class, timestamp, sparkVersion, uid, paramMap,
 * defaultParamMap) to learn the class, then calls its static {@code read().load(path)}.
 *
 * <p>It is written and read with Spark's own {@link DefaultParamsWriter#saveMetadata} and {@link
 * DefaultParamsReader#loadMetadata}, so the layout is whatever the running Spark expects.
 * Directories saved before it existed have no {@code metadata/}: they still load on their own
 * (their params come from our JSON), but not as a stage of a saved pipeline until re-saved.
 */
final class SparkMetadata {
  /** The directory name Spark ML reads in every saved stage. */
  static final String DIR = "metadata";

  private SparkMetadata() {}

  /** Writes {@code dir/metadata} for {@code instance}: its class, uid and params. */
  static void write(Params instance, FileSystem fs, Path dir, SparkSession spark) {
    DefaultParamsWriter.saveMetadata(instance, fs.makeQualified(dir).toString(), spark);
  }

  /** Whether {@code dir} holds a {@code metadata/} (false for directories saved before it). */
  static boolean isIn(FileSystem fs, Path dir) throws IOException {
    return fs.exists(new Path(dir, DIR));
  }

  /**
   * Reads {@code dir/metadata}, checks that it names {@code expectedClass} and the uid of {@code
   * instance} (which came from our JSON in the same directory), and sets the params it lists on
   * {@code instance}, set ones as set and defaults as defaults, as Spark does.
   */
  static void readInto(
      Params instance, FileSystem fs, Path dir, SparkSession spark, String expectedClass)
      throws IOException {
    String source = dir + "/" + DIR;
    var m = loadMetadata(fs.makeQualified(dir).toString(), spark, expectedClass, source);
    if (!instance.uid().equals(m.uid())) {
      throw new IOException(
          source
              + ": is for the stage '"
              + m.uid()
              + "', but the files "
              + "beside it are for '"
              + instance.uid()
              + "' (a directory mixed from two saves?)");
    }
    try {
      m.getAndSetParams(instance, scala.Option.empty());
    } catch (RuntimeException e) {
      throw new IOException(source + ": cannot set the params: " + e.getMessage(), e);
    }
  }

  private static DefaultParamsReader.Metadata loadMetadata(
      String dir, SparkSession spark, String expectedClass, String source) throws IOException {
    try {
      return DefaultParamsReader.loadMetadata(dir, spark, expectedClass);
    } catch (RuntimeException e) {
      throw new IOException(source + ": unreadable Spark ML metadata: " + e.getMessage(), e);
    }
  }

  /**
   * An {@link MLWriter} for a stage directory that is replaced whole ({@link
   * AtomicFiles#replaceDirectoryAtomically}): the new directory is filled beside the target —
   * Spark's {@code metadata/} first, then {@link #writeFiles} (whose last file marks a complete
   * save) — and swapped in, so a crash mid-save leaves the previous version intact and loadable.
   * Without {@code overwrite()} an existing path is an error, as in Spark ML.
   */
  abstract static class AtomicDirWriter extends MLWriter {
    private final Params instance;

    AtomicDirWriter(Params instance) {
      this.instance = instance;
    }

    /** What is saved, e.g. "the model", for error messages. */
    abstract String what();

    /** Writes our own files into the fresh directory {@code dir}, the completing file last. */
    abstract void writeFiles(FileSystem fs, Path dir) throws IOException;

    @Override
    public void save(String path) throws IOException {
      Path p = new Path(path);
      FileSystem fs = FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
      AtomicFiles.recover(fs, p);
      if (fs.exists(p) && !shouldOverwrite()) {
        throw new IOException(
            "path "
                + path
                + " already exists; use write().overwrite()"
                + ".save(path) to replace it");
      }
      saveImpl(path);
    }

    @Override
    public void saveImpl(String path) {
      Path p = new Path(path);
      try {
        FileSystem fs = FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
        AtomicFiles.replaceDirectoryAtomically(
            fs,
            p,
            tmp -> {
              write(instance, fs, tmp, sparkSession());
              writeFiles(fs, tmp);
            });
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not save " + what() + " to " + path + ": " + e.getMessage(), e);
      }
    }
  }
}
