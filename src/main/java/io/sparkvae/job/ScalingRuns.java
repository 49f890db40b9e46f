// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.data.ImageData;
import io.sparkvae.data.Loaders;
import io.sparkvae.diagnostics.ScalingModel;
import io.sparkvae.diagnostics.StepTimer;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.OuterOptimizer;
import io.sparkvae.engine.ScaleOut;
import io.sparkvae.engine.TrainerConfig;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.ml.VariationalAutoencoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The measured parts of {@code bench-scaling}: training to a target, a round's driver cost. */
final class ScalingRuns {
  private ScalingRuns() {}

  /** A reference model with the estimator's defaults, changed only by {@code params}. */
  static VariationalAutoencoder estimator(ReferenceModels model, long seed, List<String> params) {
    VariationalAutoencoder est =
        model.configure(new VariationalAutoencoder(), 28, 28, 1).setSeed(seed).setIdCol("id");
    return BenchTrainCommand.withParams(est, params);
  }

  static SparkSession session(String master, String appJar) {
    SparkSession.Builder b =
        SparkSession.builder()
            .master(master)
            .appName("spark-vae bench-scaling")
            .config("spark.ui.enabled", "false");
    // The settings `train` runs with: the rounds measured are the rounds users get.
    SparkSessions.RECOMMENDED.forEach(b::config);
    if (appJar != null) {
      b.config("spark.jars", appJar);
      for (String env : List.of("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS")) {
        if (System.getenv(env) != null) {
          b.config("spark.executorEnv." + env, System.getenv(env));
        }
      }
    }
    return b.getOrCreate();
  }

  /**
   * The shape of a run on P partitions of N rows split evenly: steps per epoch, k, rounds, rows of
   * a partition's step, what a round ships.
   */
  record Plan(
      int partitions,
      int stepsPerEpoch,
      int syncEvery,
      int rowsPerStep,
      int carriedStateParts,
      int depth,
      OuterOptimizer.Kind outer,
      ScaleOut.InnerState innerState) {
    static Plan of(VariationalAutoencoder est, int p, int n) {
      long[] sizes = new long[p];
      for (int i = 0; i < p; i++) {
        sizes[i] = n / p + (i < n % p ? 1 : 0);
      }
      ScaleOut.BatchMode mode = est.scaleOut().batchMode();
      int b =
          ScaleOut.DEFAULT
              .withBatchMode(mode, ScaleOut.LearningRateScaling.NONE, 0)
              .withMinRowsPerStep(est.getMinRowsPerStep())
              .globalBatch(sizes, est.getBatchSize());
      int steps = mode.stepsPerEpoch(sizes, b);
      int k = est.getSyncEvery() == 0 ? TrainerConfig.autoSyncEvery(steps, p) : est.getSyncEvery();
      int biggest = (int) sizes[0];
      int rows =
          mode == ScaleOut.BatchMode.GLOBAL ? (biggest + steps - 1) / steps : Math.min(b, biggest);
      ScaleOut rules =
          est.scaleOut().resolve(k, p, est.scaleOut().rateGrows(sizes, est.getBatchSize()));
      ScaleOut.InnerState state = rules.innerState();
      int stateParts = Optimizer.named(est.getOptimizer(), 1e-3).stateParts();
      int carried =
          switch (state) {
            case AVERAGE -> stateParts;
            case SECOND_MOMENT -> Math.min(1, stateParts);
            default -> 0;
          };
      return new Plan(
          p,
          steps,
          k,
          Math.max(1, rows),
          carried,
          TrainerConfig.aggregationDepth(est.getAggregationDepth(), p),
          rules.outer(),
          state);
    }

    int roundsPerEpoch() {
      return (stepsPerEpoch + syncEvery - 1) / syncEvery;
    }

    /** Floats a round broadcasts: parameters, and with local steps the carried state. */
    long broadcastBytes(VaeArchitecture arch) {
      long n = new VaeObjective(arch).numParams();
      return 4L * n * (syncEvery > 1 ? 1 + carriedStateParts : 1);
    }

    /** A partition's result: its gradient (k = 1), or its parameters and carried state. */
    long resultBytes(VaeArchitecture arch) {
      return broadcastBytes(arch);
    }

    void describe(Map<String, Object> r) {
      r.put("steps_per_epoch", stepsPerEpoch);
      r.put("sync_every", syncEvery);
      r.put("rounds_per_epoch", roundsPerEpoch());
      r.put("rows_per_partition_step", rowsPerStep);
    }
  }

  record Quality(Integer epochs, double[] testByEpoch, double[] roundSeconds) {}

  /** One seed, or an odd number of them, so that the median epoch count is one of the runs'. */
  static void checkSeeds(long[] seeds) {
    if (seeds.length == 0 || (seeds.length > 1 && seeds.length % 2 == 0)) {
      throw new UserError(
          "--seed: give one seed or an odd number of them (got "
              + seeds.length
              + "), so that the median of their epochs to the target is one of the runs'");
    }
  }

  /**
   * The median of the seeds' epochs to the target, a run that never reached it (null) counting as
   * more than any; null when that is the median, that is when half of the runs or more missed.
   */
  static Integer medianEpochs(List<Integer> bySeed) {
    List<Integer> sorted = new ArrayList<>(bySeed);
    sorted.sort(Comparator.nullsLast(Comparator.naturalOrder()));
    return sorted.get(sorted.size() / 2);
  }

  /** Trains on P partitions until the test −ELBO is at most {@code target}, or maxEpochs. */
  static Quality trainToTarget(
      VariationalAutoencoder base,
      Dataset<Row> train,
      Dataset<Row> test,
      int p,
      double target,
      int maxEpochs) {
    List<Double> byEpoch = new ArrayList<>();
    List<Double> epochSeconds = new ArrayList<>();
    VariationalAutoencoder est =
        base.copy(new org.apache.spark.ml.param.ParamMap())
            .setNumPartitions(p)
            .setEpochs(maxEpochs)
            .setValidationData(test)
            .setListener(
                new TrainingListener() {
                  @Override
                  public void onEpoch(EpochReport r, int total) {
                    byEpoch.add(r.validation()[0]);
                    epochSeconds.add(r.seconds());
                    System.err.printf(
                        Locale.ROOT,
                        "P=%d epoch %d: %.2f s, test -ELBO %.2f%n",
                        p,
                        r.epoch(),
                        r.seconds(),
                        r.validation()[0]);
                  }

                  @Override
                  public boolean stopRequested() {
                    return !byEpoch.isEmpty() && byEpoch.get(byEpoch.size() - 1) <= target;
                  }
                });
    est.fit(train);
    Integer reached = null;
    for (int e = 0; e < byEpoch.size() && reached == null; e++) {
      reached = byEpoch.get(e) <= target ? e + 1 : null;
    }
    return new Quality(
        reached,
        byEpoch.stream().mapToDouble(d -> Math.round(d * 1000) / 1000.0).toArray(),
        epochSeconds.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * A round's cost on P partitions: the median wall time of rounds whose tasks ship results of the
   * real size but compute almost nothing (4 rows per partition, steps of one row): broadcast,
   * scheduling, result transfer, the ordered sum and the outer update. Local mode runs the P tasks
   * two at a time, so for large P {@code seconds} overstates a cluster's round, where they run at
   * once; {@code onPSlots} is the median of the same rounds less the time their tasks waited for a
   * core ({@link TaskWaits}).
   */
  record RoundCost(double seconds, double onPSlots) {}

  static RoundCost driverSecondsPerRound(
      VariationalAutoencoder base, Dataset<Row> rows, int p, Plan plan, int rounds) {
    int k = plan.syncEvery() > 1 ? 2 : 1;
    int perEpoch = 4 / k;
    int warm = 2;
    List<Double> secs = new ArrayList<>();
    VariationalAutoencoder est =
        base.copy(new org.apache.spark.ml.param.ParamMap())
            .setNumPartitions(p)
            .setBatchMode("per-partition")
            .setBatchSize(1)
            .setSyncEvery(k)
            // The rules the real rounds (k = plan.syncEvery()) resolve to, not those of k = 2.
            .setOuterOptimizer(plan.outer().configName())
            .setOptimizerState(plan.innerState().configName())
            .setOuterWarmupEpochs(0) // rounds after the warm-up: the rule's own arithmetic
            .setEarlyStoppingPatience(0)
            .setEpochs(warm + (rounds + perEpoch - 1) / perEpoch)
            .setValidationData(null)
            .setListener(
                new TrainingListener() {
                  @Override
                  public void onEpoch(EpochReport r, int total) {}

                  @Override
                  public void onRound(Round r) {
                    if (r.epoch() >= warm) {
                      secs.add(r.roundSeconds());
                    }
                  }
                });
    SparkContext sc = rows.sparkSession().sparkContext();
    TaskWaits waits = new TaskWaits();
    sc.addSparkListener(waits);
    try {
      est.fit(rows.limit(4 * p));
      sc.listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 10 s", e);
    } finally {
      sc.removeSparkListener(waits);
    }
    // The timed rounds are the last jobs with a stage of P tasks (the first ones cache the rows).
    List<Double> w = waits.waitSecondsOfJobsWithStageOf(p);
    List<Double> slots = new ArrayList<>();
    for (int i = 0; i < secs.size(); i++) {
      int j = w.size() - secs.size() + i;
      slots.add(secs.get(i) - (j >= 0 ? w.get(j) : 0));
    }
    return new RoundCost(median(secs), median(slots));
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s[s.length / 2];
  }

  /** Adds the statistical efficiency and, per bandwidth, the prediction and the speed-up. */
  static void predict(List<Map<String, Object>> lines, VaeArchitecture arch, double[] gbps) {
    Map<String, Object> one =
        lines.stream().filter(r -> (Integer) r.get("partitions") == 1).findFirst().orElse(null);
    for (Map<String, Object> r : lines) {
      Integer e = (Integer) r.get("epochs_to_target");
      Integer e1 = one == null ? null : (Integer) one.get("epochs_to_target");
      r.put(
          "statistical_efficiency",
          e == null || e1 == null ? null : Math.round(1000.0 * e1 / e) / 1000.0);
      Double compute = computeSeconds(r);
      Double compute1 = one == null ? null : computeSeconds(one);
      r.put(
          "speedup_without_rounds",
          compute == null || compute1 == null
              ? null
              : Math.round(compute1 / compute * 100) / 100.0);
      List<Map<String, Object>> predicted = new ArrayList<>();
      for (double g : gbps) {
        Map<String, Object> at = new LinkedHashMap<>();
        at.put("gbps", g);
        double net = network(r, g);
        at.put("network_seconds_per_round", round4(net));
        double net1 = one == null ? Double.NaN : network(one, g);
        for (String slots : List.of("", "_p_slots")) {
          Double t = time(r, net, slots);
          Double t1 = one == null ? null : time(one, net1, slots);
          if (slots.isEmpty() || t != null) {
            at.put("time_to_target_seconds" + slots, t == null ? null : round4(t));
            boolean both = t != null && t1 != null;
            at.put("speedup" + slots, both ? Math.round(t1 / t * 100) / 100.0 : null);
            at.put(
                "efficiency" + slots,
                both ? Math.round(1000 * t1 / t / (Integer) r.get("partitions")) / 1000.0 : null);
          }
        }
        Double free = timeDriverFree(r, net);
        Double free1 = one == null ? null : timeDriverFree(one, net1);
        at.put(
            "speedup_driver_free",
            free == null || free1 == null ? null : Math.round(free1 / free * 100) / 100.0);
        predicted.add(at);
      }
      r.put("network_model", NETWORK_MODEL);
      r.put("predicted", predicted);
    }
  }

  static final String NETWORK_MODEL =
      "per round: broadcast_bytes * ceil(log2(P+1)) / bandwidth + aggregation_depth * "
          + "ceil(P^(1/depth)) * result_bytes / bandwidth; no latency";

  private static double network(Map<String, Object> r, double gbps) {
    return ScalingModel.networkSecondsPerRound(
        (Long) r.get("broadcast_bytes_per_round"),
        (Long) r.get("result_bytes_per_partition"),
        (Integer) r.get("partitions"),
        (Integer) r.get("aggregation_depth"),
        gbps * 1e9);
  }

  /**
   * The predicted time to target with the round cost of {@code driver_seconds_per_round} plus
   * {@code slots} ("" or "_p_slots"); null when the target was not reached or that cost is absent.
   */
  private static Double time(Map<String, Object> r, double network, String slots) {
    Integer e = (Integer) r.get("epochs_to_target");
    if (e == null || r.get("driver_seconds_per_round" + slots) == null) {
      return null;
    }
    return ScalingModel.timeToTarget(
        e,
        (Integer) r.get("steps_per_epoch"),
        (Double) r.get("step_seconds_one_core"),
        (Integer) r.get("rounds_per_epoch"),
        (Double) r.get("driver_seconds_per_round" + slots),
        network);
  }

  /** T(P) with the driver's round cost left out and the network kept; null without a target. */
  private static Double timeDriverFree(Map<String, Object> r, double network) {
    Integer e = (Integer) r.get("epochs_to_target");
    if (e == null) {
      return null;
    }
    return ScalingModel.timeToTarget(
        e,
        (Integer) r.get("steps_per_epoch"),
        (Double) r.get("step_seconds_one_core"),
        (Integer) r.get("rounds_per_epoch"),
        0,
        network);
  }

  /**
   * E · S · t_step: the time to target if rounds and the network cost nothing, so that the speed-up
   * over P = 1 on it is what the statistics and the step at its rows allow (the statistical
   * efficiency × P × the step's speed per row against P = 1's). Null without a target reached.
   */
  private static Double computeSeconds(Map<String, Object> r) {
    Integer e = (Integer) r.get("epochs_to_target");
    if (e == null) {
      return null;
    }
    return e * (Integer) r.get("steps_per_epoch") * (Double) r.get("step_seconds_one_core");
  }

  /** {@code speedup_driver_free} at a bandwidth, or null. */
  @SuppressWarnings("unchecked")
  static Object driverFreeSpeedup(Map<String, Object> r, double gbps) {
    for (Map<String, Object> at : (List<Map<String, Object>>) r.get("predicted")) {
      if ((Double) at.get("gbps") == gbps) {
        return at.get("speedup_driver_free");
      }
    }
    return null;
  }

  /** The predicted speed-up at a bandwidth, NaN when there is none. */
  static double speedup(Map<String, Object> r, double gbps) {
    return speedup(r, gbps, "");
  }

  /** The same with the round cost {@code slots} names ("" or "_p_slots"). */
  @SuppressWarnings("unchecked")
  static double speedup(Map<String, Object> r, double gbps, String slots) {
    for (Map<String, Object> at : (List<Map<String, Object>>) r.get("predicted")) {
      if ((Double) at.get("gbps") == gbps && at.get("speedup" + slots) != null) {
        return (Double) at.get("speedup" + slots);
      }
    }
    return Double.NaN;
  }

  /**
   * Epochs to target by partition count, from a previous run's JSON lines; -1 for a run that did
   * not reach the target (its {@code epochs_to_target} is null).
   */
  static Map<Integer, Integer> read(Path file) throws IOException {
    Map<Integer, Integer> out = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (line.isBlank() || !line.startsWith("{\"partitions\"")) {
        continue;
      }
      JsonNode m = Json.read(line, file + " line " + lineNo);
      if (m.path("round_cost_only").asBoolean(false)) {
        continue; // a --round-cost-only line: no training, so no epochs to take
      }
      JsonNode e = m.path("epochs_to_target");
      if (!m.path("partitions").isInt() || !(e.isInt() || e.isNull())) {
        throw new UserError(
            file
                + " line "
                + lineNo
                + ": expected partitions and epochs_to_target numbers (epochs null: not reached)");
      }
      out.put(m.get("partitions").asInt(), e.isNull() ? -1 : e.asInt());
    }
    return out;
  }

  /**
   * A step of {@code rowsPerStep} rows of the estimator's model and optimizer on {@code threads}
   * threads at once: the median of 5 passes of about 4,096 rows (at least 8 steps).
   */
  static StepTimer.Timing stepTime(
      VariationalAutoencoder base,
      VaeArchitecture arch,
      ByteRows rows,
      int rowsPerStep,
      int threads)
      throws InterruptedException {
    return stepTime(arch, base.getOptimizer(), base.getLearningRate(), rows, rowsPerStep, threads);
  }

  static StepTimer.Timing stepTime(
      VaeArchitecture arch,
      String optimizer,
      double learningRate,
      ByteRows rows,
      int rowsPerStep,
      int threads)
      throws InterruptedException {
    return StepTimer.secondsPerStep(
        () -> new VaeObjective(arch),
        () -> Optimizer.named(optimizer, learningRate),
        rows,
        rowsPerStep,
        Math.max(8, 4096 / rowsPerStep),
        5,
        threads);
  }

  static ImageData load(SparkSession spark, String name, Path file) {
    return Loaders.load(
        spark, new Loaders.Spec(name, file.toString(), null, "features", "label", null, 0));
  }

  static double round4(double v) {
    return Math.round(v * 1e4) / 1e4;
  }
}
