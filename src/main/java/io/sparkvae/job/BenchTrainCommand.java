// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.IdxFile;
import io.sparkvae.data.ImageData;
import io.sparkvae.data.Loaders;
import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.LocalTrainer;
import io.sparkvae.kernel.Rows;
import io.sparkvae.kernel.StepProfile;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.ml.VaeEvaluator;
import io.sparkvae.ml.VariationalAutoencoder;
import io.sparkvae.ml.VariationalAutoencoderModel;
import io.sparkvae.ml.params.Setting;
import io.sparkvae.ml.params.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains a reference model ({@code --model mlp}: 784-400-20 Bernoulli; {@code conv}: the
 * convolutional VAE of {@code conf/fashion-mnist-conv.conf}; batch 128, Adam 1e-3) on the full
 * Fashion-MNIST through Spark in local[2], and the kernel alone on two threads in the same run, and
 * prints one JSON line per configuration. Lists of partition counts and k values run a grid: that
 * is how the default {@code train.sync-every} was chosen.
 */
@Command(
    name = "bench-train",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark training through Spark (local[2]) against the kernel alone on two "
            + "threads, on the full Fashion-MNIST; one JSON line per configuration.")
public final class BenchTrainCommand implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description =
          "Directory with the Fashion-MNIST IDX files (apt-get install "
              + "dataset-fashion-mnist).")
  Path dataDir;

  @Option(names = "--epochs", defaultValue = "10")
  int epochs;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      split = ",",
      description = "Partition counts (a list runs each).")
  int[] partitions;

  @Option(
      names = "--sync-every",
      split = ",",
      description = "k values (a list runs each; default: the library default).")
  int[] syncEvery;

  @Option(names = "--master", defaultValue = "local[2]")
  String master;

  @Option(
      names = "--kernel-epochs",
      defaultValue = "3",
      description =
          "Timed epochs of the kernel-alone baseline on two threads, after one warm-up epoch (0 ="
              + " skip).")
  int kernelEpochs;

  @Option(
      names = "--seed",
      defaultValue = "42",
      split = ",",
      description =
          "Seeds (a list runs each and ends with a summary line: one seed's test -ELBO moves by "
              + "a few tenths of a nat).")
  long[] seeds;

  @Option(
      names = "--model",
      defaultValue = "mlp",
      description = "mlp (784-400-20) or conv (conv 32-64 k4 s2 p1, dense 256, H = 20).")
  String model;

  @Option(
      names = "--iwae-k",
      defaultValue = "0",
      description = "IWAE draws per test row after training (0 = skip; e.g. 100).")
  int iwaeK;

  @Option(names = "--iwae-rows", defaultValue = "2000", description = "Test rows for IWAE.")
  int iwaeRows;

  private ReferenceModels ref;

  @Option(
      names = "--param",
      description =
          "NAME=VALUE: an estimator param by its Spark ML name, e.g. outerOptimizer=diloco, "
              + "batchMode=per-partition (repeatable; see the configuration page).")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--target",
      defaultValue = "245.0",
      description =
          "Test -ELBO to reach: the test set is evaluated after every epoch and the first epoch "
              + "at or below this is reported (0 = no per-epoch evaluation).")
  double target;

  @Override
  public Integer call() throws Exception {
    Path train = dataDir.resolve("train-images-idx3-ubyte.gz");
    Path test = dataDir.resolve("t10k-images-idx3-ubyte.gz");
    if (!Files.isReadable(train) || !Files.isReadable(test)) {
      throw new UserError(
          "bench-train needs the full Fashion-MNIST in "
              + dataDir
              + " (Debian/Ubuntu: apt-get install dataset-fashion-mnist), or --data-dir");
    }
    int[] ks =
        syncEvery != null ? syncEvery : new int[] {VariationalAutoencoder.DEFAULT_SYNC_EVERY};
    ref = ReferenceModels.parse(model);
    VaeArchitecture arch = ref.architecture(28, 28, 1);
    StepProfile.useCpuClock(true); // the breakdowns in thread CPU time

    // The ceiling for local[2]: two threads, each taking half of every 128-row global step on
    // its half of the rows, as two Spark tasks do, with nothing in between.
    KernelAlone kernel = null;
    Map<String, Object> kernelBreakdown = null;
    if (kernelEpochs > 0) {
      kernel = kernelAloneTwoThreads(IdxFile.read(train).asRows(), arch, kernelEpochs, 64);
      StepProfile.Totals p = StepProfile.totals();
      StepProfile.enable(false);
      kernelBreakdown = BenchKernelCommand.breakdown(p);
      System.err.printf(
          "kernel alone, 2 threads, 64 rows per step each: %.0f samples/s (median epoch %.0f);"
              + " %s%n",
          kernel.samplesPerSec(), kernel.medianEpochSamplesPerSec(), p.describe());
    }
    SparkSession spark =
        SparkSession.builder()
            .master(master)
            .appName("spark-vae bench-train")
            .config("spark.ui.enabled", "false")
            .config("spark.broadcast.compress", "false")
            .config("spark.task.maxDirectResultSize", "64m")
            .getOrCreate();
    try {
      ImageData tr =
          Loaders.load(
              spark,
              new Loaders.Spec("train", train.toString(), null, "features", "label", null, 0));
      ImageData te =
          Loaders.load(
              spark, new Loaders.Spec("test", test.toString(), null, "features", "label", null, 0));
      Dataset<Row> testFrame = te.frame().cache();
      for (int p : partitions) {
        for (int k : ks) {
          List<Map<String, Object>> runs = new ArrayList<>();
          for (long seed : seeds) {
            Map<String, Object> r = run(tr.frame(), testFrame, p, k, seed);
            r.put(
                "kernel_2threads_samples_per_sec",
                kernel == null ? null : Math.round(kernel.samplesPerSec()));
            r.put(
                "kernel_2threads_median_epoch_samples_per_sec",
                kernel == null ? null : Math.round(kernel.medianEpochSamplesPerSec()));
            r.put("kernel_rows_per_step_per_thread", 64);
            r.put("kernel_breakdown", kernelBreakdown);
            if (kernel != null) {
              r.put(
                  "overhead_ratio",
                  round3(kernel.samplesPerSec() / (Double) r.get("samples_per_sec")));
              r.put(
                  "overhead_ratio_steady",
                  round3(
                      kernel.medianEpochSamplesPerSec()
                          / (Double) r.get("samples_per_sec_median_epoch")));
            }
            r.put("blas", BlasInfo.oneLine());
            r.put("cpu", BlasInfo.cpuModel());
            System.out.println(Json.compact(r));
            System.out.flush();
            runs.add(r);
          }
          if (runs.size() > 1) {
            System.out.println(Json.compact(SeedSummary.of(runs)));
            System.out.flush();
          }
        }
      }
    } finally {
      spark.stop();
    }
    return Main.EXIT_OK;
  }

  private Map<String, Object> run(Dataset<Row> train, Dataset<Row> test, int p, int k, long seed) {
    List<Double> secs = new ArrayList<>();
    List<Double> elbo = new ArrayList<>();
    List<Double> testElbo = new ArrayList<>();
    VariationalAutoencoder est =
        ref.configure(new VariationalAutoencoder(), 28, 28, 1)
            .setBatchSize(128)
            .setLearningRate(1e-3)
            .setEpochs(epochs)
            .setSyncEvery(k)
            .setNumPartitions(p)
            .setSeed(seed)
            .setIdCol("id")
            .setListener(
                new TrainingListener() {
                  @Override
                  public void onEpoch(EpochReport r, int total) {
                    secs.add(r.seconds());
                    elbo.add(r.train()[0]);
                    if (r.validation() != null) {
                      testElbo.add(r.validation()[0]);
                    }
                    System.err.printf(
                        "P=%d k=%d epoch %d/%d: %.2f s, %.0f samples/s, train -ELBO %.2f%s%n",
                        p,
                        k,
                        r.epoch(),
                        total,
                        r.seconds(),
                        r.samplesPerSecond(),
                        r.train()[0],
                        r.validation() == null
                            ? ""
                            : String.format(", test -ELBO %.2f", r.validation()[0]));
                  }
                });
    est = withParams(est, params);
    if (target > 0) {
      est.setValidationData(test);
    }
    StepProfile.reset();
    StepProfile.enable(true); // local mode: the tasks run in this JVM
    SparkContext sc = train.sparkSession().sparkContext();
    RoundTimes roundTimes = new RoundTimes();
    sc.addSparkListener(roundTimes);
    long t0 = System.nanoTime();
    VariationalAutoencoderModel model;
    try {
      model = est.fit(train);
      sc.listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 10 s", e);
    } finally {
      sc.removeSparkListener(roundTimes);
    }
    double fitSeconds = (System.nanoTime() - t0) / 1e9;
    StepProfile.Totals profile = StepProfile.totals();
    StepProfile.enable(false);
    System.err.println("through Spark (all epochs, every task), " + profile.describe());
    Map<String, Object> rounds = RoundTimes.summary(roundTimes.rounds(), 2);
    if (rounds != null) {
      System.err.println("through Spark (epochs 2 on), " + RoundTimes.describe(rounds));
    }
    Map<String, Object> t = VaeEvaluator.evaluate(model, test, iwaeK, iwaeRows, "id");
    // Steady state: the first epoch includes JIT warm-up and caching.
    double steady =
        secs.size() > 1
            ? secs.subList(1, secs.size()).stream().mapToDouble(Double::doubleValue).sum()
                / (secs.size() - 1)
            : secs.get(0);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", model.architecture().describe());
    r.put("master", master);
    r.put("partitions", p);
    r.put("sync_every", k);
    r.put("seed", est.getSeed()); // --param seed=… wins over --seed
    r.put("epochs", epochs);
    r.put("epoch_seconds", secs.stream().map(BenchTrainCommand::round3).toArray());
    r.put("samples_per_sec", (double) Math.round(60000 / steady));
    r.put(
        "samples_per_sec_median_epoch",
        (double) Math.round(60000 / median(secs.size() > 1 ? secs.subList(1, secs.size()) : secs)));
    r.put("fit_seconds", round3(fitSeconds));
    if (master.startsWith("local[")) {
      r.put("breakdown", BenchKernelCommand.breakdown(profile));
    }
    r.put("round_breakdown", rounds);
    r.put("train_neg_elbo_last_epoch", round3(elbo.get(elbo.size() - 1)));
    r.put("test_neg_elbo", round3((Double) t.get("neg_elbo")));
    if (iwaeK > 0) {
      r.put("test_iwae_k", iwaeK);
      r.put("test_iwae_rows", t.get("iwae_rows"));
      r.put("test_iwae_nll", round3((Double) t.get("iwae_nll")));
    }
    if (target > 0) {
      r.put("params", String.join(" ", params));
      r.put("test_neg_elbo_by_epoch", testElbo.stream().map(BenchTrainCommand::round3).toArray());
      int reached = 0;
      for (int e = 0; e < testElbo.size() && reached == 0; e++) {
        reached = testElbo.get(e) <= target ? e + 1 : 0;
      }
      r.put("epochs_to_target", reached == 0 ? null : reached);
      r.put("target", target);
    }
    return r;
  }

  /** {@code est} with {@code NAME=VALUE} params (Spark ML names) applied, for {@code --param}. */
  static VariationalAutoencoder withParams(VariationalAutoencoder est, List<String> params) {
    org.apache.spark.ml.param.ParamMap extra = new org.apache.spark.ml.param.ParamMap();
    for (String nv : params) {
      int eq = nv.indexOf('=');
      Setting s = eq < 0 ? null : Settings.byParam(nv.substring(0, eq).trim());
      if (s == null) {
        throw new UserError("--param " + nv + ": expected NAME=VALUE with an estimator param");
      }
      String v = nv.substring(eq + 1).trim();
      Object value =
          switch (s.type()) {
            case INT -> Integer.parseInt(v);
            case LONG -> Long.parseLong(v);
            case DOUBLE -> Double.parseDouble(v);
            default -> v;
          };
      extra.put(est.getParam(s.paramName()), value);
    }
    return est.copy(extra);
  }

  /**
   * The kernel alone on two threads: samples per second over all timed epochs, and at the median
   * epoch (an epoch ends when both threads have finished it).
   */
  record KernelAlone(double samplesPerSec, double medianEpochSamplesPerSec) {}

  static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The kernel alone on two threads, each training on half the rows: the ceiling for local[2]. */
  static KernelAlone kernelAloneTwoThreads(
      ByteRows all, VaeArchitecture arch, int epochs, int batch) throws InterruptedException {
    int half = all.rows() / 2;
    int w = all.width();
    Rows[] parts = {
      Rows.of(new ByteRows(Arrays.copyOfRange(all.data(), 0, half * w), half, w)),
      Rows.of(new ByteRows(Arrays.copyOfRange(all.data(), half * w, 2 * half * w), half, w))
    };
    LocalTrainer[] trainers = new LocalTrainer[2];
    for (int i = 0; i < 2; i++) {
      trainers[i] = new LocalTrainer(new VaeObjective(arch), new Adam(1e-3), batch, i, 0);
    }
    // A full warm-up epoch on each thread first, as the Spark figure leaves out its first epoch:
    // a few thousand rows left the JIT compiling the vector loops inside the timed epoch.
    long[] t0 = new long[1];
    List<Double> epochSeconds = new ArrayList<>();
    long[] last = new long[1];
    CyclicBarrier ready =
        new CyclicBarrier(
            2,
            () -> {
              StepProfile.reset();
              StepProfile.enable(true);
              t0[0] = System.nanoTime();
              last[0] = t0[0];
            });
    CyclicBarrier epochEnd =
        new CyclicBarrier(
            2,
            () -> {
              long now = System.nanoTime();
              epochSeconds.add((now - last[0]) / 1e9);
              last[0] = now;
            });
    Thread[] threads = new Thread[2];
    for (int i = 0; i < 2; i++) {
      final int id = i;
      threads[i] =
          new Thread(
              () -> {
                trainers[id].trainEpoch(parts[id], 0);
                try {
                  ready.await();
                } catch (InterruptedException | BrokenBarrierException e) {
                  throw new IllegalStateException(e);
                }
                for (int e = 0; e < epochs; e++) {
                  trainers[id].trainEpoch(parts[id], e + 1);
                  try {
                    epochEnd.await();
                  } catch (InterruptedException | BrokenBarrierException ex) {
                    throw new IllegalStateException(ex);
                  }
                }
              });
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - t0[0]) / 1e9;
    return new KernelAlone(2.0 * half * epochs / seconds, 2.0 * half / median(epochSeconds));
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
