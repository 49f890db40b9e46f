// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.ml.VariationalAutoencoder;
import io.sparkvae.testing.TrainRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The configurations in conf/ are what users start from: each must load and configure a run. */
class ShippedConfigurationsTest {

  private static List<Path> jobConfigs() throws IOException {
    try (Stream<Path> files = Files.list(TrainRuns.projectDir().resolve("conf"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".conf"))
          .filter(f -> !f.getFileName().toString().equals("spark-defaults.conf"))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyShippedJobConfigurationLoadsAndConfiguresAnEstimator() throws IOException {
    List<Path> confs = jobConfigs();
    assertTrue(confs.size() >= 7, "conf/ holds the job configurations: " + confs);
    for (Path f : confs) {
      JobConfig cfg = JobConfig.load(f.toString(), List.of());
      VariationalAutoencoder est = TrainCommand.configured(cfg);
      assertEquals(
          cfg.positive("train.epochs"),
          est.getEpochs(),
          f + ": train.epochs reaches the estimator");
    }
  }

  @Test
  void theConvolutionalConfigurationsAverageTheirRoundsAsTheirMeasurementsDid() {
    for (String name : List.of("fashion-mnist-conv.conf", "shapes-conv.conf")) {
      Path f = TrainRuns.projectDir().resolve("conf").resolve(name);
      VariationalAutoencoder est = TrainCommand.configured(JobConfig.load(f.toString(), List.of()));
      assertEquals("conv", est.getModelType(), name);
      // training.md, "The convolutional model": auto (DiLoCo) cost 2 nats on the conv model.
      assertEquals("average", est.getOuterOptimizer(), name);
    }
  }
}
