// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.IdxFile;
import io.sparkvae.data.ImageData;
import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.diagnostics.ScalingModel;
import io.sparkvae.diagnostics.StepTimer;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.ml.VariationalAutoencoder;
import io.sparkvae.report.Charts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Time to a target quality against the number of executors, from measured parts: see
 * src/site/markdown/performance.md, "Scale-out", for the fields and the model ({@link
 * ScalingModel}).
 */
@Command(
    name = "bench-scaling",
    mixinStandardHelpOptions = true,
    description =
        "For each partition count: train a reference model on the full Fashion-MNIST to a test "
            + "-ELBO target (samples needed), time one partition's step on one core and a round's "
            + "driver cost, and predict the time to target on P single-core executors; one JSON "
            + "line per P.")
public final class BenchScalingCommand implements Callable<Integer> {
  private static final int TRAIN_ROWS = 60_000;

  @Option(
      names = "--data-dir",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description =
          "Directory with the Fashion-MNIST IDX files (apt-get install "
              + "dataset-fashion-mnist).")
  Path dataDir;

  @Option(
      names = "--partitions",
      split = ",",
      defaultValue = "1,2,4,8,16,32",
      description = "Partition counts P (default: ${DEFAULT-VALUE}); include 1 for the speed-ups.")
  int[] partitions;

  @Option(
      names = "--model",
      defaultValue = "mlp",
      description = "mlp (784-400-20) or conv (conv 32-64 k4 s2 p1, dense 256, H = 20).")
  String model;

  @Option(names = "--target", defaultValue = "245.0", description = "Test -ELBO to reach.")
  double target;

  @Option(
      names = "--max-epochs",
      defaultValue = "30",
      description = "Give up on a P after this many epochs (default: ${DEFAULT-VALUE}).")
  int maxEpochs;

  @Option(
      names = "--param",
      description =
          "NAME=VALUE: an estimator param by its Spark ML name, changing the defaults "
              + "(repeatable; see the configuration page).")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--seed",
      split = ",",
      defaultValue = "42",
      description =
          "Training seed (default: ${DEFAULT-VALUE}). Several, an odd number: each P trains once "
              + "per seed and takes the median of their epochs to the target, since one seed can "
              + "reach it by a hair an epoch early.")
  long[] seeds;

  @Option(
      names = "--bandwidth-gbps",
      split = ",",
      defaultValue = "1,10",
      description = "Network bandwidths of the prediction, Gb/s (default: ${DEFAULT-VALUE}).")
  double[] bandwidths;

  @Option(
      names = "--driver-rounds",
      defaultValue = "20",
      description = "Rounds timed for the driver cost at each P (default: ${DEFAULT-VALUE}).")
  int driverRounds;

  @Option(
      names = "--step-rows",
      split = ",",
      defaultValue = "4,8,16,32,64,128",
      description =
          "Also time one step at these rows per step, on one core: where a partition's step gets "
              + "too small for the kernel (default: ${DEFAULT-VALUE}; 0 = none).")
  int[] stepRows;

  @Option(
      names = "--round-cost-only",
      split = ",",
      defaultValue = "64",
      description =
          "Partition counts for which only a round's driver cost and size are measured, not "
              + "the training (default: ${DEFAULT-VALUE}; 0 = none).")
  int[] roundCostOnly;

  @Option(
      names = "--epochs-from",
      description =
          "A previous run's JSON lines: take the epochs to target from it instead of training "
              + "again (training is deterministic), and measure only the times.")
  Path epochsFrom;

  @Option(
      names = "--validate-master",
      description =
          "Also train P = 2 on this master (e.g. local-cluster[2,1,2048]: two one-core executor "
              + "JVMs; needs SPARK_HOME, see cluster.md) and compare its time to target with the "
              + "prediction for two executors sharing this machine.")
  String validateMaster;

  @Option(names = "--chart", description = "Write the speed-up against P as a PNG here.")
  Path chart;

  @Override
  public Integer call() throws Exception {
    Path train = dataDir.resolve("train-images-idx3-ubyte.gz");
    Path test = dataDir.resolve("t10k-images-idx3-ubyte.gz");
    if (!Files.isReadable(train) || !Files.isReadable(test)) {
      throw new UserError(
          "bench-scaling needs the full Fashion-MNIST in "
              + dataDir
              + " (Debian/Ubuntu: apt-get install dataset-fashion-mnist), or --data-dir");
    }
    if (validateMaster != null && System.getenv("SPARK_HOME") == null) {
      throw new UserError(
          "--validate-master starts executor JVMs: set SPARK_HOME (and SPARK_SCALA_VERSION=2.13),"
              + " e.g. the one made from the Maven jars in src/site/markdown/cluster.md");
    }
    ScalingRuns.checkSeeds(seeds);
    Map<Integer, Integer> known = epochsFrom == null ? Map.of() : ScalingRuns.read(epochsFrom);
    ByteRows rows = IdxFile.read(train).asRows();
    ReferenceModels ref = ReferenceModels.parse(model);
    VaeArchitecture arch = ref.architecture(28, 28, 1);
    VariationalAutoencoder base = ScalingRuns.estimator(ref, seeds[0], params);
    List<Map<String, Object>> lines = new ArrayList<>();
    SparkSession spark = ScalingRuns.session("local[2]", null);
    try {
      ImageData tr = ScalingRuns.load(spark, "train", train);
      Dataset<Row> te = ScalingRuns.load(spark, "test", test).frame().cache();
      for (int p : partitions) {
        ScalingRuns.Plan plan = ScalingRuns.Plan.of(base, p, TRAIN_ROWS);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("partitions", p);
        r.put("model", ref.name().toLowerCase(Locale.ROOT));
        r.put("target", target);
        r.put("params", String.join(" ", params));
        Integer epochs = known.get(p);
        if (epochs != null && epochs < 0) {
          epochs = null; // an earlier run did not reach the target
        } else if (epochs == null) {
          List<Integer> bySeed = new ArrayList<>();
          List<double[]> curves = new ArrayList<>();
          for (long s : seeds) {
            // One seed: the estimator as configured, where a --param seed=... wins.
            VariationalAutoencoder est =
                seeds.length == 1
                    ? base
                    : base.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(s);
            ScalingRuns.Quality q =
                ScalingRuns.trainToTarget(est, tr.frame(), te, p, target, maxEpochs);
            bySeed.add(q.epochs());
            curves.add(q.testByEpoch());
          }
          epochs = ScalingRuns.medianEpochs(bySeed);
          if (seeds.length == 1) {
            r.put("test_neg_elbo_by_epoch", curves.get(0));
          } else {
            r.put("seeds", seeds);
            r.put("epochs_to_target_by_seed", bySeed.toArray());
            r.put("test_neg_elbo_by_epoch_by_seed", curves.toArray());
          }
        }
        r.put("epochs_to_target", epochs);
        r.put("samples_to_target", epochs == null ? null : (long) epochs * TRAIN_ROWS);
        plan.describe(r);
        StepTimer.Timing timing = ScalingRuns.stepTime(base, arch, rows, plan.rowsPerStep(), 1);
        double step = timing.wallSeconds();
        r.put("step_seconds_one_core", step);
        r.put("step_cpu_seconds_one_core", timing.cpuSeconds());
        ScalingRuns.RoundCost cost =
            ScalingRuns.driverSecondsPerRound(base, te, p, plan, driverRounds);
        double round = cost.seconds();
        r.put("driver_seconds_per_round", round);
        r.put("driver_seconds_per_round_p_slots", cost.onPSlots());
        r.put("broadcast_bytes_per_round", plan.broadcastBytes(arch));
        r.put("result_bytes_per_partition", plan.resultBytes(arch));
        r.put("aggregation_depth", plan.depth());
        lines.add(r);
        System.err.printf(
            Locale.ROOT,
            "P=%d: %s epochs to %.1f, %d rows per step at %.2f ms, round %.1f ms (%.1f ms on P"
                + " slots)%n",
            p,
            epochs,
            target,
            plan.rowsPerStep(),
            step * 1e3,
            round * 1e3,
            cost.onPSlots() * 1e3);
      }
      List<Map<String, Object>> costOnly = new ArrayList<>();
      for (int p : roundCostOnly) {
        if (p <= 0) {
          continue;
        }
        ScalingRuns.Plan plan = ScalingRuns.Plan.of(base, p, TRAIN_ROWS);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("partitions", p);
        r.put("round_cost_only", true);
        plan.describe(r);
        ScalingRuns.RoundCost cost =
            ScalingRuns.driverSecondsPerRound(base, te, p, plan, driverRounds);
        r.put("driver_seconds_per_round", cost.seconds());
        r.put("driver_seconds_per_round_p_slots", cost.onPSlots());
        r.put("broadcast_bytes_per_round", plan.broadcastBytes(arch));
        r.put("result_bytes_per_partition", plan.resultBytes(arch));
        r.put("aggregation_depth", plan.depth());
        costOnly.add(r);
      }
      ScalingRuns.predict(lines, arch, bandwidths);
      double fastest = Arrays.stream(bandwidths).max().orElse(10);
      for (Map<String, Object> r : lines) {
        System.err.printf(
            Locale.ROOT,
            "P=%d: speed-up at %s Gb/s %.2f (%.2f with rounds on P slots); ceilings: %s with a"
                + " free driver, %s with rounds and network free%n",
            r.get("partitions"),
            fmt(fastest),
            ScalingRuns.speedup(r, fastest),
            ScalingRuns.speedup(r, fastest, "_p_slots"),
            ScalingRuns.driverFreeSpeedup(r, fastest),
            r.get("speedup_without_rounds"));
      }
      for (Map<String, Object> r : lines) {
        r.put("blas", BlasInfo.oneLine());
        r.put("cpu", BlasInfo.cpuModel());
        System.out.println(Json.compact(r));
      }
      for (Map<String, Object> r : costOnly) {
        System.out.println(Json.compact(r));
      }
      for (int rowsPerStep : stepRows) {
        if (rowsPerStep <= 0) {
          continue;
        }
        StepTimer.Timing t = ScalingRuns.stepTime(base, arch, rows, rowsPerStep, 1);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("step_rows", rowsPerStep);
        r.put("step_seconds_one_core", t.wallSeconds());
        r.put("step_cpu_seconds_one_core", t.cpuSeconds());
        r.put("samples_per_second_one_core", Math.round(rowsPerStep / t.wallSeconds()));
        System.out.println(Json.compact(r));
      }
      System.out.flush();
    } finally {
      spark.stop();
    }
    if (chart != null) {
      writeChart(lines);
    }
    if (validateMaster != null) {
      Map<String, Object> v =
          ScalingValidation.validate(
              validateMaster,
              base,
              arch,
              rows,
              train,
              test,
              target,
              maxEpochs,
              driverRounds,
              lines);
      System.out.println(Json.compact(v));
    }
    return Main.EXIT_OK;
  }

  private void writeChart(List<Map<String, Object>> lines) throws java.io.IOException {
    int[] ps = lines.stream().mapToInt(r -> (Integer) r.get("partitions")).toArray();
    Map<String, double[]> series = new LinkedHashMap<>();
    for (double gbps : bandwidths) {
      series.put(
          String.format(Locale.ROOT, "predicted, %s Gb/s", fmt(gbps)),
          lines.stream().mapToDouble(r -> ScalingRuns.speedup(r, gbps)).toArray());
    }
    double fastest = Arrays.stream(bandwidths).max().orElse(10);
    double[] onSlots =
        lines.stream().mapToDouble(r -> ScalingRuns.speedup(r, fastest, "_p_slots")).toArray();
    if (Arrays.stream(onSlots).anyMatch(v -> !Double.isNaN(v))) {
      series.put(String.format(Locale.ROOT, "rounds on P slots, %s Gb/s", fmt(fastest)), onSlots);
    }
    double[] free =
        lines.stream()
            .mapToDouble(
                r ->
                    r.get("speedup_without_rounds") == null
                        ? Double.NaN
                        : (Double) r.get("speedup_without_rounds"))
            .toArray();
    if (Arrays.stream(free).anyMatch(v -> !Double.isNaN(v))) {
      series.put("rounds and network free", free);
    }
    series.put("ideal (P)", Arrays.stream(ps).asDoubleStream().toArray());
    byte[] png =
        Charts.scaling(
            ps,
            series,
            String.format(
                Locale.ROOT, "Time to test -ELBO %.1f: speed-up over one executor", target));
    Files.write(chart, png);
    System.err.println("chart: " + chart);
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
