// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.List;

/**
 * The {@code data.*} settings: where the data is and how to read it. Part of the {@link Settings}
 * registry.
 */
public final class DataSettings {
  private DataSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting DATA_TRAIN =
      D.config(
          "data.train",
          Setting.Type.STRING,
          "null",
          "required. Training data: an IDX file, Parquet, CSV, LibSVM, or (for `train`) a "
              + "folder of images; any Hadoop path (local, `hdfs://`, `s3a://`). For `linreg`: a "
              + "CSV file with a header, a Parquet file or directory, or a LibSVM file. See [Input "
              + "formats](inputs.md#input-formats)");
  public static final Setting DATA_TEST =
      D.config(
          "data.test",
          Setting.Type.STRING,
          "null",
          "test data, same format; evaluated after every epoch (the validation curve) and at "
              + "the end. Not set: no test set (pictures then use the training set). The inference "
              + "commands' `--data PATH` sets this key");
  public static final Setting DATA_FORMAT =
      D.config(
          "data.format",
          Setting.Type.STRING,
          "null",
          "`idx`, `parquet`, `csv`, `libsvm` or `images` (`linreg`: `csv`, `parquet` or "
              + "`libsvm`); not set = inferred from the path");
  public static final Setting DATA_FEATURES =
      D.config(
          "data.features",
          Setting.Type.STRINGS,
          "[]",
          "VAE: one column (ML Vector, `array<float|double>`, `binary` 8-bit pixels) or "
              + "several numeric columns (pixels) assembled in order; `[]` = the `features` column "
              + "when present, else every numeric column but the label and id. `linreg`: the "
              + "feature columns, in order; `[]` = every numeric column but the label and `data.id` "
              + "(LibSVM: `x1 … xd`); see [linreg's input](linear-regression.md#input)");
  public static final Setting DATA_LABEL =
      D.config(
          "data.label",
          Setting.Type.STRING,
          "\"label\"",
          "class labels (they colour the latent scatter) or the regression target (LibSVM: "
              + "always `label`)");
  public static final Setting DATA_LABEL_NAMES =
      D.config(
          "data.label-names",
          Setting.Type.STRINGS,
          "[]",
          "class names for labels 0, 1, … in legends of the latent scatter; `[]` = the "
              + "numbers (image folders: the class folder names)");
  public static final Setting DATA_ID =
      D.config(
          "data.id",
          Setting.Type.STRING,
          "\"id\"",
          "column that identifies rows in messages and outputs, and that is never a default "
              + "feature (`\"\"` = none)");
  public static final Setting DATA_HEIGHT =
      D.config(
          "data.height",
          Setting.Type.INT,
          "null",
          "image height, used to draw images; not set = from the IDX header, otherwise a "
              + "square grayscale guess. Image folders: with `data.width`, every image is resampled "
              + "to height × width (area averaging when shrinking, bilinear when enlarging); not "
              + "set = keep the files' size, which must then be the same for all");
  public static final Setting DATA_WIDTH =
      D.config("data.width", Setting.Type.INT, "null", "image width; as `data.height`");
  public static final Setting DATA_CHANNELS =
      D.config(
          "data.channels",
          Setting.Type.INT,
          "null",
          "1 = grayscale (ITU-R BT.601 luma), 3 = RGB; not set = from the data (image folders "
              + "default to 1)");
  public static final Setting DATA_ON_BAD_FILE =
      D.choice(
          "data.on-bad-file",
          null,
          Settings.OnBadFile.values(),
          Settings.OnBadFile::configName,
          Settings.OnBadFile.SKIP,
          "image folders: a file that cannot be decoded (corrupt, truncated, not an image): "
              + "`skip` leaves it out (counted and listed in the log), `fail` stops the run before "
              + "training; see [Image folders](inputs.md#image-folders)");
  public static final Setting DATA_NUM_FEATURES =
      D.setting(
          "data.num-features",
          null,
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "LibSVM: number of features (0 = infer from the data); set it when the last "
              + "features can be zero in every row");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
