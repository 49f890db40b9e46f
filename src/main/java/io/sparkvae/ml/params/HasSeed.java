// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Params;

/**
 * The seed of every random stream ({@link TrainSettings#TRAIN_SEED}), shared by estimator and
 * model.
 */
public interface HasSeed extends Params {
  default LongParam seed() {
    return (LongParam) TrainSettings.TRAIN_SEED.param(this);
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }
}
