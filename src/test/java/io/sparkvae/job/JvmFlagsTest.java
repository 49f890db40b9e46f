// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * submit/jvm-flags.properties is the one list of the JVM flags Spark needs: these tests fail when
 * Maven, submit/common.sh or Spark itself drifts from it.
 */
class JvmFlagsTest {
  private static List<String> fileFlags() throws Exception {
    Properties p = new Properties();
    try (Reader r =
        Files.newBufferedReader(Path.of("submit/jvm-flags.properties"), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    List<String> flags = List.of(p.getProperty("spark.jvm.flags", "").trim().split("\\s+"));
    assertTrue(flags.size() > 10, flags.toString());
    return flags;
  }

  @Test
  void mavenStartsTheTestJvmWithEveryFlagOfTheFile() throws Exception {
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    List<String> missing = new ArrayList<>(fileFlags());
    missing.removeAll(jvm);
    assertEquals(List.of(), missing, "flags of submit/jvm-flags.properties not given to this JVM");
  }

  @Test
  void commonShReadsTheSameFlagsAsTheFile() throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -euo pipefail; source submit/common.sh; printf '%s\\n' \"${SPARK_VAE_JVM_FLAGS[@]}\"")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals(fileFlags(), List.of(out.strip().split("\n")));
  }

  @Test
  void theFileMatchesTheFlagsOfSparksLauncher() throws Exception {
    assertEquals(
        Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()),
        fileFlags(),
        "Spark's JavaModuleOptions changed: update submit/jvm-flags.properties");
  }

  @Test
  void localModeJvmsOfFourGibibytesOrMoreGetG1RegionsOf32Megabytes() throws Exception {
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -euo pipefail; source submit/common.sh; "
                    + "for m in 4g 2g 8G 4096m 4095m 768m 6291456k junk; do "
                    + "echo \"$m=$(spark_vae_mebibytes $m):$(spark_vae_gc_flags $m)\"; done")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    String big = "-XX:G1HeapRegionSize=32m";
    assertEquals(
        List.of(
            "4g=4096:" + big,
            "2g=2048:",
            "8G=8192:" + big,
            "4096m=4096:" + big,
            "4095m=4095:",
            "768m=768:",
            "6291456k=6144:" + big,
            "junk=0:"),
        List.of(out.strip().split("\n")));
  }
}
