// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.ChildProcess;
import io.sparkvae.testing.SparkHome;
import io.sparkvae.testing.StandaloneCluster;
import io.sparkvae.testing.TrainRuns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same seed and partitioning give bit-identical parameters under a multi-JVM master. The real
 * {@code train} command runs twice with {@code local-cluster[2,1,1024]} (a driver and two executor
 * JVMs, from the Maven-built {@link SparkHome}), and once with {@code local[2]}; all three must
 * save the same bytes in model/weights.safetensors.
 */
class LocalClusterDeterminismIT {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void localClusterRunsAreBitIdenticalToEachOtherAndToLocalMode() throws Exception {
    Path reference = TrainRuns.referenceRun();
    Path dir = TrainRuns.freshDir("local-cluster");
    Map<String, String> env = new LinkedHashMap<>(TrainRuns.env(dir));
    env.putAll(SparkHome.env());
    Path[] outs = new Path[2];
    for (int run = 0; run < 2; run++) {
      outs[run] = dir.resolve("run-" + (run + 1));
      // The executors are separate JVMs: the application jar must reach them (spark.jars).
      List<String> args =
          TrainRuns.trainArgs(
              "local-cluster[2,1,1024]",
              outs[run],
              "--set",
              "spark.conf.\"spark.jars\"=\"" + TrainRuns.appJar() + "\"");
      try (ChildProcess p =
          ChildProcess.start(
              "local-cluster run " + (run + 1),
              TrainRuns.mainCommand(dir, List.of(), args),
              env,
              TrainRuns.projectDir(),
              dir.resolve("driver-" + (run + 1) + ".log"))) {
        p.awaitLine(l -> l.startsWith("epoch   1/"), Duration.ofMinutes(3));
        long executors =
            p.descendants().stream()
                .filter(
                    h ->
                        h.info()
                            .commandLine()
                            .orElse("")
                            .contains(StandaloneCluster.EXECUTOR_CLASS))
                .count();
        assertEquals(2, executors, "executor JVMs started by the local-cluster driver");
        int code = p.waitFor(Duration.ofMinutes(3));
        assertEquals(0, code, () -> "local-cluster run failed:\n" + p.tail(60));
        System.out.printf(
            Locale.ROOT, "local-cluster[2,1,1024] run %d took %.1f s%n", run + 1, p.seconds());
        assertTrue(
            p.output().contains("epoch   " + TrainRuns.EPOCHS + "/" + TrainRuns.EPOCHS),
            "every epoch ran");
      }
    }
    TrainRuns.assertSameWeights(outs[0], outs[1], "second local-cluster run");
    TrainRuns.assertSameWeights(reference, outs[0], "local-cluster vs local[2]");
  }
}
