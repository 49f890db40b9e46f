package io.sparkvae.ml.params;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * The params of {@code VariationalAutoencoder}: the model's shape, the objective and the training
 * loop, each a {@link Setting} of {@link Settings} (where its meaning, default and allowed values
 * are declared). Spark ML finds them through these public methods; the estimator adds setters.
 */
public interface VaeEstimatorParams extends HasFeaturesCol, HasSeed {
  /** {@link Settings#ID_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> idCol() {
    return (Param<String>) Settings.ID_COL.param(this);
  }

  default String getIdCol() {
    return getOrDefault(idCol());
  }

  /** {@link Settings#MODEL_HIDDEN}. */
  default IntArrayParam hiddenLayers() {
    return (IntArrayParam) Settings.MODEL_HIDDEN.param(this);
  }

  default int[] getHiddenLayers() {
    return getOrDefault(hiddenLayers()).clone();
  }

  /** {@link Settings#MODEL_LATENT}. */
  default IntParam latentSize() {
    return (IntParam) Settings.MODEL_LATENT.param(this);
  }

  default int getLatentSize() {
    return (Integer) getOrDefault(latentSize());
  }

  /** {@link Settings#MODEL_ACTIVATION}. */
  @SuppressWarnings("unchecked")
  default Param<String> activation() {
    return (Param<String>) Settings.MODEL_ACTIVATION.param(this);
  }

  default String getActivation() {
    return getOrDefault(activation());
  }

  /** {@link Settings#MODEL_LIKELIHOOD}. */
  @SuppressWarnings("unchecked")
  default Param<String> likelihood() {
    return (Param<String>) Settings.MODEL_LIKELIHOOD.param(this);
  }

  default String getLikelihood() {
    return getOrDefault(likelihood());
  }

  /** {@link Settings#MODEL_INIT}. */
  @SuppressWarnings("unchecked")
  default Param<String> initialization() {
    return (Param<String>) Settings.MODEL_INIT.param(this);
  }

  default String getInitialization() {
    return getOrDefault(initialization());
  }

  /** {@link Settings#MODEL_BETA}. */
  default DoubleParam beta() {
    return (DoubleParam) Settings.MODEL_BETA.param(this);
  }

  default double getBeta() {
    return (Double) getOrDefault(beta());
  }

  /** {@link Settings#MODEL_KL_WARMUP_EPOCHS}. */
  default DoubleParam klWarmupEpochs() {
    return (DoubleParam) Settings.MODEL_KL_WARMUP_EPOCHS.param(this);
  }

  default double getKlWarmupEpochs() {
    return (Double) getOrDefault(klWarmupEpochs());
  }

  /** {@link Settings#TRAIN_LATENT_SAMPLES}. */
  default IntParam latentSamples() {
    return (IntParam) Settings.TRAIN_LATENT_SAMPLES.param(this);
  }

  default int getLatentSamples() {
    return (Integer) getOrDefault(latentSamples());
  }

  /** {@link Settings#TRAIN_BATCH_SIZE}. */
  default IntParam batchSize() {
    return (IntParam) Settings.TRAIN_BATCH_SIZE.param(this);
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** {@link Settings#TRAIN_LEARNING_RATE}. */
  default DoubleParam learningRate() {
    return (DoubleParam) Settings.TRAIN_LEARNING_RATE.param(this);
  }

  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  /** {@link Settings#TRAIN_OPTIMIZER}. */
  @SuppressWarnings("unchecked")
  default Param<String> optimizer() {
    return (Param<String>) Settings.TRAIN_OPTIMIZER.param(this);
  }

  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  /** {@link Settings#TRAIN_EPOCHS}. */
  default IntParam epochs() {
    return (IntParam) Settings.TRAIN_EPOCHS.param(this);
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  /** {@link Settings#TRAIN_SYNC_EVERY}. */
  default IntParam syncEvery() {
    return (IntParam) Settings.TRAIN_SYNC_EVERY.param(this);
  }

  default int getSyncEvery() {
    return (Integer) getOrDefault(syncEvery());
  }

  /** {@link Settings#TRAIN_AGGREGATION_DEPTH}. */
  default IntParam aggregationDepth() {
    return (IntParam) Settings.TRAIN_AGGREGATION_DEPTH.param(this);
  }

  default int getAggregationDepth() {
    return (Integer) getOrDefault(aggregationDepth());
  }

  /** {@link Settings#TRAIN_CLIP_NORM}. */
  default DoubleParam clipNorm() {
    return (DoubleParam) Settings.TRAIN_CLIP_NORM.param(this);
  }

  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  /** {@link Settings#NUM_PARTITIONS}. */
  default IntParam numPartitions() {
    return (IntParam) Settings.NUM_PARTITIONS.param(this);
  }

  default int getNumPartitions() {
    return (Integer) getOrDefault(numPartitions());
  }

  /** {@link Settings#TRAIN_STORAGE_LEVEL}. */
  @SuppressWarnings("unchecked")
  default Param<String> storageLevel() {
    return (Param<String>) Settings.TRAIN_STORAGE_LEVEL.param(this);
  }

  default String getStorageLevel() {
    return getOrDefault(storageLevel());
  }

  /** {@link Settings#TRAIN_CHECKPOINT_EVERY_ROUNDS}. */
  default IntParam checkpointEveryRounds() {
    return (IntParam) Settings.TRAIN_CHECKPOINT_EVERY_ROUNDS.param(this);
  }

  default int getCheckpointEveryRounds() {
    return (Integer) getOrDefault(checkpointEveryRounds());
  }

  /** {@link Settings#TRAIN_CHECKPOINT_EVERY_MINUTES}. */
  default DoubleParam checkpointEveryMinutes() {
    return (DoubleParam) Settings.TRAIN_CHECKPOINT_EVERY_MINUTES.param(this);
  }

  default double getCheckpointEveryMinutes() {
    return (Double) getOrDefault(checkpointEveryMinutes());
  }

  /** {@link Settings#TRAIN_INIT_MODEL}: a saved model directory to warm-start from. */
  @SuppressWarnings("unchecked")
  default Param<String> initialModelPath() {
    return (Param<String>) Settings.TRAIN_INIT_MODEL.param(this);
  }

  /** The warm-start model directory, or null when the param is not set. */
  default String getInitialModelPath() {
    return isDefined(initialModelPath()) ? getOrDefault(initialModelPath()) : null;
  }
}
