// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The input column, shared by the estimator and the model (Spark's {@code HasFeaturesCol} style:
 * declared once, mixed into both). Setters stay in the classes, which return their own type.
 */
public interface HasFeaturesCol extends Params {
  /** {@link MlParamSettings#FEATURES_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> featuresCol() {
    return (Param<String>) MlParamSettings.FEATURES_COL.param(this);
  }

  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }
}
