// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's output directory, on any Hadoop file system. Checked before any work starts: it must be
 * writable, and a directory that already holds a run is only replaced with --overwrite. Every file
 * is written atomically.
 */
final class OutputDir {
  private final FileSystem fs;
  private final Path dir;

  private OutputDir(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  /** Names that mark a directory as holding a run. */
  static final List<String> RUN_MARKERS =
      List.of("model", "metrics.json", "linreg.json", "checkpoint", "runs", "latest");

  static OutputDir prepare(Configuration conf, String out, boolean overwrite, boolean resume) {
    Path p = new Path(out);
    try {
      FileSystem fs = FileSystems.of(p, conf);
      List<String> found = entries(fs, p, out, RUN_MARKERS::contains);
      if (found.isEmpty()) {
        // Not a run: a directory of other files (a data set, say) is never written into, with
        // --overwrite or not: the run's files beside them would make it unreadable.
        List<String> other = entries(fs, p, out, name -> !name.startsWith("."));
        if (!other.isEmpty()) {
          throw new UserError(
              "--out "
                  + out
                  + " holds files that are not a spark-vae run ("
                  + firstNames(other)
                  + "); choose a new or empty directory");
        }
      }
      if (!found.isEmpty() && !overwrite && !resume) {
        throw new UserError(
            "--out "
                + out
                + " already holds a run ("
                + String.join(", ", found)
                + "); pass --overwrite to replace it, train.resume=true to continue it, or choose "
                + "another directory");
      }
      return createWritable(fs, p);
    } catch (IOException e) {
      throw new UserError("--out " + out + " is not writable: " + e.getMessage(), e);
    }
  }

  /**
   * The names in an existing output directory that {@code select} keeps; none when it is absent.
   */
  private static List<String> entries(FileSystem fs, Path p, String out, Predicate<String> select)
      throws IOException {
    List<String> found = new ArrayList<>();
    if (fs.exists(p)) {
      if (!fs.getFileStatus(p).isDirectory()) {
        throw new UserError("--out " + out + " is a file, not a directory");
      }
      for (FileStatus s : fs.listStatus(p)) {
        if (select.test(s.getPath().getName())) {
          found.add(s.getPath().getName());
        }
      }
    }
    return found;
  }

  /** The first five names in order, then "…" if there are more: enough to recognize a folder. */
  private static String firstNames(List<String> names) {
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(null);
    return String.join(", ", sorted.subList(0, Math.min(5, sorted.size())))
        + (sorted.size() > 5 ? ", …" : "");
  }

  /** Creates the directory and proves it writable before any work (hours of training) starts. */
  private static OutputDir createWritable(FileSystem fs, Path p) throws IOException {
    fs.mkdirs(p);
    Path probe = new Path(p, ".spark-vae-write-test");
    try (var o = fs.create(probe, true)) {
      o.write(1);
    }
    fs.delete(probe, false);
    return new OutputDir(fs, p);
  }

  /**
   * The output directory of an inference command (encode, score, …): it must not exist or be empty,
   * unless {@code overwrite}, in which case the command's outputs replace files of the same names
   * and anything else in it is left alone.
   */
  static OutputDir prepareFresh(Configuration conf, String out, boolean overwrite) {
    Path p = new Path(out);
    try {
      FileSystem fs = FileSystems.of(p, conf);
      List<String> found = entries(fs, p, out, name -> !name.startsWith("."));
      if (!found.isEmpty() && !overwrite) {
        throw new UserError(
            "--out "
                + out
                + " already exists and is not empty ("
                + firstNames(found)
                + "); pass --overwrite to replace the outputs, "
                + "or choose another directory");
      }
      return createWritable(fs, p);
    } catch (IOException e) {
      throw new UserError("--out " + out + " is not writable: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code df} as a Parquet directory {@code name}, atomically: Spark writes it beside the
   * target and it is swapped in whole, so a failed job leaves the previous output (or none).
   */
  void writeParquet(String name, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df)
      throws IOException {
    Path target = new Path(dir, name);
    io.sparkvae.io.AtomicFiles.replaceDirectoryAtomically(
        fs,
        target,
        tmp -> df.write().mode(org.apache.spark.sql.SaveMode.Overwrite).parquet(tmp.toString()));
  }

  Path path() {
    return dir;
  }

  String resolve(String name) {
    return new Path(dir, name).toString();
  }

  FileSystem fs() {
    return fs;
  }

  void write(String name, byte[] bytes) throws IOException {
    Path target = new Path(dir, name);
    AtomicFiles.writeAtomically(fs, target, bytes);
    // A checksum sidecar left by an earlier run through Hadoop's checksummed local file system
    // would no longer match the new file.
    fs.delete(new Path(target.getParent(), "." + target.getName() + ".crc"), false);
  }

  /** Replaces the folder {@code name} with one holding exactly {@code files}, atomically. */
  void replaceDirectory(String name, java.util.Map<String, byte[]> files) throws IOException {
    AtomicFiles.replaceDirectoryAtomically(
        fs,
        new Path(dir, name),
        tmp -> {
          for (java.util.Map.Entry<String, byte[]> e : files.entrySet()) {
            AtomicFiles.writeDurably(fs, new Path(tmp, e.getKey()), e.getValue());
          }
        });
  }

  void writeText(String name, String text) throws IOException {
    write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  void delete(String name) throws IOException {
    fs.delete(new Path(dir, name), true);
  }
}
