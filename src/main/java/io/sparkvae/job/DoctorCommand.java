// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.Kernel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Tells the user which BLAS the job will use, how fast it is on the model's shapes, and exactly
 * what to change to make it faster.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Check the BLAS in use (library, OpenBLAS core, CPU features, measured sgemm "
            + "GFLOP/s) and print what to set to do better.")
public final class DoctorCommand implements Callable<Integer> {

  @Option(
      names = "--seconds",
      defaultValue = "1.0",
      description = "Seconds per sgemm measurement (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--json", description = "Print one JSON object instead of the report.")
  boolean json;

  @Override
  public Integer call() {
    Set<String> flags = BlasInfo.vectorFlags();
    String recommended = BlasInfo.recommendedCoreType(flags);
    String coreEnv = System.getenv("OPENBLAS_CORETYPE");
    boolean coreFromScript = System.getenv("SPARK_VAE_CORETYPE_FROM_FLAGS") != null;
    double here = BlasInfo.sgemmGflops(Kernel.blas(), 400, 128, 784, seconds);
    String lib = BlasInfo.mappedLibrary();
    String kind = BlasInfo.isNative() ? BlasInfo.libraryKind(lib) : "java";

    // The core OpenBLAS picks on its own, and the one we would set, each in a child JVM.
    BlasInfo.Probe auto = null;
    BlasInfo.Probe forced = null;
    if (BlasInfo.isNative() && "OpenBLAS".equals(kind)) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("OPENBLAS_CORETYPE", "");
      auto = BlasInfo.probeChild(env, seconds);
      if (recommended != null) {
        forced = BlasInfo.probeChild(Map.of("OPENBLAS_CORETYPE", recommended), seconds);
      }
    }
    double javaGflops =
        BlasInfo.sgemmGflops(
            dev.ludovic.netlib.blas.JavaBLAS.getInstance(), 400, 128, 784, Math.min(seconds, 0.5));

    List<String> advice =
        advise(kind, lib, BlasInfo.userCoreType(), recommended, here, auto, forced, javaGflops);

    Map<String, Object> out = new LinkedHashMap<>(BlasInfo.describe());
    out.put("cpu", BlasInfo.cpuModel());
    out.put("cpu_vector_flags", flags);
    out.put("available_processors", Runtime.getRuntime().availableProcessors());
    out.put("sgemm_shape", "400x128x784 (m x n x k), single thread");
    out.put("sgemm_gflops", round(here));
    out.put("java_blas_gflops", round(javaGflops));
    if (auto != null) {
      out.put("openblas_core_auto", auto.core());
      out.put("openblas_core_auto_gflops", round(auto.gflops()));
    }
    out.put("recommended_coretype", recommended);
    if (forced != null) {
      out.put("recommended_coretype_core", forced.core());
      out.put("recommended_coretype_gflops", round(forced.gflops()));
    }
    out.put("advice", advice);

    if (json) {
      System.out.println(Json.write(out));
      return Main.EXIT_OK;
    }
    System.out.println("spark-vae doctor");
    System.out.printf(
        "  BLAS implementation : %s (%s)%n",
        BlasInfo.implementation(),
        BlasInfo.isNative() ? "native, through JNI" : "pure Java fallback");
    System.out.printf(
        "  native library      : %s%n", lib == null ? "none loaded" : kind + " at " + lib);
    if (auto != null) {
      System.out.printf(
          "  OpenBLAS core       : %s when left to detect it (%.1f GFLOP/s)%n",
          auto.core(), auto.gflops());
      if (forced != null) {
        System.out.printf(
            "                        %s with OPENBLAS_CORETYPE=%s (%.1f GFLOP/s)%n",
            forced.core(), recommended, forced.gflops());
      }
    }
    System.out.printf(
        "  OPENBLAS_CORETYPE   : %s%n",
        coreEnv == null
            ? "(unset)"
            : coreEnv
                + (coreFromScript ? " (set by submit/ from the CPU flags)" : " (set by you)"));
    System.out.printf(
        "  OPENBLAS_NUM_THREADS: %s%n",
        System.getenv("OPENBLAS_NUM_THREADS") == null
            ? "(unset)"
            : System.getenv("OPENBLAS_NUM_THREADS"));
    System.out.printf(
        "  CPU                 : %s, %d processors%n",
        BlasInfo.cpuModel(), Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "  vector features     : %s%n", flags.isEmpty() ? "(none found)" : String.join(" ", flags));
    System.out.printf(
        "  sgemm 400x128x784   : %.1f GFLOP/s in this JVM, one thread" + " (pure Java %s: %.1f)%n",
        here,
        dev.ludovic.netlib.blas.JavaBLAS.getInstance().getClass().getSimpleName(),
        javaGflops);
    System.out.println("advice:");
    for (String a : advice) {
      System.out.println("  - " + a);
    }
    return Main.EXIT_OK;
  }

  static List<String> advise(
      String kind,
      String lib,
      String coreEnv,
      String recommended,
      double here,
      BlasInfo.Probe auto,
      BlasInfo.Probe forced,
      double javaGflops) {
    List<String> advice = new ArrayList<>();
    if ("java".equals(kind)) {
      advice.add(
          String.format(
              "No native BLAS is loaded: the job runs sgemm at %.1f GFLOP/s in Java. "
                  + "Install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread; RHEL: dnf "
                  + "install openblas) so libblas.so.3 points at it, or point netlib at a library with "
                  + "-Ddev.ludovic.netlib.blas.nativeLibPath=/path/to/libopenblas.so.0.",
              here));
      if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
        advice.add(
            "Without native BLAS, add --add-modules=jdk.incubator.vector to the JVM flags "
                + "(submit/ scripts do) to use netlib's VectorBLAS, 2-3x faster than plain Java.");
      }
      return advice;
    }
    if (kind.startsWith("reference BLAS")) {
      advice.add(
          "libblas.so.3 is the slow reference BLAS ("
              + lib
              + "). Install OpenBLAS "
              + "(apt-get install libopenblas0-pthread) or select it with update-alternatives "
              + "--config libblas.so.3-x86_64-linux-gnu.");
    }
    if (auto != null && forced != null && recommended != null) {
      double gain = forced.gflops() / auto.gflops();
      if (coreEnv == null || coreEnv.isEmpty()) {
        if (gain >= 1.15) {
          advice.add(
              String.format(
                  "OpenBLAS picks core %s on this CPU; export OPENBLAS_CORETYPE=%s "
                      + "runs sgemm %.1fx faster (%.1f vs %.1f GFLOP/s). submit/local.sh and "
                      + "submit/cluster.sh set it (executors through spark.executorEnv.OPENBLAS_CORETYPE).",
                  auto.core(), recommended, gain, forced.gflops(), auto.gflops()));
        } else {
          advice.add(
              String.format(
                  "OpenBLAS's own choice (%s, %.1f GFLOP/s) is as good as "
                      + "OPENBLAS_CORETYPE=%s (%.1f GFLOP/s): nothing to set.",
                  auto.core(), auto.gflops(), recommended, forced.gflops()));
        }
      }
    }
    if (coreEnv != null && !coreEnv.isEmpty()) {
      // A core set in the environment wins over submit/'s choice, so a slower one must be named.
      BlasInfo.Probe best = faster(auto, forced);
      if (best != null && best.gflops() >= 1.15 * here) {
        advice.add(
            String.format(
                "OPENBLAS_CORETYPE=%s is set in your environment and runs sgemm at %.1f GFLOP/s; "
                    + "this CPU runs it at %.1f GFLOP/s with core %s (%.1fx): %s. The submit/ "
                    + "scripts keep a value you set, so they did not choose this one.",
                coreEnv,
                here,
                best.gflops(),
                best.core(),
                best.gflops() / here,
                best == forced
                    ? "export OPENBLAS_CORETYPE=" + recommended
                    : "unset OPENBLAS_CORETYPE"));
      }
    }
    if (auto != null
        && auto.core() != null
        && auto.core().equalsIgnoreCase("Prescott")
        && recommended != null
        && (coreEnv == null || coreEnv.isEmpty())) {
      advice.add(
          "OpenBLAS fell back to its oldest x86-64 kernels (Prescott): it does not know this "
              + "CPU. Set OPENBLAS_CORETYPE="
              + recommended
              + ".");
    }
    String threads = System.getenv("OPENBLAS_NUM_THREADS");
    if (threads == null || !threads.equals("1")) {
      advice.add(
          "Set OPENBLAS_NUM_THREADS=1 for Spark jobs: every task is one thread, and "
              + "OpenBLAS's own threads would fight Spark's for the cores (submit/ scripts set it).");
    }
    if (here < 1.5 * javaGflops) {
      advice.add(
          String.format(
              "Native sgemm (%.1f GFLOP/s) is barely faster than pure Java "
                  + "(%.1f); check the library and core type above.",
              here, javaGflops));
    }
    if (advice.isEmpty()) {
      advice.add(
          "Nothing to change: native BLAS at "
              + String.format("%.1f", here)
              + " GFLOP/s on one thread.");
    }
    return advice;
  }

  /** The faster of two probes that ran, or null when neither did. */
  private static BlasInfo.Probe faster(BlasInfo.Probe a, BlasInfo.Probe b) {
    boolean aRan = a != null && a.error() == null && a.gflops() > 0;
    boolean bRan = b != null && b.error() == null && b.gflops() > 0;
    if (aRan && bRan) {
      return b.gflops() > a.gflops() ? b : a;
    }
    return aRan ? a : bRan ? b : null;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
