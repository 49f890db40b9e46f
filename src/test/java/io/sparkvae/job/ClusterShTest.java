// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkSubmitGrammar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/cluster.sh's help and option parsing, through its --dry-run (which neither builds nor runs
 * anything), so no jar and no cluster are needed. ClusterShIT covers real runs.
 */
class ClusterShTest {
  @TempDir static Path sparkHome;

  @BeforeAll
  static void fakeSparkSubmit() throws IOException {
    Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
    Files.writeString(submit, "#!/bin/sh\nexit 99\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs submit/cluster.sh; returns the exit code and stdout + stderr. */
  private static Map.Entry<Integer, String> run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "submit/cluster.sh"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("OPENBLAS_CORETYPE", "Haswell"); // no CPU-detection note in the output
    pb.environment().remove("SPARK_MASTER");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cluster.sh did not finish");
    return Map.entry(p.exitValue(), out);
  }

  /** The dry run's command line (bash printf %q words), as a list of arguments. */
  private static List<String> dryRun(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--dry-run"));
    all.addAll(List.of(args));
    Map.Entry<Integer, String> r = run(all.toArray(String[]::new));
    assertEquals(0, r.getKey(), r.getValue());
    String line = r.getValue().strip();
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
      } else if (c == ' ') {
        words.add(w.toString());
        w.setLength(0);
      } else {
        w.append(c);
      }
    }
    words.add(w.toString());
    return words;
  }

  /** What reaches the job: the arguments after the application jar. */
  private static List<String> jobArgs(List<String> submitted) {
    int cls = submitted.indexOf("io.sparkvae.job.Main");
    assertTrue(cls > 0 && submitted.get(cls - 1).equals("--class"), submitted.toString());
    return submitted.subList(cls + 2, submitted.size());
  }

  @Test
  void helpPrintsTheWholeHeaderCommentAndNothingElse() throws Exception {
    Map.Entry<Integer, String> r = run("--help");
    assertEquals(0, r.getKey(), r.getValue());
    List<String> header = new ArrayList<>();
    List<String> script = Files.readAllLines(Path.of("submit/cluster.sh"), StandardCharsets.UTF_8);
    for (String l : script.subList(1, script.size())) { // after the #! line
      if (!l.startsWith("#")) {
        break;
      }
      header.add(l.replaceFirst("^# ?", ""));
    }
    assertEquals(String.join("\n", header) + "\n", r.getValue());
    assertTrue(r.getValue().startsWith("Submits a spark-vae command"), r.getValue());
    assertTrue(r.getValue().contains("--dry-run"), r.getValue());
  }

  @Test
  void verboseBeforeTheCommandIsASwitchSoTrainStaysTheCommand() throws Exception {
    List<String> a = dryRun("--verbose", "train", "--config", "my conf.conf");
    assertEquals(List.of("train", "--config", "my conf.conf"), jobArgs(a));
    assertTrue(a.indexOf("--verbose") < a.indexOf("--class"), a.toString());
    assertEquals(sparkHome.resolve("bin/spark-submit").toString(), a.get(0));
  }

  @Test
  void everySwitchAndValueOptionOfSparkSubmitKeepsTheCommand() throws Exception {
    for (String s : SparkSubmitGrammar.switches()) {
      if (s.equals("--help") || s.equals("-h")) {
        continue; // the script's own help
      }
      assertEquals(List.of("doctor"), jobArgs(dryRun(s, "doctor")), s);
    }
    for (String o : SparkSubmitGrammar.valueOptions()) {
      if (o.equals("--class") || o.equals("--properties-file")) {
        continue; // the script sets these itself and refuses them
      }
      List<String> a = dryRun(o, "x", "doctor");
      assertEquals(List.of("doctor"), jobArgs(a), o);
      assertEquals("x", a.get(a.indexOf(o) + 1), o);
      if (o.startsWith("--")) {
        assertEquals(List.of("doctor"), jobArgs(dryRun(o + "=x=y", "doctor")), o);
      }
    }
  }

  @Test
  void anUnknownOptionIsAnErrorNamingIt() throws Exception {
    Map.Entry<Integer, String> r = run("--dry-run", "--verbos", "train");
    assertEquals(2, r.getKey(), r.getValue());
    assertTrue(r.getValue().contains("unknown option --verbos"), r.getValue());
    Map.Entry<Integer, String> job = run("--dry-run", "--config", "a.conf", "train");
    assertEquals(2, job.getKey(), job.getValue());
    assertTrue(job.getValue().contains("unknown option --config"), job.getValue());
    assertTrue(job.getValue().contains("go after COMMAND"), job.getValue());
    Map.Entry<Integer, String> valued = run("--dry-run", "--verbose=yes", "train");
    assertEquals(2, valued.getKey(), valued.getValue());
    assertTrue(valued.getValue().contains("--verbose takes no value"), valued.getValue());
  }

  @Test
  void versionKillAndStatusNeedNoCommand() throws Exception {
    List<String> a = dryRun("--version");
    assertTrue(a.contains("--version"), a.toString());
    assertFalse(a.contains("--class"), a.toString());
    List<String> k = dryRun("--master", "spark://head:7077", "--kill", "driver-1");
    assertEquals("driver-1", k.get(k.indexOf("--kill") + 1), k.toString());
    assertFalse(k.contains("--class"), k.toString());
  }
}
