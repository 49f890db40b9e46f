// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.engine.ScaleOut;
import io.sparkvae.engine.TrainerConfig;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.ml.params.Setting;
import io.sparkvae.ml.params.TrainSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a resumed run must share with the run that wrote the checkpoint: the checkpointer
 * refuses to resume when they differ, naming them, instead of continuing under other rules.
 */
final class ResumeFingerprint {
  private ResumeFingerprint() {}

  /**
   * Settings added after checkpoint format 1, with the value that reproduces the loop of that time
   * (their defaults until 2026-12-02; some defaults changed since).
   */
  private static final Map<Setting, Object> SINCE_FORMAT_1 =
      Map.ofEntries(
          Map.entry(TrainSettings.TRAIN_BATCH_MODE, "global"),
          Map.entry(TrainSettings.TRAIN_LEARNING_RATE_SCALING, "none"),
          Map.entry(TrainSettings.TRAIN_LEARNING_RATE_WARMUP_EPOCHS, 0.0),
          Map.entry(TrainSettings.TRAIN_OUTER_OPTIMIZER, "average"),
          Map.entry(TrainSettings.TRAIN_OUTER_LEARNING_RATE, 0.7),
          Map.entry(TrainSettings.TRAIN_OUTER_MOMENTUM, 0.9),
          Map.entry(TrainSettings.TRAIN_OUTER_WARMUP_EPOCHS, 0),
          Map.entry(TrainSettings.TRAIN_OPTIMIZER_STATE, "average"),
          Map.entry(TrainSettings.TRAIN_SYNC_WARMUP_EPOCHS, 0),
          Map.entry(TrainSettings.TRAIN_EARLY_STOPPING, 0),
          Map.entry(TrainSettings.TRAIN_EARLY_STOPPING_MIN_DELTA, 0.0),
          Map.entry(TrainSettings.TRAIN_MIN_ROWS_PER_STEP, 0),
          Map.entry(TrainSettings.TRAIN_EMA_DECAY, 0.0));

  /** The fingerprint of {@code est}'s params for {@code arch} on {@code partitions} partitions. */
  static Map<String, String> of(VariationalAutoencoder est, VaeArchitecture arch, int partitions) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("architecture", arch.describe());
    JsonNode params = ParamsJson.toJson(est);
    params.fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().toString()));
    f.remove("checkpointEveryRounds");
    f.remove("checkpointEveryMinutes");
    // Settings added after checkpoint format 1 are left out at the values of that loop, so a
    // checkpoint written before they existed (which does not name them) resumes when they are
    // set so, and is refused, naming them, under today's defaults instead of changing rule.
    for (Map.Entry<Setting, Object> e : SINCE_FORMAT_1.entrySet()) {
      if (est.getOrDefault(est.getParam(e.getKey().paramName())).equals(e.getValue())) {
        f.remove(e.getKey().paramName());
      }
    }
    // The automatic outer warm-up is none below 8 partitions: the loop of before it existed.
    if (est.getOuterWarmupEpochs() == ScaleOut.AUTO_OUTER_WARMUP
        && partitions < ScaleOut.AUTO_OUTER_WARMUP_MIN_PARTITIONS) {
      f.remove(TrainSettings.TRAIN_OUTER_WARMUP_EPOCHS.paramName());
    }
    // The automatic k grew with the partition count on 2026-12-02 (8 partitions and more) and
    // doubled on 2 partitions on 2026-12-03; a checkpoint written before ran shorter rounds and
    // does not name the rule, so it is refused.
    String rule = TrainerConfig.autoSyncEveryRule(partitions);
    if (est.getSyncEvery() == 0 && rule != null) {
      f.put("syncEveryAuto", rule);
    }
    return f;
  }
}
