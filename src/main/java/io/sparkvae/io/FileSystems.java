// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file system for one of our own files. Local paths use Hadoop's raw local file system: the
 * default one writes a hidden {@code .name.crc} beside every file, which clutters output folders
 * and makes a hand-edited metadata.json unreadable, while our models and checkpoints already carry
 * a SHA-256. Every other scheme (hdfs, s3a, …) is used as configured.
 */
public final class FileSystems {
  private FileSystems() {}

  public static FileSystem of(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    if (fs instanceof LocalFileSystem) {
      return ((LocalFileSystem) fs).getRawFileSystem();
    }
    return fs;
  }
}
