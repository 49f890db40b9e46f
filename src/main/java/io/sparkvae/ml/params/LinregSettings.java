// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import io.sparkvae.kernel.Optimizer;
import java.util.List;

/**
 * The {@code linreg.*} settings of the {@code linreg} command. Part of the {@link Settings}
 * registry.
 */
public final class LinregSettings {
  private LinregSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting LINREG_EPOCHS =
      D.setting(
          "linreg.epochs",
          null,
          Setting.Type.INT,
          "200",
          Rule.POSITIVE,
          "epochs (passes over the data) of the gradient fit on the engine");
  public static final Setting LINREG_BATCH_SIZE =
      D.setting(
          "linreg.batch-size",
          null,
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "rows per step summed over all partitions, as for `train.batch-size`; 0 = every row "
              + "(full-batch gradient descent: one update per epoch). Full batch holds a copy of "
              + "each partition's rows in its task: on very large partitions set a batch size");
  public static final Setting LINREG_LEARNING_RATE =
      D.setting(
          "linreg.learning-rate",
          null,
          Setting.Type.DOUBLE,
          "0.25",
          Rule.POSITIVE,
          "its step size η; with `sgd` it must stay below 1/λ_max of the (standardized) "
              + "features' second-moment matrix: `linreg` reports the limit and refuses a rate "
              + "above it");
  public static final Setting LINREG_OPTIMIZER =
      D.choice(
          "linreg.optimizer",
          null,
          Optimizer.Kind.values(),
          Optimizer.Kind::configName,
          Optimizer.Kind.SGD,
          "`sgd` or `adam` (with `adam` there is no closed-form tolerance; the measured "
              + "difference is still reported)");
  public static final Setting LINREG_SYNC_EVERY =
      D.setting(
          "linreg.sync-every",
          null,
          Setting.Type.INT,
          "1",
          Rule.POSITIVE,
          "its k: local steps per partition between synchronizations");
  public static final Setting LINREG_SEED =
      D.setting(
          "linreg.seed",
          null,
          Setting.Type.LONG,
          "42",
          Rule.ANY,
          "its seed (row order of minibatches)");
  public static final Setting LINREG_STANDARDIZE =
      D.config(
          "linreg.standardize",
          Setting.Type.BOOLEAN,
          "true",
          "standardize features and label for the gradient fit, with the exact pass's means "
              + "and standard deviations (weights reported on the original scale)");
  public static final Setting LINREG_PARTITIONS =
      D.setting(
          "linreg.partitions",
          null,
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "partitions of the shared cached DataFrame (0 = Spark's default parallelism)");
  public static final Setting LINREG_MLLIB_TOL =
      D.setting(
          "linreg.mllib-tol",
          null,
          Setting.Type.DOUBLE,
          "1e-12",
          Rule.POSITIVE,
          "MLlib `LinearRegression` (solver `l-bfgs`): convergence tolerance");
  public static final Setting LINREG_MLLIB_MAX_ITER =
      D.setting(
          "linreg.mllib-max-iter",
          null,
          Setting.Type.INT,
          "1000",
          Rule.POSITIVE,
          "MLlib L-BFGS iteration limit");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
