// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.ChildProcess;
import io.sparkvae.testing.TrainRuns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * submit/cluster.sh's command line, against a stand-in spark-submit that prints the arguments it
 * receives, one per line: which options reach spark-submit, in what order, and that the job's
 * arguments (paths with spaces or shell characters included) arrive exactly as given.
 */
class ClusterShIT {
  private static Path dir;
  private static Path fakeHome;

  @BeforeAll
  static void fakeSpark() throws Exception {
    TrainRuns.appJar(); // cluster.sh must find the packaged jar, not start a build
    dir = TrainRuns.freshDir("cluster-sh");
    fakeHome = dir.resolve("spark");
    Path bin = Files.createDirectories(fakeHome.resolve("bin"));
    Path submit = bin.resolve("spark-submit");
    Files.writeString(
        submit,
        "#!/usr/bin/env bash\nprintf 'ARG %s\\n' \"$@\"\n"
            + "echo \"ENV OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-}\"\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs cluster.sh with {@code env} on top of ours; returns [exit code, output]. */
  private static Object[] run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("bash", TrainRuns.projectDir().resolve("submit/cluster.sh").toString()));
    cmd.addAll(List.of(args));
    Map<String, String> e = new LinkedHashMap<>();
    e.put("SPARK_HOME", fakeHome.toString());
    e.put("SPARK_MASTER", null);
    e.put("OPENBLAS_CORETYPE", null);
    e.put("OPENBLAS_NUM_THREADS", null);
    e.putAll(env);
    try (ChildProcess p =
        ChildProcess.start("cluster.sh", cmd, e, TrainRuns.projectDir(), dir.resolve("run.log"))) {
      int code = p.waitFor(Duration.ofSeconds(60));
      return new Object[] {code, p.output()};
    }
  }

  private static List<String> submitted(String output) {
    List<String> a = new ArrayList<>();
    for (String l : output.split("\n")) {
      if (l.startsWith("ARG ")) {
        a.add(l.substring(4));
      }
    }
    return a;
  }

  @Test
  void passesTheDefaultsJarClassAndTheJobArgumentsUnchanged() throws Exception {
    String tricky = dir.resolve("my conf; $(touch pwned) `x` 'q'.conf").toString();
    Object[] r =
        run(
            Map.of("SPARK_MASTER", "spark://head:7077"),
            "--conf",
            "spark.executor.memory=2g",
            "--verbose",
            "train",
            "--config",
            tricky,
            "--set",
            "train.epochs=2",
            "--out",
            "out dir/run");
    assertEquals(0, r[0], (String) r[1]);
    List<String> a = submitted((String) r[1]);
    String jar = TrainRuns.appJar().toString();
    assertEquals(
        List.of(
            "--properties-file",
            TrainRuns.projectDir().resolve("conf/spark-defaults.conf").toString(),
            "--load-spark-defaults",
            "--conf",
            "spark.executor.memory=2g",
            "--verbose",
            "--master",
            "spark://head:7077",
            "--class",
            "io.sparkvae.job.Main",
            jar,
            "train",
            "--config",
            tricky,
            "--set",
            "train.epochs=2",
            "--out",
            "out dir/run"),
        a);
    assertFalse(Files.exists(TrainRuns.projectDir().resolve("pwned")), "nothing was executed");
    assertTrue(((String) r[1]).contains("ENV OPENBLAS_NUM_THREADS=1"), (String) r[1]);
    // A remote master: the core type detected here is not forced onto other machines.
    assertFalse(a.stream().anyMatch(s -> s.startsWith("spark.executorEnv.OPENBLAS_CORETYPE")));
  }

  @Test
  void masterOptionWinsOverTheEnvironment() throws Exception {
    Object[] r =
        run(Map.of("SPARK_MASTER", "spark://other:7077"), "--master=spark://head:7077", "doctor");
    assertEquals(0, r[0], (String) r[1]);
    List<String> a = submitted((String) r[1]);
    assertTrue(a.contains("--master=spark://head:7077"), a.toString());
    assertFalse(a.contains("spark://other:7077"), a.toString());
  }

  @Test
  void coreTypeGoesToExecutorsWhenChosenOrWhenTheyRunHere() throws Exception {
    Object[] chosen =
        run(Map.of("OPENBLAS_CORETYPE", "Haswell"), "--master", "spark://head:7077", "doctor");
    assertTrue(
        submitted((String) chosen[1]).contains("spark.executorEnv.OPENBLAS_CORETYPE=Haswell"),
        (String) chosen[1]);
    Object[] local = run(Map.of(), "--master", "spark://127.0.0.1:7077", "doctor");
    String detected =
        io.sparkvae.diagnostics.BlasInfo.recommendedCoreType(
            io.sparkvae.diagnostics.BlasInfo.vectorFlags());
    if (detected != null) {
      assertTrue(
          submitted((String) local[1]).contains("spark.executorEnv.OPENBLAS_CORETYPE=" + detected),
          (String) local[1]);
    }
  }

  @Test
  void refusesWhatItSetsItselfAndAMissingCommand() throws Exception {
    Object[] noCommand = run(Map.of(), "--master", "local[2]");
    assertEquals(2, noCommand[0]);
    assertTrue(((String) noCommand[1]).contains("no COMMAND"), (String) noCommand[1]);
    Object[] cls = run(Map.of(), "--class", "x.Y", "train");
    assertEquals(2, cls[0]);
    assertTrue(((String) cls[1]).contains("sets --class itself"), (String) cls[1]);
    Object[] dangling = run(Map.of(), "--master");
    assertEquals(2, dangling[0]);
    assertTrue(((String) dangling[1]).contains("needs a value"), (String) dangling[1]);
  }

  @Test
  void saysWhatToDoWithoutSpark() throws Exception {
    Object[] r = run(Map.of("SPARK_HOME", dir.resolve("no-spark").toString()), "doctor");
    assertEquals(1, r[0]);
    assertTrue(((String) r[1]).contains("no Spark found"), (String) r[1]);
  }
}
