// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.engine.BlockedData;
import io.sparkvae.engine.Checkpointer;
import io.sparkvae.engine.FsCheckpointer;
import io.sparkvae.engine.SyncTrainer;
import io.sparkvae.engine.TrainerConfig;
import io.sparkvae.engine.TrainingState;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run of {@link VariationalAutoencoder} on blocked data: the objective and optimizer
 * its params name, a fresh, warm-started or resumed state, the loop, and the model with its
 * provenance.
 */
final class VaeFit {
  // The estimator's logger: a run logs under one name, whichever class writes the line.
  private static final Logger LOG = LoggerFactory.getLogger(VariationalAutoencoder.class);

  private VaeFit() {}

  static VariationalAutoencoderModel train(
      VariationalAutoencoder est,
      JavaSparkContext jsc,
      VaeArchitecture arch,
      BlockedData train,
      BlockedData val,
      long start,
      VariationalAutoencoderModel initialModel) {
    VaeObjective objective =
        new VaeObjective(
            arch,
            (Double) est.getOrDefault(est.beta()),
            (Double) est.getOrDefault(est.klWarmupEpochs()),
            (Integer) est.getOrDefault(est.latentSamples()),
            VaeObjective.Init.fromName(est.getOrDefault(est.initialization())));
    Optimizer opt = Optimizer.named(est.getOptimizer(), est.getLearningRate());
    TrainerConfig cfg =
        new TrainerConfig(
            "vae",
            est.getEpochs(),
            est.getBatchSize(),
            est.getSyncEvery(),
            est.getSeed(),
            est.getAggregationDepth(),
            est.getClipNorm(),
            est.getCheckpointEveryRounds(),
            est.getCheckpointEveryMinutes(),
            est.scaleOut(),
            new TrainerConfig.EarlyStopping(
                est.getEarlyStoppingPatience(), est.getEarlyStoppingMinDelta()),
            est.getEmaDecay());
    Checkpointer ck =
        est.checkpointDir() == null
            ? null
            : new FsCheckpointer(
                jsc.hadoopConfiguration(),
                est.checkpointDir(),
                est.fingerprint(arch, train.numPartitions()),
                Set.of("epochs"));
    TrainingState state = null;
    boolean resumed = false;
    if (ck != null && est.resume()) {
      try {
        state = ck.load();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot resume: " + e.getMessage(), e);
      }
      resumed = state != null;
      if (resumed) {
        LOG.info(
            "vae: resuming from {} at epoch {}, round {}",
            est.checkpointDir(),
            state.position().epoch() + 1,
            state.position().round() + 1);
      } else {
        LOG.info("vae: no checkpoint in {}; starting from the beginning", est.checkpointDir());
      }
    }
    if (state == null) {
      state = SyncTrainer.initialState(objective, opt, est.getSeed());
      if (initialModel != null) {
        state.overwriteParams(initialModel.weightsNoCopy());
      }
    }
    new SyncTrainer(jsc, cfg).fit(objective, opt, train, val, state, ck, est.listener());
    if (state.bestEpoch() > 0) {
      LOG.info(
          "vae: early stopping keeps epoch {}'s parameters (the best test -ELBO), of {} epochs run",
          state.bestEpoch(),
          state.history().size());
    }

    ModelMetadata.Input input =
        new ModelMetadata.Input(
            est.getFeaturesCol(),
            train.bytes() ? "uint8" : "float",
            train.bytes() ? "pixel / 255 (8-bit to [0, 1])" : "none",
            train.width(),
            est.getImageShape() == null
                ? null
                : Arrays.stream(est.getImageShape()).boxed().toList());
    ModelMetadata.Training training =
        new ModelMetadata.Training(
            ParamsJson.toJson(est),
            est.dataDescription(),
            train.rows(),
            train.numPartitions(),
            state.updates(),
            (System.nanoTime() - start) / 1e9,
            resumed,
            initialModel != null,
            state.history().stream().map(ModelMetadata.Epoch::of).toList());
    VariationalAutoencoderModel m =
        new VariationalAutoencoderModel(
            est.uid(),
            arch,
            state.modelParams(),
            ModelMetadata.ofSections(input, training, Provenance.current(), null));
    m.setFeaturesCol(est.getFeaturesCol())
        .setSeed(est.getSeed())
        .setScoreSamples((Integer) est.getOrDefault(est.latentSamples()));
    return m.setParent(est);
  }
}
