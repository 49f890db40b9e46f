// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.data.IdxFile;
import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.diagnostics.ShapeBench;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.Kernel;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.LocalTrainer;
import io.sparkvae.kernel.Rows;
import io.sparkvae.kernel.StepProfile;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The kernel alone (no Spark) on the reference model, one thread: how close a training step comes
 * to the BLAS's own speed on the same products, and whether late epochs stay as fast as the first
 * (no denormal slow-down).
 */
@Command(
    name = "bench-kernel",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the VAE kernel alone (784-400-20 Bernoulli, or --model conv; batch 128, "
            + "Adam, one thread) and print one JSON object.")
public final class BenchKernelCommand implements Callable<Integer> {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  @Option(
      names = "--data",
      description =
          "IDX image file (default: the full Fashion-MNIST "
              + "training set when installed, else the bundled sample).")
  Path data;

  @Option(
      names = "--epochs",
      defaultValue = "5",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "128")
  int batch;

  @Option(
      names = "--model",
      defaultValue = "mlp",
      description = "mlp (784-400-20) or conv (conv 32-64 k4 s2 p1, dense 256, H = 20).")
  String model;

  @Option(
      names = "--hidden",
      split = ",",
      description = "MLP hidden sizes (default 400); not with --model conv.")
  int[] hidden;

  @Option(names = "--latent", defaultValue = "20")
  int latent;

  @Option(
      names = "--min-rows",
      defaultValue = "60000",
      description =
          "Tile smaller data sets up to this many rows so an epoch is long enough to "
              + "time (default: ${DEFAULT-VALUE}).")
  int minRows;

  @Option(names = "--sgemm-seconds", defaultValue = "3")
  double sgemmSeconds;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "After the one-thread run, also train this many models at once, one per thread, "
              + "each on all rows at --batch-size, for --thread-epochs (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--thread-epochs", defaultValue = "2")
  int threadEpochs;

  @Option(
      names = "--breakdown-clock",
      defaultValue = "cpu",
      description =
          "cpu (each thread's CPU time: robust when other programs share the cores) or wall.")
  String breakdownClock;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path path = data != null ? data : Datasets.defaultFashionMnistTrain();
    IdxFile.Contents idx = IdxFile.read(path);
    ByteRows rows = idx.asRows();
    int original = rows.rows();
    rows = tile(rows, minRows);
    ReferenceModels ref = ReferenceModels.parse(model);
    if (ref == ReferenceModels.CONV && hidden != null) {
      throw new UserError("--hidden is for --model mlp; the conv reference model is fixed");
    }
    VaeArchitecture arch =
        ref == ReferenceModels.MLP
            ? new VaeArchitecture(
                rows.width(),
                hidden == null ? new int[] {400} : hidden,
                latent,
                Activation.RELU,
                Likelihood.BERNOULLI)
            : ref.architecture(idx.dims()[1], idx.dims()[2], 1);
    VaeObjective objective = new VaeObjective(arch);
    LocalTrainer trainer = new LocalTrainer(objective, new Adam(1e-3), batch, 1, 0);
    Rows all = Rows.of(rows);

    List<Map<String, Object>> perEpoch = new ArrayList<>();
    long totalRows = 0;
    double totalSeconds = 0;
    double totalCpuSeconds = 0;
    double loadBefore = loadAverage();
    StepProfile.useCpuClock(!"wall".equals(breakdownClock));
    StepProfile.enable(true);
    for (int e = 0; e < epochs; e++) {
      long cpu0 = CPU.getCurrentThreadCpuTime();
      LocalTrainer.EpochStats s = trainer.trainEpoch(all, e);
      double cpuSeconds = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", e + 1);
      m.put("seconds", r3(s.seconds()));
      m.put("samples_per_sec", Math.round(s.samplesPerSecond()));
      m.put("train_neg_elbo", r3(s.meanLosses()[0]));
      perEpoch.add(m);
      System.err.printf(
          "epoch %d/%d: %.0f samples/s, train -ELBO %.2f%n",
          e + 1, epochs, s.samplesPerSecond(), s.meanLosses()[0]);
      if (e > 0) { // the first epoch includes JIT warm-up
        totalRows += s.rows();
        totalSeconds += s.seconds();
        totalCpuSeconds += cpuSeconds;
      } else {
        StepProfile.reset();
      }
    }
    StepProfile.Totals profile = StepProfile.totals();
    StepProfile.enable(false);
    System.err.println("one thread, " + profile.describe());
    double samplesPerSec =
        epochs > 1
            ? totalRows / totalSeconds
            : ((Number) perEpoch.get(0).get("samples_per_sec")).doubleValue();
    double gflops = samplesPerSec * arch.flopsPerSample() / 1e9;
    double[] shapes = ShapeBench.sgemmSpeeds(arch, batch, sgemmSeconds);
    double[] peaks = BlasInfo.sgemmSpeeds(Kernel.blas(), 1024, 1024, 1024, sgemmSeconds);
    double sgemm = shapes[0];
    double peak = peaks[0];
    double cpuGflops =
        epochs > 1 ? totalRows / totalCpuSeconds * arch.flopsPerSample() / 1e9 : Double.NaN;

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", arch.describe());
    out.put("batch_size", batch);
    out.put("threads", 1);
    out.put("data", path.toString());
    out.put("data_rows", original);
    out.put("rows_per_epoch", rows.rows());
    out.put("samples_per_sec", Math.round(samplesPerSec));
    // Thread CPU time: what the step costs when other programs share the cores.
    out.put("samples_per_cpu_sec", epochs > 1 ? Math.round(totalRows / totalCpuSeconds) : null);
    out.put("flops_per_sample", arch.flopsPerSample());
    out.put(
        "flop_count",
        "2*in*out per layer for the forward product, the weight gradient and "
            + "the input gradient (none for the data layer); elementwise work not counted");
    out.put("gflops", r3(gflops));
    out.put("sgemm_gflops", r3(sgemm));
    out.put("ratio", r3(gflops / sgemm));
    out.put("sgemm_peak_gflops", r3(peak));
    out.put("ratio_to_peak", r3(gflops / peak));
    // The same ratios by thread CPU time, kernel and sgemm alike: comparable under load.
    out.put("cpu_gflops", r3(cpuGflops));
    out.put("sgemm_cpu_gflops", r3(shapes[1]));
    out.put("ratio_cpu", r3(cpuGflops / shapes[1]));
    out.put("sgemm_peak_cpu_gflops", r3(peaks[1]));
    out.put("ratio_to_peak_cpu", r3(cpuGflops / peaks[1]));
    double first =
        ((Number) perEpoch.get(Math.min(1, epochs - 1)).get("samples_per_sec")).doubleValue();
    double last = ((Number) perEpoch.get(epochs - 1).get("samples_per_sec")).doubleValue();
    out.put("last_vs_second_epoch_speed", r3(last / first));
    out.put("breakdown", breakdown(profile));
    if (threads > 1) {
      out.put("threads_run", threadsRun(objective, all, samplesPerSec));
    }
    out.put("params_crc32", crc32(trainer.params()));
    out.put("load_average", List.of(r3(loadBefore), r3(loadAverage())));
    out.put("subnormal_params", ShapeBench.countSubnormal(trainer.params()));
    out.put("subnormal_optimizer_state", ShapeBench.countSubnormal(trainer.optimizerState()));
    out.put("epochs", perEpoch);
    Map<String, Object> blas = new LinkedHashMap<>(BlasInfo.describe());
    blas.put("cpu", BlasInfo.cpuModel());
    out.put("blas", blas);
    System.out.println(Json.compact(out));
    return Main.EXIT_OK;
  }

  /** {@code threads} models trained at once, one per thread: what they contend for. */
  private Map<String, Object> threadsRun(VaeObjective objective, Rows all, double oneThread)
      throws InterruptedException {
    LocalTrainer[] ts = new LocalTrainer[threads];
    for (int i = 0; i < threads; i++) {
      ts[i] = new LocalTrainer(objective, new Adam(1e-3), batch, 1 + i, 0);
    }
    long[] cpu = new long[threads];
    Thread[] running = new Thread[threads];
    StepProfile.reset();
    StepProfile.enable(true);
    long t0 = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      int id = i;
      running[i] =
          new Thread(
              () -> {
                long c0 = CPU.getCurrentThreadCpuTime();
                for (int e = 0; e < threadEpochs; e++) {
                  ts[id].trainEpoch(all, e);
                }
                cpu[id] = CPU.getCurrentThreadCpuTime() - c0;
              });
      running[i].start();
    }
    for (Thread t : running) {
      t.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    StepProfile.Totals profile = StepProfile.totals();
    StepProfile.enable(false);
    System.err.println(threads + " threads, " + profile.describe());
    double rows = (double) all.rows() * threadEpochs * threads;
    long cpuSum = 0;
    for (long c : cpu) {
      cpuSum += c;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threads", threads);
    m.put("epochs_per_thread", threadEpochs);
    m.put("samples_per_sec", Math.round(rows / seconds));
    m.put("speedup_vs_one_thread", r3(rows / seconds / oneThread));
    m.put("samples_per_cpu_sec_per_thread", Math.round(rows / (cpuSum / 1e9)));
    m.put("breakdown", breakdown(profile));
    return m;
  }

  static Map<String, Object> breakdown(StepProfile.Totals p) {
    double[] ms = p.perStepMs();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clock", StepProfile.cpuClock() ? "thread CPU time" : "wall time");
    m.put("steps", p.steps());
    m.put("step_ms", r3(ms[0]));
    m.put("sgemm_ms", r3(ms[1]));
    m.put("elementwise_ms", r3(ms[2]));
    m.put("optimizer_ms", r3(ms[3]));
    m.put("row_gather_ms", r3(ms[4]));
    m.put("sgemm_share", r3(ms[1] / ms[0]));
    m.put("sgemm_gflops_in_step", r3(p.gemmGflops()));
    m.put(
        "parts",
        "sgemm: every matrix product; optimizer: gradient zeroing, clipping norm, update; "
            + "elementwise: the rest of the step (activations, biases, likelihood, noise, KL)");
    return m;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** A fingerprint of the parameters' bits: equal before and after a bit-preserving change. */
  static String crc32(float[] a) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * a.length);
    b.asFloatBuffer().put(a);
    crc.update(b.array());
    return String.format("%08x", crc.getValue());
  }

  static ByteRows tile(ByteRows rows, int min) {
    if (rows.rows() >= min) {
      return rows;
    }
    int copies = (min + rows.rows() - 1) / rows.rows();
    byte[] src = rows.data();
    byte[] d = new byte[src.length * copies];
    for (int c = 0; c < copies; c++) {
      System.arraycopy(src, 0, d, c * src.length, src.length);
    }
    return new ByteRows(d, rows.rows() * copies, rows.width());
  }

  static double r3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Where the data sets live. */
  static final class Datasets {
    private Datasets() {}

    static Path defaultFashionMnistTrain() {
      Path full = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
      if (Files.isReadable(full)) {
        return full;
      }
      return Home.path("data-samples/fashion-mnist-train-images-idx3-ubyte.gz");
    }
  }
}
