// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One epoch's figures: mean loss parts on the training rows (as they were met during the epoch) and
 * on the validation data (with the parameters at the epoch's end), time and throughput.
 *
 * @param epoch 1-based
 */
public record EpochReport(
    int epoch,
    List<String> lossNames,
    double[] train,
    double[] validation,
    long rows,
    int rounds,
    long updates,
    double seconds) {

  public double samplesPerSecond() {
    return rows / seconds;
  }

  /** For JSON: {@code epoch}, {@code train_<name>}, {@code val_<name>}, seconds, samples/s. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    for (int i = 0; i < lossNames.size(); i++) {
      m.put("train_" + lossNames.get(i), train[i]);
    }
    if (validation != null) {
      for (int i = 0; i < lossNames.size(); i++) {
        m.put("val_" + lossNames.get(i), validation[i]);
      }
    }
    m.put("seconds", seconds);
    m.put("samples_per_sec", samplesPerSecond());
    m.put("rounds", rounds);
    m.put("updates", updates);
    return m;
  }
}
