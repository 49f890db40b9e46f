// SPDX-License-Identifier: Apache-2.0
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
  /** {@link MlParamSettings#ID_COL}. */
  @SuppressWarnings("unchecked")
  default Param<String> idCol() {
    return (Param<String>) MlParamSettings.ID_COL.param(this);
  }

  default String getIdCol() {
    return getOrDefault(idCol());
  }

  /** {@link ModelSettings#MODEL_TYPE}. */
  @SuppressWarnings("unchecked")
  default Param<String> modelType() {
    return (Param<String>) ModelSettings.MODEL_TYPE.param(this);
  }

  default String getModelType() {
    return getOrDefault(modelType());
  }

  /** {@link ModelSettings#MODEL_CONV_CHANNELS}. */
  default IntArrayParam convChannels() {
    return (IntArrayParam) ModelSettings.MODEL_CONV_CHANNELS.param(this);
  }

  default int[] getConvChannels() {
    return getOrDefault(convChannels()).clone();
  }

  /** {@link ModelSettings#MODEL_CONV_KERNEL}. */
  default IntParam convKernel() {
    return (IntParam) ModelSettings.MODEL_CONV_KERNEL.param(this);
  }

  default int getConvKernel() {
    return (Integer) getOrDefault(convKernel());
  }

  /** {@link ModelSettings#MODEL_CONV_STRIDE}. */
  default IntParam convStride() {
    return (IntParam) ModelSettings.MODEL_CONV_STRIDE.param(this);
  }

  default int getConvStride() {
    return (Integer) getOrDefault(convStride());
  }

  /** {@link ModelSettings#MODEL_CONV_PADDING}. */
  default IntParam convPadding() {
    return (IntParam) ModelSettings.MODEL_CONV_PADDING.param(this);
  }

  default int getConvPadding() {
    return (Integer) getOrDefault(convPadding());
  }

  /** {@link ModelSettings#MODEL_HIDDEN}. */
  default IntArrayParam hiddenLayers() {
    return (IntArrayParam) ModelSettings.MODEL_HIDDEN.param(this);
  }

  default int[] getHiddenLayers() {
    return getOrDefault(hiddenLayers()).clone();
  }

  /** {@link ModelSettings#MODEL_LATENT}. */
  default IntParam latentSize() {
    return (IntParam) ModelSettings.MODEL_LATENT.param(this);
  }

  default int getLatentSize() {
    return (Integer) getOrDefault(latentSize());
  }

  /** {@link ModelSettings#MODEL_ACTIVATION}. */
  @SuppressWarnings("unchecked")
  default Param<String> activation() {
    return (Param<String>) ModelSettings.MODEL_ACTIVATION.param(this);
  }

  default String getActivation() {
    return getOrDefault(activation());
  }

  /** {@link ModelSettings#MODEL_LIKELIHOOD}. */
  @SuppressWarnings("unchecked")
  default Param<String> likelihood() {
    return (Param<String>) ModelSettings.MODEL_LIKELIHOOD.param(this);
  }

  default String getLikelihood() {
    return getOrDefault(likelihood());
  }

  /** {@link ModelSettings#MODEL_INIT}. */
  @SuppressWarnings("unchecked")
  default Param<String> initialization() {
    return (Param<String>) ModelSettings.MODEL_INIT.param(this);
  }

  default String getInitialization() {
    return getOrDefault(initialization());
  }

  /** {@link ModelSettings#MODEL_BETA}. */
  default DoubleParam beta() {
    return (DoubleParam) ModelSettings.MODEL_BETA.param(this);
  }

  default double getBeta() {
    return (Double) getOrDefault(beta());
  }

  /** {@link ModelSettings#MODEL_KL_WARMUP_EPOCHS}. */
  default DoubleParam klWarmupEpochs() {
    return (DoubleParam) ModelSettings.MODEL_KL_WARMUP_EPOCHS.param(this);
  }

  default double getKlWarmupEpochs() {
    return (Double) getOrDefault(klWarmupEpochs());
  }

  /** {@link TrainSettings#TRAIN_LATENT_SAMPLES}. */
  default IntParam latentSamples() {
    return (IntParam) TrainSettings.TRAIN_LATENT_SAMPLES.param(this);
  }

  default int getLatentSamples() {
    return (Integer) getOrDefault(latentSamples());
  }

  /** {@link TrainSettings#TRAIN_BATCH_SIZE}. */
  default IntParam batchSize() {
    return (IntParam) TrainSettings.TRAIN_BATCH_SIZE.param(this);
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  /** {@link TrainSettings#TRAIN_LEARNING_RATE}. */
  default DoubleParam learningRate() {
    return (DoubleParam) TrainSettings.TRAIN_LEARNING_RATE.param(this);
  }

  default double getLearningRate() {
    return (Double) getOrDefault(learningRate());
  }

  /** {@link TrainSettings#TRAIN_OPTIMIZER}. */
  @SuppressWarnings("unchecked")
  default Param<String> optimizer() {
    return (Param<String>) TrainSettings.TRAIN_OPTIMIZER.param(this);
  }

  default String getOptimizer() {
    return getOrDefault(optimizer());
  }

  /** {@link TrainSettings#TRAIN_EPOCHS}. */
  default IntParam epochs() {
    return (IntParam) TrainSettings.TRAIN_EPOCHS.param(this);
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  /** {@link TrainSettings#TRAIN_SYNC_EVERY}. */
  default IntParam syncEvery() {
    return (IntParam) TrainSettings.TRAIN_SYNC_EVERY.param(this);
  }

  default int getSyncEvery() {
    return (Integer) getOrDefault(syncEvery());
  }

  /** {@link TrainSettings#TRAIN_AGGREGATION_DEPTH}. */
  default IntParam aggregationDepth() {
    return (IntParam) TrainSettings.TRAIN_AGGREGATION_DEPTH.param(this);
  }

  default int getAggregationDepth() {
    return (Integer) getOrDefault(aggregationDepth());
  }

  /** {@link TrainSettings#TRAIN_BATCH_MODE}. */
  @SuppressWarnings("unchecked")
  default Param<String> batchMode() {
    return (Param<String>) TrainSettings.TRAIN_BATCH_MODE.param(this);
  }

  default String getBatchMode() {
    return getOrDefault(batchMode());
  }

  /** {@link TrainSettings#TRAIN_LEARNING_RATE_SCALING}. */
  @SuppressWarnings("unchecked")
  default Param<String> learningRateScaling() {
    return (Param<String>) TrainSettings.TRAIN_LEARNING_RATE_SCALING.param(this);
  }

  default String getLearningRateScaling() {
    return getOrDefault(learningRateScaling());
  }

  /** {@link TrainSettings#TRAIN_LEARNING_RATE_WARMUP_EPOCHS}. */
  default DoubleParam learningRateWarmupEpochs() {
    return (DoubleParam) TrainSettings.TRAIN_LEARNING_RATE_WARMUP_EPOCHS.param(this);
  }

  default double getLearningRateWarmupEpochs() {
    return (Double) getOrDefault(learningRateWarmupEpochs());
  }

  /** {@link TrainSettings#TRAIN_MIN_ROWS_PER_STEP}. */
  default IntParam minRowsPerStep() {
    return (IntParam) TrainSettings.TRAIN_MIN_ROWS_PER_STEP.param(this);
  }

  default int getMinRowsPerStep() {
    return (Integer) getOrDefault(minRowsPerStep());
  }

  /** {@link TrainSettings#TRAIN_OUTER_OPTIMIZER}. */
  @SuppressWarnings("unchecked")
  default Param<String> outerOptimizer() {
    return (Param<String>) TrainSettings.TRAIN_OUTER_OPTIMIZER.param(this);
  }

  default String getOuterOptimizer() {
    return getOrDefault(outerOptimizer());
  }

  /** {@link TrainSettings#TRAIN_OUTER_LEARNING_RATE}. */
  default DoubleParam outerLearningRate() {
    return (DoubleParam) TrainSettings.TRAIN_OUTER_LEARNING_RATE.param(this);
  }

  default double getOuterLearningRate() {
    return (Double) getOrDefault(outerLearningRate());
  }

  /** {@link TrainSettings#TRAIN_OUTER_MOMENTUM}. */
  default DoubleParam outerMomentum() {
    return (DoubleParam) TrainSettings.TRAIN_OUTER_MOMENTUM.param(this);
  }

  default double getOuterMomentum() {
    return (Double) getOrDefault(outerMomentum());
  }

  /** {@link TrainSettings#TRAIN_OUTER_WARMUP_EPOCHS}. */
  default IntParam outerWarmupEpochs() {
    return (IntParam) TrainSettings.TRAIN_OUTER_WARMUP_EPOCHS.param(this);
  }

  default int getOuterWarmupEpochs() {
    return (Integer) getOrDefault(outerWarmupEpochs());
  }

  /** {@link TrainSettings#TRAIN_OPTIMIZER_STATE}. */
  @SuppressWarnings("unchecked")
  default Param<String> optimizerState() {
    return (Param<String>) TrainSettings.TRAIN_OPTIMIZER_STATE.param(this);
  }

  default String getOptimizerState() {
    return getOrDefault(optimizerState());
  }

  /** {@link TrainSettings#TRAIN_SYNC_WARMUP_EPOCHS}. */
  default IntParam syncWarmupEpochs() {
    return (IntParam) TrainSettings.TRAIN_SYNC_WARMUP_EPOCHS.param(this);
  }

  default int getSyncWarmupEpochs() {
    return (Integer) getOrDefault(syncWarmupEpochs());
  }

  /** {@link TrainSettings#TRAIN_EARLY_STOPPING}. */
  default IntParam earlyStoppingPatience() {
    return (IntParam) TrainSettings.TRAIN_EARLY_STOPPING.param(this);
  }

  default int getEarlyStoppingPatience() {
    return (Integer) getOrDefault(earlyStoppingPatience());
  }

  /** {@link TrainSettings#TRAIN_EARLY_STOPPING_MIN_DELTA}. */
  default DoubleParam earlyStoppingMinDelta() {
    return (DoubleParam) TrainSettings.TRAIN_EARLY_STOPPING_MIN_DELTA.param(this);
  }

  default double getEarlyStoppingMinDelta() {
    return (Double) getOrDefault(earlyStoppingMinDelta());
  }

  /** {@link TrainSettings#TRAIN_EMA_DECAY}. */
  default DoubleParam emaDecay() {
    return (DoubleParam) TrainSettings.TRAIN_EMA_DECAY.param(this);
  }

  default double getEmaDecay() {
    return (Double) getOrDefault(emaDecay());
  }

  /** {@link TrainSettings#TRAIN_CLIP_NORM}. */
  default DoubleParam clipNorm() {
    return (DoubleParam) TrainSettings.TRAIN_CLIP_NORM.param(this);
  }

  default double getClipNorm() {
    return (Double) getOrDefault(clipNorm());
  }

  /** {@link MlParamSettings#NUM_PARTITIONS}. */
  default IntParam numPartitions() {
    return (IntParam) MlParamSettings.NUM_PARTITIONS.param(this);
  }

  default int getNumPartitions() {
    return (Integer) getOrDefault(numPartitions());
  }

  /** {@link TrainSettings#TRAIN_STORAGE_LEVEL}. */
  @SuppressWarnings("unchecked")
  default Param<String> storageLevel() {
    return (Param<String>) TrainSettings.TRAIN_STORAGE_LEVEL.param(this);
  }

  default String getStorageLevel() {
    return getOrDefault(storageLevel());
  }

  /** {@link TrainSettings#TRAIN_CHECKPOINT_EVERY_ROUNDS}. */
  default IntParam checkpointEveryRounds() {
    return (IntParam) TrainSettings.TRAIN_CHECKPOINT_EVERY_ROUNDS.param(this);
  }

  default int getCheckpointEveryRounds() {
    return (Integer) getOrDefault(checkpointEveryRounds());
  }

  /** {@link TrainSettings#TRAIN_CHECKPOINT_EVERY_MINUTES}. */
  default DoubleParam checkpointEveryMinutes() {
    return (DoubleParam) TrainSettings.TRAIN_CHECKPOINT_EVERY_MINUTES.param(this);
  }

  default double getCheckpointEveryMinutes() {
    return (Double) getOrDefault(checkpointEveryMinutes());
  }

  /** {@link Settings#TRAIN_INIT_MODEL}: a saved model directory to warm-start from. */
  @SuppressWarnings("unchecked")
  default Param<String> initialModelPath() {
    return (Param<String>) TrainSettings.TRAIN_INIT_MODEL.param(this);
  }

  /** The warm-start model directory, or null when the param is not set. */
  default String getInitialModelPath() {
    return isDefined(initialModelPath()) ? getOrDefault(initialModelPath()) : null;
  }
}
