// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * The params of {@code VariationalAutoencoderModel}: its output columns and the scoring noise, each
 * a {@link Setting} of {@link Settings}. The input column and the seed are the estimator's own
 * declarations ({@link HasFeaturesCol}, {@link HasSeed}), so a model and the estimator that made it
 * describe them the same way. The model adds setters.
 */
public interface VaeModelParams extends HasFeaturesCol, HasSeed {
  /** {@link MlParamSettings#LATENT_MEAN_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> latentMeanCol() {
    return (Param<String>) MlParamSettings.LATENT_MEAN_COL.param(this);
  }

  default String getLatentMeanCol() {
    return getOrDefault(latentMeanCol());
  }

  /** {@link MlParamSettings#LATENT_LOG_VAR_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> latentLogVarCol() {
    return (Param<String>) MlParamSettings.LATENT_LOG_VAR_COL.param(this);
  }

  default String getLatentLogVarCol() {
    return getOrDefault(latentLogVarCol());
  }

  /** {@link MlParamSettings#RECONSTRUCTION_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> reconstructionCol() {
    return (Param<String>) MlParamSettings.RECONSTRUCTION_COL.param(this);
  }

  default String getReconstructionCol() {
    return getOrDefault(reconstructionCol());
  }

  /** {@link MlParamSettings#NEG_ELBO_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> negElboCol() {
    return (Param<String>) MlParamSettings.NEG_ELBO_COL.param(this);
  }

  default String getNegElboCol() {
    return getOrDefault(negElboCol());
  }

  /** {@link MlParamSettings#IWAE_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> iwaeCol() {
    return (Param<String>) MlParamSettings.IWAE_COL.param(this);
  }

  default String getIwaeCol() {
    return getOrDefault(iwaeCol());
  }

  /** {@link MlParamSettings#IWAE_SAMPLES}. */
  default IntParam iwaeSamples() {
    return (IntParam) MlParamSettings.IWAE_SAMPLES.param(this);
  }

  default int getIwaeSamples() {
    return (Integer) getOrDefault(iwaeSamples());
  }

  /** {@link MlParamSettings#SCORE_SAMPLES}. */
  default IntParam scoreSamples() {
    return (IntParam) MlParamSettings.SCORE_SAMPLES.param(this);
  }

  default int getScoreSamples() {
    return (Integer) getOrDefault(scoreSamples());
  }

  /** {@link MlParamSettings#BLOCK_SIZE}. */
  default IntParam blockSize() {
    return (IntParam) MlParamSettings.BLOCK_SIZE.param(this);
  }

  default int getBlockSize() {
    return (Integer) getOrDefault(blockSize());
  }
}
