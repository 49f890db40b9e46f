// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import io.sparkvae.engine.OuterOptimizer;
import io.sparkvae.engine.ScaleOut;
import io.sparkvae.kernel.Optimizer;
import java.util.List;

/**
 * The {@code train.*} settings: optimization, partitioning, checkpoints and warm starts. Part of
 * the {@link Settings} registry.
 */
public final class TrainSettings {
  private TrainSettings() {}

  // First, so that it exists before the constants below register in it.
  private static final Declarations D = new Declarations();

  public static final Setting TRAIN_EPOCHS =
      D.setting(
          "train.epochs",
          "epochs",
          Setting.Type.INT,
          "10",
          Rule.POSITIVE,
          "passes over the training data");
  public static final Setting TRAIN_BATCH_SIZE =
      D.setting(
          "train.batch-size",
          "batchSize",
          Setting.Type.INT,
          "128",
          Rule.POSITIVE,
          "rows per synchronous step, summed over all partitions (the global minibatch); each "
              + "partition takes a share in proportion to its rows, so the optimizer takes the same "
              + "steps whatever the partition count (per partition with `train.batch-mode = "
              + "per-partition`); see [How training works](training.md#how-training-works)");
  public static final Setting TRAIN_LEARNING_RATE =
      D.setting(
          "train.learning-rate",
          "learningRate",
          Setting.Type.DOUBLE,
          "0.001",
          Rule.POSITIVE,
          "step size");
  public static final Setting TRAIN_OPTIMIZER =
      D.choice(
          "train.optimizer",
          "optimizer",
          Optimizer.Kind.values(),
          Optimizer.Kind::configName,
          Optimizer.Kind.ADAM,
          "`adam` (with bias correction) or `sgd`");
  public static final Setting TRAIN_SYNC_EVERY =
      D.setting(
          "train.sync-every",
          "syncEvery",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "k: local minibatch steps per partition between synchronizations (1 = synchronous "
              + "minibatch training on the union of the partitions' minibatches); 0 = auto (128, but 256 "
              + "on 2 partitions and 32 per partition from 8 on, and never more than one round per "
              + "epoch); see [How training "
              + "works](training.md#how-training-works) and [the "
              + "measurements](performance.md#training-through-spark-bench-train)");
  public static final Setting TRAIN_SEED =
      D.setting(
          "train.seed",
          "seed",
          Setting.Type.LONG,
          "42",
          Rule.ANY,
          "seeds every random stream (initialization, row order, noise)");
  public static final Setting TRAIN_PARTITIONS =
      D.setting(
          "train.partitions",
          null,
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "partitions of the training data (0 = Spark's default parallelism)");
  public static final Setting TRAIN_AGGREGATION_DEPTH =
      D.setting(
          "train.aggregation-depth",
          "aggregationDepth",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "0 = auto: the driver sums the partitions' results up to 8 partitions, beyond that "
              + "the shallowest tree in which no sum, the driver's included, holds more than 8 "
              + "partitions' results (bounded driver memory); 1: the driver sums them all; d ≥ 2: "
              + "a tree of depth d; see "
              + "[Scale-out modes](training.md#scale-out-modes)");
  public static final Setting TRAIN_BATCH_MODE =
      D.choice(
          "train.batch-mode",
          "batchMode",
          ScaleOut.BatchMode.values(),
          ScaleOut.BatchMode::configName,
          ScaleOut.BatchMode.GLOBAL,
          "`global`: `train.batch-size` rows per step summed over all partitions; "
              + "`per-partition`: that many rows per step on every partition (the global batch "
              + "grows with the partition count, an epoch has that many times fewer steps); see "
              + "[Scale-out modes](training.md#scale-out-modes)");
  public static final Setting TRAIN_LEARNING_RATE_SCALING =
      D.choice(
          "train.learning-rate-scaling",
          "learningRateScaling",
          ScaleOut.LearningRateScaling.values(),
          ScaleOut.LearningRateScaling::configName,
          ScaleOut.LearningRateScaling.SQRT,
          "when the global batch is r times `train.batch-size` (`train.batch-mode = "
              + "per-partition` on r partitions that hold rows, or a batch grown by "
              + "`train.min-rows-per-step`): `none`, `sqrt` (learning rate × √r) or `linear` (× r)");
  public static final Setting TRAIN_LEARNING_RATE_WARMUP_EPOCHS =
      D.setting(
          "train.learning-rate-warmup-epochs",
          "learningRateWarmupEpochs",
          Setting.Type.DOUBLE,
          "2",
          Rule.NON_NEGATIVE,
          "the scaled learning rate is reached linearly from the base one over this many epochs "
              + "(0 = at once)");
  public static final Setting TRAIN_MIN_ROWS_PER_STEP =
      D.setting(
          "train.min-rows-per-step",
          "minRowsPerStep",
          Setting.Type.INT,
          "16",
          Rule.NON_NEGATIVE,
          "with a global batch, the fewest rows a partition's step takes: on P partitions with "
              + "P × this > `train.batch-size`, the global batch grows to P × this and the "
              + "learning rate as `train.learning-rate-scaling` says (0 = never grow); see "
              + "[Scale-out modes](training.md#scale-out-modes)");
  public static final Setting TRAIN_OUTER_OPTIMIZER =
      D.choice(
          "train.outer-optimizer",
          "outerOptimizer",
          OuterOptimizer.Kind.values(),
          OuterOptimizer.Kind::configName,
          OuterOptimizer.Kind.AUTO,
          "how the driver ends a round of local steps (k > 1): `average` (the partitions' "
              + "parameters, averaged by rows), `diloco` (outer Nesterov momentum on the averaged "
              + "change), `slowmo` (outer heavy-ball momentum), or `auto`: `diloco` on rounds of "
              + "at least 64 local steps on 2 or more partitions, `average` otherwise; see [Scale-out "
              + "modes](training.md#scale-out-modes)");
  public static final Setting TRAIN_OUTER_LEARNING_RATE =
      D.setting(
          "train.outer-learning-rate",
          "outerLearningRate",
          Setting.Type.DOUBLE,
          "1.0",
          Rule.POSITIVE,
          "η of `diloco` (measured best here 1.0; published 0.7), α of `slowmo` (published 1)");
  public static final Setting TRAIN_OUTER_MOMENTUM =
      D.setting(
          "train.outer-momentum",
          "outerMomentum",
          Setting.Type.DOUBLE,
          "0.8",
          Rule.FRACTION,
          "β of `diloco` (measured best here 0.8; published 0.9) and `slowmo` (published 0 to "
              + "0.6), in [0, 1)");
  public static final Setting TRAIN_OUTER_WARMUP_EPOCHS =
      D.setting(
          "train.outer-warmup-epochs",
          "outerWarmupEpochs",
          Setting.Type.INT,
          "-1",
          Rule.AUTO_OR_NON_NEGATIVE,
          "the first this many epochs end their rounds in plain averaging, and `diloco` or "
              + "`slowmo` take over after them, as outer momentum on the large changes of the "
              + "first rounds overshoots; -1 (auto): none on fewer than 8 partitions, else 1 epoch, "
              + "or the learning-rate warm-up's epochs when the rate grows; see [Outer "
              + "warm-up](training.md#outer-warm-up)");
  public static final Setting TRAIN_OPTIMIZER_STATE =
      D.choice(
          "train.optimizer-state",
          "optimizerState",
          ScaleOut.InnerState.values(),
          ScaleOut.InnerState::configName,
          ScaleOut.InnerState.AUTO,
          "what a round of local steps carries of the inner optimizer's state: `average` (both "
              + "Adam moments, averaged by rows), `second-moment` (Adam's second moment "
              + "averaged, the first restarted at zero every round), `reset` (both restarted "
              + "at zero every round; only parameters travel), or `auto`: `reset` on rounds of "
              + "at least 64 local steps on 4 to 16 partitions, `average` otherwise; see "
              + "[Scale-out modes](training.md#scale-out-modes)");
  public static final Setting TRAIN_SYNC_WARMUP_EPOCHS =
      D.setting(
          "train.sync-warmup-epochs",
          "syncWarmupEpochs",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "post-local SGD: the first this many epochs synchronize every step (k = 1), the "
              + "later ones every `train.sync-every` steps");
  public static final Setting TRAIN_EARLY_STOPPING =
      D.setting(
          "train.early-stopping",
          "earlyStoppingPatience",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "patience: stop when the test data's −ELBO has not improved for this many epochs in a "
              + "row, and keep the best epoch's parameters as the model (0 = off; needs "
              + "`data.test`); see [Early stopping](training.md#early-stopping)");
  public static final Setting TRAIN_EARLY_STOPPING_MIN_DELTA =
      D.setting(
          "train.early-stopping-min-delta",
          "earlyStoppingMinDelta",
          Setting.Type.DOUBLE,
          "0",
          Rule.NON_NEGATIVE,
          "the least drop of the test −ELBO, in nats, that counts as an improvement");
  public static final Setting TRAIN_EMA_DECAY =
      D.setting(
          "train.ema-decay",
          "emaDecay",
          Setting.Type.DOUBLE,
          "0",
          Rule.FRACTION,
          "keep an exponential moving average of the weights, with this decay per optimizer "
              + "step, and make it the model (0 = off: the last weights are the model). Training "
              + "itself is unchanged; validation, early stopping and the saved model use the "
              + "average. See [Weight averaging](training.md#weight-averaging)");
  public static final Setting TRAIN_CLIP_NORM =
      D.setting(
          "train.clip-norm",
          "clipNorm",
          Setting.Type.DOUBLE,
          "0",
          Rule.NON_NEGATIVE,
          "maximum global gradient norm (0 = no clipping)");
  public static final Setting TRAIN_LATENT_SAMPLES =
      D.setting(
          "train.latent-samples",
          "latentSamples",
          Setting.Type.INT,
          "1",
          Rule.POSITIVE,
          "L, draws of z per row in training");
  public static final Setting TRAIN_STORAGE_LEVEL =
      D.setting(
          "train.storage-level",
          "storageLevel",
          Setting.Type.STRING,
          "MEMORY_AND_DISK",
          Rule.STORAGE_LEVEL,
          "Spark storage level of the cached training blocks; see [Data larger than "
              + "memory](inputs.md#data-larger-than-memory)");
  public static final Setting TRAIN_CHECKPOINT_EVERY_ROUNDS =
      D.setting(
          "train.checkpoint-every-rounds",
          "checkpointEveryRounds",
          Setting.Type.INT,
          "0",
          Rule.NON_NEGATIVE,
          "checkpoint every this many rounds, and at every epoch end (0 = epoch ends only)");
  public static final Setting TRAIN_CHECKPOINT_EVERY_MINUTES =
      D.setting(
          "train.checkpoint-every-minutes",
          "checkpointEveryMinutes",
          Setting.Type.DOUBLE,
          "0",
          Rule.NON_NEGATIVE,
          "also checkpoint by wall time: after the first round that ends this many minutes "
              + "after the last checkpoint (0 = off); for epochs that take hours");
  public static final Setting TRAIN_CHECKPOINT_DIR =
      D.config(
          "train.checkpoint-dir",
          Setting.Type.STRING,
          "null",
          "where checkpoints go (any Hadoop path); not set = `<out>/checkpoint`");
  public static final Setting TRAIN_RESUME =
      D.config(
          "train.resume",
          Setting.Type.BOOLEAN,
          "false",
          "continue from the checkpoint instead of starting over (same data and settings "
              + "needed); see [When machines fail](cluster.md#when-machines-fail)");
  public static final Setting TRAIN_INIT_MODEL =
      D.setting(
          "train.init-model",
          "initialModelPath",
          Setting.Type.STRING,
          "null",
          Rule.ANY,
          "warm start from a saved model (same architecture: `model.*` must match it): a "
              + "model directory, a train output directory, a versioned base (its latest run), a "
              + "`latest` pointer file, or the word `latest`; not set = random weights. The "
              + "estimator's param takes a model directory, loaded at fit time. See [Warm "
              + "starts](retraining.md#warm-starts-traininit-model)");

  /** These settings in declaration order (calling it completes this class's initialization). */
  static List<Setting> declared() {
    return D.declared();
  }
}
