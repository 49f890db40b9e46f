package io.sparkvae.ml.params;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * The params of {@code VariationalAutoencoderModel}: its output columns and the scoring noise,
 * each a {@link Setting} of {@link Settings}. The input column and the seed are the estimator's
 * own declarations ({@link HasFeaturesCol}, {@link HasSeed}), so a model and the estimator that
 * made it describe them the same way. The model adds setters.
 */
public interface VaeModelParams extends HasFeaturesCol, HasSeed {
  /** {@link Settings#LATENT_MEAN_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> latentMeanCol() {
    return (Param<String>) Settings.LATENT_MEAN_COL.param(this);
  }

  default String getLatentMeanCol() {
    return getOrDefault(latentMeanCol());
  }

  /** {@link Settings#LATENT_LOG_VAR_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> latentLogVarCol() {
    return (Param<String>) Settings.LATENT_LOG_VAR_COL.param(this);
  }

  default String getLatentLogVarCol() {
    return getOrDefault(latentLogVarCol());
  }

  /** {@link Settings#RECONSTRUCTION_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> reconstructionCol() {
    return (Param<String>) Settings.RECONSTRUCTION_COL.param(this);
  }

  default String getReconstructionCol() {
    return getOrDefault(reconstructionCol());
  }

  /** {@link Settings#NEG_ELBO_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> negElboCol() {
    return (Param<String>) Settings.NEG_ELBO_COL.param(this);
  }

  default String getNegElboCol() {
    return getOrDefault(negElboCol());
  }

  /** {@link Settings#IWAE_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> iwaeCol() {
    return (Param<String>) Settings.IWAE_COL.param(this);
  }

  default String getIwaeCol() {
    return getOrDefault(iwaeCol());
  }

  /** {@link Settings#IWAE_SAMPLES}. */
  default IntParam iwaeSamples() {
    return (IntParam) Settings.IWAE_SAMPLES.param(this);
  }

  default int getIwaeSamples() {
    return (Integer) getOrDefault(iwaeSamples());
  }

  /** {@link Settings#SCORE_SAMPLES}. */
  default IntParam scoreSamples() {
    return (IntParam) Settings.SCORE_SAMPLES.param(this);
  }

  default int getScoreSamples() {
    return (Integer) getOrDefault(scoreSamples());
  }

  /** {@link Settings#BLOCK_SIZE}. */
  default IntParam blockSize() {
    return (IntParam) Settings.BLOCK_SIZE.param(this);
  }

  default int getBlockSize() {
    return (Integer) getOrDefault(blockSize());
  }
}
