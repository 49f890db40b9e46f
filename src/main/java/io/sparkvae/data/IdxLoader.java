// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@link Loaders}' IDX format: the driver-side checks of the files and the parse on an executor.
 */
final class IdxLoader {
  private IdxLoader() {}

  /** The labels file that sits beside an IDX images file, by the MNIST naming convention. */
  public static String idxLabelsPath(String imagesPath) {
    // Only in the file's own name: a folder called "…images-idx3…" on the way stays as it is.
    int slash = imagesPath.lastIndexOf('/');
    String name = imagesPath.substring(slash + 1);
    if (name.contains("images-idx3")) {
      return imagesPath.substring(0, slash + 1) + name.replace("images-idx3", "labels-idx1");
    }
    return null;
  }

  static final StructType IDX_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("features", DataTypes.BinaryType, false),
            DataTypes.createStructField("label", DataTypes.IntegerType, true)
          });

  /**
   * IDX images (and the labels file beside them, when present) through Spark's binaryFile source:
   * one task parses the files and emits (id, 8-bit pixels, label) rows; they are spread over
   * partitions later. The file is gzip-compressed or not.
   */
  static ImageData idx(SparkSession spark, Loaders.Spec spec) {
    String images = spec.path();
    String labels = idxLabelsPath(images);
    List<String> paths = new ArrayList<>();
    paths.add(images);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    int[] dims;
    try {
      if (labels != null) {
        Path lp = new Path(labels);
        if (!lp.getFileSystem(conf).exists(lp)) {
          labels = null;
        } else {
          paths.add(labels);
        }
      }
      // Checked here, on the driver, so that a damaged file is a one-line error before any job.
      dims = checkIdx(conf, images, spec.key());
      if (dims.length < 2) {
        throw new IllegalArgumentException(
            spec.key()
                + " "
                + images
                + ": IDX images need at "
                + "least 2 dimensions, the header has "
                + dims.length
                + " (is it a labels file?)");
      }
      if (labels != null) {
        int[] ld = checkIdx(conf, labels, spec.key() + " labels");
        if (ld.length != 1) {
          throw new IllegalArgumentException(
              spec.key()
                  + " labels "
                  + labels
                  + ": an IDX labels file has one dimension (one byte per image), the header has "
                  + Arrays.toString(ld)
                  + " (one-hot or several labels per image are not read)");
        }
        if (ld[0] != dims[0]) {
          throw new IllegalArgumentException(
              spec.key()
                  + ": "
                  + labels
                  + " holds "
                  + ld[0]
                  + " labels but "
                  + images
                  + " holds "
                  + dims[0]
                  + " images");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .load(paths.toArray(new String[0]))
            .select("path", "content")
            .coalesce(1);
    final String key = spec.key();
    final String imagesName = new Path(images).getName();
    MapPartitionsFunction<Row, Row> parse =
        it -> {
          byte[] img = null;
          byte[] lab = null;
          String imgPath = null;
          String labPath = null;
          while (it.hasNext()) {
            Row r = it.next();
            String path = r.getString(0);
            if (new Path(path).getName().equals(imagesName)) {
              img = (byte[]) r.get(1);
              imgPath = path;
            } else {
              lab = (byte[]) r.get(1);
              labPath = path;
            }
          }
          if (img == null) {
            return new ArrayList<Row>().iterator();
          }
          try {
            return rows(img, imgPath, lab, labPath, key);
          } catch (IOException e) {
            // The driver checked the files; this is a file changed since, or a damaged gzip body.
            throw new BadDataException(e.getMessage(), e);
          }
        };
    Dataset<Row> frame = files.mapPartitions(parse, Encoders.row(IDX_SCHEMA));
    ImageData.Shape shape = spec.shape() != null ? spec.shape() : idxShape(dims);
    return new ImageData(
        frame,
        "features",
        labels != null ? "label" : null,
        "id",
        shape,
        spec.key() + ": " + images);
  }

  /** Parses the IDX bytes (on an executor) into rows. */
  private static java.util.Iterator<Row> rows(
      byte[] img, String imgPath, byte[] lab, String labPath, String key) throws IOException {
    IdxFile.Contents ic = IdxFile.read(new ByteArrayInputStream(img), key + " " + imgPath);
    if (ic.dims().length < 2) {
      throw new IOException(
          key
              + " "
              + imgPath
              + ": IDX images need at least 2 dimensions, "
              + "the header has "
              + ic.dims().length);
    }
    int[] lv = null;
    if (lab != null) {
      IdxFile.Contents lc = IdxFile.read(new ByteArrayInputStream(lab), key + " " + labPath);
      if (lc.dims().length != 1) {
        throw new IOException(
            key
                + " "
                + labPath
                + ": an IDX labels file has one dimension, the header has "
                + Arrays.toString(lc.dims()));
      }
      if (lc.count() != ic.count()) {
        throw new IOException(
            key
                + ": "
                + labPath
                + " holds "
                + lc.count()
                + " labels but "
                + imgPath
                + " holds "
                + ic.count()
                + " images");
      }
      lv = lc.labels();
    }
    final int[] labelsArr = lv;
    final int n = ic.count();
    final int size = ic.itemSize();
    final byte[] data = ic.data();
    return new java.util.Iterator<Row>() {
      int i = 0;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public Row next() {
        byte[] px = Arrays.copyOfRange(data, i * size, (i + 1) * size);
        Row row = RowFactory.create((long) i, px, labelsArr == null ? null : labelsArr[i]);
        i++;
        return row;
      }
    };
  }

  /** The image shape an IDX header describes, or null. */
  private static ImageData.Shape idxShape(int[] dims) {
    if (dims.length == 3) {
      return new ImageData.Shape(dims[1], dims[2], 1);
    }
    if (dims.length == 4 && (dims[3] == 1 || dims[3] == 3)) {
      return new ImageData.Shape(dims[1], dims[2], dims[3]);
    }
    return null;
  }

  /**
   * Checks an IDX file on the driver without reading its body where that can be avoided: the
   * header, then the body's length: from the file size when uncompressed, from the gzip trailer
   * (the uncompressed size mod 2^32) when compressed, and only when that disagrees (a truncated
   * file, or a file of several gzip members) by decompressing and counting.
   *
   * @return the dimensions
   * @throws IOException naming the file and what is wrong
   */
  static int[] checkIdx(Configuration conf, String file, String key) throws IOException {
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(conf);
    String source = key + " " + file;
    long len = fs.getFileStatus(p).getLen();
    boolean gzip;
    int[] dims;
    try (org.apache.hadoop.fs.FSDataInputStream in = fs.open(p)) {
      gzip = IdxFile.looksGzipped(in);
      in.seek(0);
      dims = IdxFile.readHeader(in, source);
      if (!gzip) {
        String problem = IdxFile.bodyProblem(dims, len - IdxFile.headerBytes(dims.length), source);
        if (problem != null) {
          throw new IOException(problem);
        }
        return dims;
      }
      long expected = IdxFile.headerBytes(dims.length) + IdxFile.bodyBytes(dims);
      if (len >= 18) { // a gzip member is at least 18 bytes; ISIZE is its last 4, little-endian
        byte[] t = new byte[4];
        in.readFully(len - 4, t);
        long isize =
            (t[0] & 0xFFL) | (t[1] & 0xFFL) << 8 | (t[2] & 0xFFL) << 16 | (t[3] & 0xFFL) << 24;
        if (isize == (expected & 0xFFFFFFFFL)) {
          return dims;
        }
      }
    }
    try (java.io.InputStream in = fs.open(p)) {
      return IdxFile.verify(in, source);
    }
  }
}
