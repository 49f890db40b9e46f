// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.IdxFile;
import io.sparkvae.diagnostics.ScalingModel;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.ml.VariationalAutoencoder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench-scaling --validate-master}: trains P = 2 on executors in JVMs of their own and
 * compares the measured time to target with what the scaling model predicts from measured parts.
 */
final class ScalingValidation {
  private ScalingValidation() {}

  /**
   * Trains P = 2 on {@code master} (executors in JVMs of their own) to the target and compares the
   * summed round times with the prediction for two executors sharing this machine: the step time
   * measured with two threads at once, no network, and the P = 2 driver cost measured in local mode
   * (the part the predictions use) or on {@code master} itself (where results cross JVMs).
   */
  static Map<String, Object> validate(
      String master,
      VariationalAutoencoder base,
      VaeArchitecture arch,
      ByteRows rows,
      Path trainFile,
      Path testFile,
      double target,
      int maxEpochs,
      int driverRounds,
      List<Map<String, Object>> lines)
      throws Exception {
    Map<String, Object> two =
        lines.stream()
            .filter(r -> (Integer) r.get("partitions") == 2)
            .findFirst()
            .orElseThrow(() -> new UserError("--validate-master needs 2 in --partitions"));
    ScalingRuns.Plan plan = ScalingRuns.Plan.of(base, 2, 60_000);
    double step2 = ScalingRuns.stepTime(base, arch, rows, plan.rowsPerStep(), 2).wallSeconds();
    String jar =
        Path.of(ScalingValidation.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    SparkSession spark = ScalingRuns.session(master, jar);
    ScalingRuns.Quality q;
    double masterRound;
    double executorStep;
    ScalingRuns.Quality warm;
    try {
      Dataset<Row> tr = ScalingRuns.load(spark, "train", trainFile).frame();
      Dataset<Row> te = ScalingRuns.load(spark, "test", testFile).frame().cache();
      q = ScalingRuns.trainToTarget(base, tr, te, 2, target, maxEpochs);
      // The same parts measured where the whole ran: results cross JVMs there, not in local mode,
      // and the executors' steps run in JVMs of their own.
      masterRound = ScalingRuns.driverSecondsPerRound(base, te, 2, plan, driverRounds).seconds();
      executorStep = executorStepSeconds(spark, base, arch, trainFile, plan.rowsPerStep(), 2);
      // Once more on the same executors, now warm: the model predicts steady state, and the
      // difference is what fresh executor JVMs cost once per job (JIT compilation, connections).
      warm = ScalingRuns.trainToTarget(base, tr, te, 2, target, maxEpochs);
    } finally {
      spark.stop();
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("validation_master", master);
    v.put("partitions", 2);
    v.put("epochs_to_target", q.epochs());
    v.put("step_seconds_two_threads", step2);
    v.put("test_neg_elbo_by_epoch", q.testByEpoch());
    if (q.epochs() == null) {
      v.put("within_20_percent", null);
      return v;
    }
    double measured = Arrays.stream(q.roundSeconds(), 0, q.epochs()).sum();
    double localRound = (Double) two.get("driver_seconds_per_round");
    v.put("measured_time_to_target_seconds", ScalingRuns.round4(measured));
    v.put("driver_seconds_per_round_local", localRound);
    v.put("driver_seconds_per_round_validation_master", ScalingRuns.round4(masterRound));
    v.put("step_seconds_on_the_executors", executorStep);
    compare(v, "", measured, prediction(q.epochs(), plan, step2, localRound));
    compare(v, "_with_master_round", measured, prediction(q.epochs(), plan, step2, masterRound));
    compare(
        v, "_with_master_parts", measured, prediction(q.epochs(), plan, executorStep, masterRound));
    if (!Objects.equals(warm.epochs(), q.epochs())) {
      throw new IllegalStateException(
          "the second run on the same data reached the target in "
              + warm.epochs()
              + " epochs, the first in "
              + q.epochs()
              + ": training is not deterministic here");
    }
    double measuredWarm = Arrays.stream(warm.roundSeconds(), 0, q.epochs()).sum();
    v.put("measured_time_to_target_seconds_warm_executors", ScalingRuns.round4(measuredWarm));
    v.put("fresh_executor_seconds", ScalingRuns.round4(measured - measuredWarm));
    compare(v, "_warm_executors", measuredWarm, prediction(q.epochs(), plan, step2, localRound));
    compare(
        v,
        "_warm_executors_with_master_parts",
        measuredWarm,
        prediction(q.epochs(), plan, executorStep, masterRound));
    return v;
  }

  private static double prediction(int epochs, ScalingRuns.Plan plan, double step, double round) {
    return ScalingModel.timeToTarget(
        epochs, plan.stepsPerEpoch(), step, plan.roundsPerEpoch(), round, 0);
  }

  static void compare(Map<String, Object> v, String suffix, double measured, double pred) {
    v.put("predicted_time_to_target_seconds" + suffix, ScalingRuns.round4(pred));
    v.put("measured_over_predicted" + suffix, Math.round(1000 * measured / pred) / 1000.0);
    v.put("within_20_percent" + suffix, Math.abs(measured / pred - 1) <= 0.2);
  }

  /**
   * A step timed on the executors of {@code spark} themselves: {@code tasks} tasks at once (one per
   * executor core), each reading the training file and timing its own step on its own core; the
   * slowest task's wall-clock seconds per step.
   */
  static double executorStepSeconds(
      SparkSession spark,
      VariationalAutoencoder base,
      VaeArchitecture arch,
      Path trainFile,
      int rowsPerStep,
      int tasks) {
    String optimizer = base.getOptimizer();
    double rate = base.getLearningRate();
    String file = trainFile.toString();
    List<Double> t =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
            .map(
                i ->
                    ScalingRuns.stepTime(
                            arch,
                            optimizer,
                            rate,
                            IdxFile.read(Path.of(file)).asRows(),
                            rowsPerStep,
                            1)
                        .wallSeconds())
            .collect();
    return t.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }
}
