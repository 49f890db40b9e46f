// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The layout of versioned runs ({@code output.versioned = true}) under a base directory:
 *
 * <pre>
 *   BASE/runs/20261124T083012Z/     one directory per run: model/, metrics.json, gate.json, …
 *   BASE/runs/20261124T083012Z-2/   a second run started in the same second
 *   BASE/latest                     a one-line text file: runs/20261124T083012Z
 * </pre>
 *
 * {@code latest} is a plain file rather than a symbolic link because HDFS and object stores have no
 * links; it is replaced with {@link AtomicFiles#writeAtomically}, so a reader sees the old pointer
 * or the new one, never a torn line. It holds the run's path relative to BASE, so a BASE copied
 * elsewhere (HDFS to a laptop) still resolves. A consumer reads it with {@code hdfs dfs -cat
 * BASE/latest}, or passes {@code --model BASE} to the inference commands.
 */
final class VersionedOutput {
  static final String RUNS = "runs";
  static final String LATEST = "latest";

  /** Created in each new run directory on file systems where mkdirs cannot claim a name. */
  static final String CLAIM = ".spark-vae-run";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern RUN_NAME = Pattern.compile("\\d{8}T\\d{6}Z(-\\d+)?");

  /** A pointer is one short line; anything bigger is not ours. */
  private static final long MAX_POINTER_BYTES = 4096;

  private final FileSystem fs;
  private final Path base;

  VersionedOutput(FileSystem fs, Path base) {
    this.fs = fs;
    this.base = base;
  }

  static VersionedOutput at(Configuration conf, String base) {
    Path p = new Path(base);
    try {
      return new VersionedOutput(FileSystems.of(p, conf), p);
    } catch (IOException e) {
      throw new UserError("--out " + base + ": " + e.getMessage(), e);
    }
  }

  Path base() {
    return base;
  }

  FileSystem fs() {
    return fs;
  }

  /** The UTC time stamp that names a run started at {@code t}, e.g. 20261124T083012Z. */
  static String stamp(Instant t) {
    return STAMP.format(t);
  }

  static boolean isRunName(String name) {
    return RUN_NAME.matcher(name).matches();
  }

  /**
   * Creates and claims a new run directory named after {@code start}; a name already taken (two
   * runs started in the same second) gets a suffix -2, -3, …. Claiming is atomic on the local file
   * system (createDirectory fails when the directory exists) and on HDFS (creating the claim file
   * without overwrite fails at the NameNode when another run created it first).
   *
   * @return the run's path relative to the base, e.g. runs/20261124T083012Z
   */
  String newRun(Instant start) throws IOException {
    Path runs = new Path(base, RUNS);
    fs.mkdirs(runs);
    String stamp = stamp(start);
    for (int i = 1; i < 10_000; i++) {
      String name = i == 1 ? stamp : stamp + "-" + i;
      if (claim(new Path(runs, name))) {
        return RUNS + "/" + name;
      }
    }
    throw new IOException("cannot claim a run directory under " + runs + " for " + stamp);
  }

  private boolean claim(Path dir) throws IOException {
    if (fs instanceof RawLocalFileSystem) {
      try {
        Files.createDirectory(((RawLocalFileSystem) fs).pathToFile(dir).toPath());
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    if (fs.exists(dir)) {
      return false;
    }
    try {
      fs.create(new Path(dir, CLAIM), false).close();
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The promoted run, relative to the base (runs/…), or null before the first promotion. */
  String latest() throws IOException {
    Path p = new Path(base, LATEST);
    AtomicFiles.recover(fs, p);
    if (!fs.exists(p)) {
      return null;
    }
    return readPointer(fs, p);
  }

  /** Points {@code latest} at {@code run} (relative to the base), atomically. */
  void promote(String run) throws IOException {
    AtomicFiles.writeAtomically(
        fs, new Path(base, LATEST), (run + "\n").getBytes(StandardCharsets.UTF_8));
  }

  Path resolve(String run) {
    return resolvePointer(base, run);
  }

  /** Reads a pointer file: one line naming a run directory. */
  static String readPointer(FileSystem fs, Path pointer) throws IOException {
    byte[] bytes;
    try {
      bytes = AtomicFiles.readAll(fs, pointer, MAX_POINTER_BYTES);
    } catch (FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException(pointer + " is not a spark-vae 'latest' pointer: " + e.getMessage(), e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty() || text.contains("\n")) {
      throw new IOException(
          pointer
              + " is not a spark-vae 'latest' pointer (expected one line "
              + "such as runs/20261124T083012Z, found "
              + (text.isEmpty() ? "nothing" : "several lines")
              + ")");
    }
    return text;
  }

  /** A pointer's target: relative to the pointer's directory, or absolute as written. */
  static Path resolvePointer(Path dirOfPointer, String target) {
    Path t = new Path(target);
    return t.isAbsolute() || t.toUri().getScheme() != null ? t : new Path(dirOfPointer, target);
  }
}
