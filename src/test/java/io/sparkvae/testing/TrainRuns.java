// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.io.Safetensors;
import io.sparkvae.io.SafetensorsContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs of the real {@code train} command in child JVMs, for the integration tests: one small
 * training on the bundled sample whose settings every test shares, so that every run, whatever the
 * master, must end with the same bytes in {@code model/weights.safetensors}.
 */
public final class TrainRuns {
  /** Epochs of {@link #SETTINGS}: enough that a process can be killed after the first one. */
  public static final int EPOCHS = 6;

  /**
   * A small model (784-64-8) on the 2,000 sample images in 2 partitions: 8 steps of batch 128 per
   * partition and epoch, k = 2, so 4 rounds (Spark jobs) per epoch. No IWAE, no PCA baseline and no
   * Spark UI, so that a run stays short.
   */
  public static final List<String> SETTINGS =
      List.of(
          "--config", "conf/fashion-mnist-sample.conf",
          "--set", "model.hidden=[64]",
          "--set", "model.latent=8",
          "--set", "train.epochs=" + EPOCHS,
          "--set", "train.sync-every=2",
          "--set", "train.partitions=2",
          "--set", "train.seed=7",
          "--set", "eval.iwae-k=0",
          "--set", "eval.pca-baseline=false",
          "--set", "spark.conf.\"spark.ui.enabled\"=false");

  private static Path reference;
  private static double referenceSeconds;

  private TrainRuns() {}

  /** The repository root (failsafe runs tests there). */
  public static Path projectDir() {
    return Path.of("").toAbsolutePath();
  }

  /** The packaged application jar (system property sparkvae.appJar under failsafe). */
  public static Path appJar() {
    String p = System.getProperty("sparkvae.appJar");
    if (p == null || !Files.isRegularFile(Path.of(p))) {
      throw new IllegalStateException(
          "the application jar "
              + p
              + " is missing: integration "
              + "tests run from `mvn verify`, after `package`");
    }
    return Path.of(p).toAbsolutePath();
  }

  /** A fresh, empty directory target/it/{@code name}. */
  public static Path freshDir(String name) {
    Path d = SparkHome.target().resolve("it").resolve(name);
    try {
      SparkHome.deleteTree(d);
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return d;
  }

  /**
   * The environment of every child: this machine's loopback only, and the same BLAS settings in
   * every JVM (driver and executors inherit them). Bit-identical results need the same BLAS kernels
   * everywhere: OpenBLAS's kernels for different core types round differently.
   */
  public static Map<String, String> env(Path tmp) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    String core = System.getenv("OPENBLAS_CORETYPE");
    if (core == null || core.isEmpty()) {
      core = BlasInfo.recommendedCoreType(BlasInfo.vectorFlags());
    }
    env.put("OPENBLAS_CORETYPE", core);
    // Spark's scratch files (and whatever a killed JVM leaves behind) stay under target/.
    env.put("JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
    return env;
  }

  /**
   * {@code java <Spark's flags> -cp app.jar:spark-classpath io.sparkvae.job.Main args}: what
   * submit/local.sh runs.
   */
  public static List<String> mainCommand(Path tmp, List<String> jvmArgs, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.java());
    cmd.add("-Xmx1g");
    cmd.addAll(SparkHome.jvmFlags());
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-Dlog4j2.configurationFile=" + projectDir().resolve("conf/log4j2.properties"));
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(appJar() + java.io.File.pathSeparator + SparkHome.classpath());
    cmd.add("io.sparkvae.job.Main");
    cmd.addAll(args);
    return cmd;
  }

  /** {@code train} with {@link #SETTINGS}, the master given and {@code extra} arguments. */
  public static List<String> trainArgs(String master, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train"));
    a.addAll(SETTINGS);
    if (master != null) {
      a.add("--set");
      a.add("spark.master=\"" + master + "\"");
    }
    a.addAll(Arrays.asList(extra));
    a.add("--out");
    a.add(out.toString());
    return a;
  }

  /**
   * Trains with {@link #SETTINGS} in {@code local[2]} once per JVM and returns the output
   * directory: the run every other run must match bit for bit.
   */
  public static synchronized Path referenceRun() throws InterruptedException {
    if (reference == null) {
      Path dir = freshDir("reference");
      Path out = dir.resolve("out");
      try (ChildProcess p =
          ChildProcess.start(
              "reference training (local[2])",
              mainCommand(dir, List.of(), trainArgs("local[2]", out)),
              env(dir),
              projectDir(),
              dir.resolve("driver.log"))) {
        int code = p.waitFor(Duration.ofMinutes(3));
        assertEquals(0, code, () -> "reference run failed:\n" + p.tail(60));
        referenceSeconds = p.seconds();
      }
      reference = out;
      System.out.printf(Locale.ROOT, "reference run (local[2]) took %.1f s%n", referenceSeconds);
    }
    return reference;
  }

  /** The bytes of a run's model/weights.safetensors. */
  public static byte[] weightBytes(Path out) {
    try {
      return Files.readAllBytes(out.resolve("model").resolve("weights.safetensors"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that two runs saved the same weights, byte for byte; when they differ, the message says
   * in how many parameters and by how much.
   */
  public static void assertSameWeights(Path expectedOut, Path actualOut, String what) {
    byte[] a = weightBytes(expectedOut);
    byte[] b = weightBytes(actualOut);
    if (Arrays.equals(a, b)) {
      return;
    }
    StringBuilder sb = new StringBuilder(what + ": the weights differ from " + expectedOut);
    try {
      SafetensorsContents ca = Safetensors.read(a, expectedOut.toString());
      SafetensorsContents cb = Safetensors.read(b, actualOut.toString());
      for (String name : ca.names()) {
        float[] x = ca.floats(name);
        float[] y = cb.names().contains(name) ? cb.floats(name) : new float[0];
        if (x.length != y.length) {
          sb.append("; tensor ")
              .append(name)
              .append(" has ")
              .append(y.length)
              .append(" values, expected ")
              .append(x.length);
          continue;
        }
        int diff = 0;
        double max = 0;
        for (int i = 0; i < x.length; i++) {
          if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
            diff++;
            max = Math.max(max, Math.abs((double) x[i] - y[i]));
          }
        }
        if (diff > 0) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "; %s: %d of %d values differ (max |diff| %.3g)",
                  name,
                  diff,
                  x.length,
                  max));
        }
      }
    } catch (IOException | RuntimeException e) {
      sb.append("; could not compare tensors: ").append(e.getMessage());
    }
    throw new AssertionError(sb.toString());
  }
}
