// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.List;

/**
 * The {@code eval.*} settings: the test-set bound, pictures and the PCA baseline. Part of the
 * {@link Settings} registry.
 */
public final class EvalSettings {
  private EvalSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting EVAL_IWAE_K =
      D.setting(
          "eval.iwae-k",
          null,
          Setting.Type.INT,
          "100",
          Rule.NON_NEGATIVE,
          "K, draws of the importance-weighted bound on the test set (0 = skip)");
  public static final Setting EVAL_IWAE_ROWS =
      D.setting(
          "eval.iwae-rows",
          null,
          Setting.Type.INT,
          "2000",
          Rule.NON_NEGATIVE,
          "test rows used for that bound: the first ones, in partition order (0 = all)");
  public static final Setting EVAL_IMAGES =
      D.setting(
          "eval.images",
          null,
          Setting.Type.INT,
          "32",
          Rule.NON_NEGATIVE,
          "test images drawn beside their reconstructions");
  public static final Setting EVAL_SAMPLES =
      D.setting(
          "eval.samples",
          null,
          Setting.Type.INT,
          "64",
          Rule.NON_NEGATIVE,
          "images decoded from z ~ N(0, I)");
  public static final Setting EVAL_PCA_BASELINE =
      D.config(
          "eval.pca-baseline",
          Setting.Type.BOOLEAN,
          "true",
          "fit MLlib PCA with H components (as many as the latent size) and compare "
              + "reconstruction errors; see [the PCA baseline](outputs.md#the-pca-baseline)");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
