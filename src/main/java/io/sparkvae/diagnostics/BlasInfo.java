// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import io.sparkvae.kernel.Kernel;
import io.sparkvae.kernel.Rng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which BLAS this JVM really uses, and how fast it is.
 *
 * <p>"Native loaded" does not mean fast: dev.ludovic.netlib reports {@code JNIBLAS} for Debian's
 * reference BLAS too, and OpenBLAS may pick a slow kernel on CPUs it does not recognise (Debian's
 * 0.3.21 runs the old "Prescott" kernels on some recent Intel VMs). So we read the library that is
 * actually mapped into the process, ask OpenBLAS for its core in a child JVM (it prints it when
 * {@code OPENBLAS_VERBOSE=2}), and time sgemm on the model's own shapes.
 */
public final class BlasInfo {
  private static final Pattern CORE = Pattern.compile("Core:\\s*(\\S+)");

  private BlasInfo() {}

  /** The implementation class netlib chose, e.g. {@code JNIBLAS} or {@code Java11BLAS}. */
  public static String implementation() {
    return Kernel.blas().getClass().getSimpleName();
  }

  public static boolean isNative() {
    return Kernel.blas() instanceof NativeBLAS;
  }

  /** The BLAS shared library mapped into this process (symlinks resolved), or null. */
  public static String mappedLibrary() {
    Kernel.blas().sdot(1, new float[1], 1, new float[1], 1); // make sure it is loaded
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8)) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        String path = line.substring(slash).trim();
        String file = path.substring(path.lastIndexOf('/') + 1);
        if ((file.startsWith("libblas")
                || file.startsWith("libopenblas")
                || file.startsWith("libmkl_rt"))
            && !file.contains("jni")) {
          try {
            return Path.of(path).toRealPath().toString();
          } catch (IOException e) {
            return path;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** A short label for a library path: OpenBLAS, reference BLAS, MKL, or the file name. */
  public static String libraryKind(String library) {
    if (library == null) {
      return "none";
    }
    String l = library.toLowerCase(Locale.ROOT);
    if (l.contains("openblas")) {
      return "OpenBLAS";
    }
    if (l.contains("mkl")) {
      return "MKL";
    }
    if (l.contains("blis")) {
      return "BLIS";
    }
    if (l.contains("atlas")) {
      return "ATLAS";
    }
    if (l.endsWith("/blas/libblas.so.3") || l.contains("libblas.so.3")) {
      return "reference BLAS (slow)";
    }
    return Path.of(library).getFileName().toString();
  }

  /**
   * CPU model name from /proc/cpuinfo with its family and model numbers, e.g. {@code Intel(R)
   * Xeon(R) Processor (family 6 model 167)}, or "unknown". Cloud guests often report a generic
   * name, and machines of one name differ in speed: the numbers tell them apart.
   */
  public static String cpuModel() {
    return cpuModel(cpuinfo());
  }

  /** {@link #cpuModel()} from the lines of a /proc/cpuinfo (its first processor's). */
  static String cpuModel(List<String> cpuinfo) {
    String name = null;
    String family = null;
    String model = null;
    for (String line : cpuinfo) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        if (line.isBlank() && name != null) {
          break; // the end of the first processor's block
        }
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (key.equals("model name") && name == null) {
        name = value;
      } else if (key.equals("cpu family") && family == null) {
        family = value;
      } else if (key.equals("model") && model == null) {
        model = value;
      }
    }
    if (name == null) {
      return "unknown";
    }
    return family == null || model == null
        ? name
        : name + " (family " + family + " model " + model + ")";
  }

  /** The vector-related CPU flags (sse4_2, avx, avx2, fma, avx512*, amx*). */
  public static Set<String> vectorFlags() {
    Set<String> out = new TreeSet<>();
    for (String line : cpuinfo()) {
      if (line.startsWith("flags")) {
        for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
          if (f.equals("sse4_2")
              || f.equals("avx")
              || f.equals("avx2")
              || f.equals("fma")
              || f.startsWith("avx512")
              || f.startsWith("amx")) {
            out.add(f);
          }
        }
        break;
      }
    }
    return out;
  }

  /**
   * The OpenBLAS core type that matches the CPU's flags: SkylakeX with AVX-512 (F, BW, VL, DQ),
   * Haswell with AVX2 and FMA, otherwise null (let OpenBLAS decide). The scripts in submit/ set the
   * same rule when the user has not set OPENBLAS_CORETYPE.
   */
  public static String recommendedCoreType(Set<String> flags) {
    if (flags.containsAll(List.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
      return "SkylakeX";
    }
    if (flags.containsAll(List.of("avx2", "fma"))) {
      return "Haswell";
    }
    return null;
  }

  /**
   * A warning when {@code OPENBLAS_CORETYPE} was set outside our scripts to a core without this
   * CPU's widest kernels (Haswell on an AVX-512 CPU halved sgemm on a Zen 5), else null. Only a
   * hint: {@code doctor} measures.
   */
  public static String coreTypeWarning() {
    return coreTypeWarning(userCoreType(), recommendedCoreType(vectorFlags()));
  }

  /** {@code OPENBLAS_CORETYPE} when the user set it, null when unset or set by submit/. */
  public static String userCoreType() {
    return System.getenv("SPARK_VAE_CORETYPE_FROM_FLAGS") != null
        ? null
        : System.getenv("OPENBLAS_CORETYPE");
  }

  static String coreTypeWarning(String set, String recommended) {
    if (set == null || set.isEmpty() || recommended == null) {
      return null;
    }
    List<String> asWide =
        "SkylakeX".equals(recommended)
            ? List.of("skylakex", "cooperlake", "sapphirerapids")
            : List.of("haswell", "zen", "skylakex", "cooperlake", "sapphirerapids");
    if (asWide.contains(set.toLowerCase(java.util.Locale.ROOT))) {
      return null;
    }
    return "OPENBLAS_CORETYPE="
        + set
        + " is set in the environment, but this CPU can run OpenBLAS's "
        + recommended
        + " kernels, which may be much faster; `submit/local.sh doctor` measures both";
  }

  private static List<String> cpuinfo() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** One line for logs: implementation, library, core type and thread settings. */
  public static String oneLine() {
    String lib = mappedLibrary();
    StringBuilder sb = new StringBuilder("BLAS ").append(implementation());
    if (isNative()) {
      sb.append(" -> ").append(libraryKind(lib)).append(" (").append(lib).append(")");
    }
    sb.append(", OPENBLAS_CORETYPE=").append(envOr("OPENBLAS_CORETYPE", "auto"));
    sb.append(", OPENBLAS_NUM_THREADS=").append(envOr("OPENBLAS_NUM_THREADS", "unset"));
    sb.append(", elementwise loops ").append(Kernel.elementwise());
    return sb.toString();
  }

  static String envOr(String key, String dflt) {
    String v = System.getenv(key);
    return v == null || v.isEmpty() ? dflt : v;
  }

  /**
   * Single-thread sgemm GFLOP/s for C[m×n] = A[m×k]·B[k×n], timed for about {@code seconds}. The
   * default shape 400×128×784 is the reference model's widest layer at batch 128.
   */
  public static double sgemmGflops(BLAS blas, int m, int n, int k, double seconds) {
    return sgemmSpeeds(blas, m, n, k, seconds)[0];
  }

  /**
   * {@link #sgemmGflops} by the wall clock and by this thread's CPU time (the second is robust when
   * other programs share the cores).
   */
  public static double[] sgemmSpeeds(BLAS blas, int m, int n, int k, double seconds) {
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    float[] c = new float[m * n];
    Rng rng = new Rng(1);
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rng.nextDouble() - 0.5f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rng.nextDouble() - 0.5f;
    }
    for (int i = 0; i < 20; i++) {
      blas.sgemm("T", "N", m, n, k, 1f, a, k, b, k, 0f, c, m);
    }
    long calls = 0;
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    long now;
    do {
      for (int i = 0; i < 10; i++) {
        blas.sgemm("T", "N", m, n, k, 1f, a, k, b, k, 0f, c, m);
      }
      calls += 10;
      now = System.nanoTime();
    } while (now < deadline);
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    double flops = 2.0 * m * n * k * calls;
    return new double[] {flops / (now - start), flops / cpu};
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** What a child JVM reports for a given environment: implementation, OpenBLAS core, GFLOP/s. */
  public record Probe(String implementation, String core, double gflops, String error) {}

  /**
   * Starts a child JVM with this JVM's classpath and {@code extraEnv}, in which OpenBLAS prints the
   * core it picked; returns what it found. Used by {@code doctor} to compare core types.
   */
  public static Probe probeChild(Map<String, String> extraEnv, double seconds) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ProbeMain.class.getName());
    cmd.add(Double.toString(seconds));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("OPENBLAS_VERBOSE", "2");
    env.putIfAbsent("OPENBLAS_NUM_THREADS", "1");
    env.putAll(extraEnv);
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return new Probe(null, null, Double.NaN, "probe JVM failed: " + err.trim());
      }
      Matcher m = CORE.matcher(err);
      String core = m.find() ? m.group(1) : null;
      String[] parts = out.trim().split("\\s+");
      return new Probe(parts[0], core, Double.parseDouble(parts[1]), null);
    } catch (IOException | RuntimeException e) {
      return new Probe(null, null, Double.NaN, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(null, null, Double.NaN, "interrupted");
    }
  }

  /** Summary used by {@code doctor} and the benchmarks' JSON. */
  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("implementation", implementation());
    m.put("native", isNative());
    String lib = mappedLibrary();
    m.put("library", lib);
    m.put("library_kind", isNative() ? libraryKind(lib) : "java");
    m.put("openblas_coretype_env", envOr("OPENBLAS_CORETYPE", null));
    m.put("openblas_num_threads_env", envOr("OPENBLAS_NUM_THREADS", null));
    m.put("elementwise", Kernel.elementwise());
    return m;
  }

  /** Entry point of the child JVM: prints "implementation gflops"; OpenBLAS prints its core. */
  public static final class ProbeMain {
    private ProbeMain() {}

    public static void main(String[] args) {
      double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
      java.util.logging.Logger.getLogger("dev.ludovic.netlib")
          .setLevel(java.util.logging.Level.OFF);
      double g = sgemmGflops(Kernel.blas(), 400, 128, 784, seconds);
      System.out.println(implementation() + " " + g);
    }
  }
}
