// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A loaded image (or generic vector) data set: a DataFrame with a features column and, when the
 * source has them, a label and an id column, plus what we know of its shape.
 *
 * @param frame the rows
 * @param featuresColumn binary (8-bit pixels), ML Vector, or array of float/double
 * @param labelColumn integer class labels, or null
 * @param idColumn a value that identifies each row in messages and outputs, or null
 * @param shape image height, width and channels, or null when the rows are not images
 * @param source where it came from, for messages ("data.train: data/train.parquet")
 * @param labelNames the class names of labels 0, 1, … when the source names them (the class folders
 *     of an image folder), else null
 */
public record ImageData(
    Dataset<Row> frame,
    String featuresColumn,
    String labelColumn,
    String idColumn,
    Shape shape,
    String source,
    List<String> labelNames) {

  /** Without class names. */
  public ImageData(
      Dataset<Row> frame,
      String featuresColumn,
      String labelColumn,
      String idColumn,
      Shape shape,
      String source) {
    this(frame, featuresColumn, labelColumn, idColumn, shape, source, null);
  }

  /** Image geometry; pixels are stored row-major, channels interleaved. */
  public record Shape(int height, int width, int channels) implements Serializable {
    public Shape {
      if (height < 1 || width < 1 || (channels != 1 && channels != 3)) {
        throw new IllegalArgumentException(
            "image shape "
                + height
                + "x"
                + width
                + "x"
                + channels
                + " is invalid: sizes must be positive and channels 1 or 3");
      }
    }

    public int size() {
      return height * width * channels;
    }

    /** A square grayscale shape when {@code dim} is a perfect square, else null. */
    public static Shape guess(int dim) {
      int s = (int) Math.round(Math.sqrt(dim));
      if (s * s == dim) {
        return new Shape(s, s, 1);
      }
      int t = (int) Math.round(Math.sqrt(dim / 3.0));
      if (3 * t * t == dim) {
        return new Shape(t, t, 3);
      }
      return null;
    }

    @Override
    public String toString() {
      return height + "x" + width + "x" + channels;
    }
  }

  public ImageData withFrame(Dataset<Row> f) {
    return new ImageData(f, featuresColumn, labelColumn, idColumn, shape, source, labelNames);
  }
}
