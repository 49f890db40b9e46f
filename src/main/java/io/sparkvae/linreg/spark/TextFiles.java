// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Reading the data's text files on the driver, through Hadoop's file system (local, HDFS, S3), for
 * the messages that quote a line: which files a path holds, and a decompressing reader.
 */
final class TextFiles {
  private TextFiles() {}

  /** A file name as Spark reports it (a URI) or as typed. */
  static Path toPath(String file) {
    try {
      return new Path(new URI(file));
    } catch (URISyntaxException e) {
      return new Path(file);
    }
  }

  /** A file as a user would type it: local files without the file: scheme. */
  static String display(String file) {
    if (file.startsWith("file:")) {
      Path p = toPath(file);
      return p.toUri().getPath();
    }
    return file;
  }

  /** A reader of a text file, decompressed by the codec its extension names. */
  static BufferedReader open(FileSystem fs, Path p, Configuration conf) throws IOException {
    InputStream in = fs.open(p);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
    if (codec != null) {
      in = codec.createInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The files of a path: itself, or a directory's visible files in name order. */
  static List<Path> files(Configuration conf, String path) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.getFileStatus(p).isDirectory()) {
      return List.of(p);
    }
    List<Path> out = new ArrayList<>();
    for (FileStatus s : fs.listStatus(p)) {
      String n = s.getPath().getName();
      if (s.isFile() && !n.startsWith(".") && !n.startsWith("_")) {
        out.add(s.getPath());
      }
    }
    out.sort(null);
    return out;
  }
}
