// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkvae.testing.ChildProcess;
import io.sparkvae.testing.SparkHome;
import io.sparkvae.testing.StandaloneCluster;
import io.sparkvae.testing.TrainRuns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real Spark standalone cluster on this machine (a Master and two Workers from the Maven-resolved
 * jars, bound to 127.0.0.1), the job submitted through submit/cluster.sh, which runs
 * org.apache.spark.deploy.SparkSubmit because the Maven-built SPARK_HOME has no bin/.
 *
 * <p>The cluster and the application run with Spark's authentication and AES encryption on. An
 * undisturbed run must match the local[2] reference bit for bit (with the Kryo serializer on, as
 * many clusters have it), and so must a run whose executor JVM is killed with SIGKILL in the middle
 * of training: the RNG is keyed by (seed, epoch, round, partition), never by the task attempt, and
 * the cached blocks are rebuilt deterministically.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
  private static Path dir;
  private static StandaloneCluster cluster;
  private static Path undisturbed;

  /**
   * Spark's own authentication and AES encryption of every connection, as
   * src/site/markdown/cluster.md (Authentication and encryption) recommends: a random shared secret
   * in properties files only the owner can read (never on a command line, where `ps` would show
   * it). Not AES/GCM: in Spark 4.1.0 a Worker never registers with it (SPARK-56227).
   */
  static final String SECURITY =
      "spark.authenticate true\n"
          + "spark.network.crypto.enabled true\n"
          + "spark.network.crypto.authEngineVersion 2\n";

  private static Path privateFile(Path p, String text) throws IOException {
    Files.deleteIfExists(p);
    Files.createFile(
        p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    dir = TrainRuns.freshDir("standalone");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String secret = SECURITY + "spark.authenticate.secret " + HexFormat.of().formatHex(key) + "\n";
    Path daemons = privateFile(dir.resolve("cluster-security.conf"), secret);
    // The application's file: our recommended settings plus the same security settings.
    privateFile(
        dir.resolve("app-spark.conf"),
        Files.readString(TrainRuns.projectDir().resolve("conf/spark-defaults.conf"))
            + "\n"
            + secret);
    long t0 = System.nanoTime();
    cluster =
        StandaloneCluster.start(
            dir.resolve("cluster"), 2, 1, "1g", TrainRuns.env(dir.resolve("cluster")), daemons);
    assertTrue(
        cluster.master().output().contains("authentication enabled"),
        "the master requires authentication");
    System.out.printf(
        Locale.ROOT,
        "standalone cluster (master + 2 workers) up in %.1f s at %s%n",
        (System.nanoTime() - t0) / 1e9,
        cluster.masterUrl());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** submit/cluster.sh --master spark://127.0.0.1:PORT [--conf ...] train SETTINGS --out out. */
  private static ChildProcess submit(String name, Path out, String... conf) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bash",
                TrainRuns.projectDir().resolve("submit/cluster.sh").toString(),
                "--master",
                cluster.masterUrl(),
                "--conf",
                "spark.serializer=org.apache.spark.serializer.KryoSerializer"));
    cmd.addAll(List.of(conf));
    cmd.addAll(TrainRuns.trainArgs(null, out));
    Map<String, String> env = new LinkedHashMap<>(TrainRuns.env(dir));
    // The Maven-built SPARK_HOME has jars/ but no bin/: cluster.sh runs SparkSubmit itself.
    env.put("SPARK_HOME", SparkHome.ensure().toString());
    env.put("SPARK_MASTER", null);
    env.put("SPARK_VAE_SPARK_CONF", dir.resolve("app-spark.conf").toString());
    return ChildProcess.start(
        name, cmd, env, TrainRuns.projectDir(), dir.resolve(name.replace(' ', '-') + ".log"));
  }

  /** The undisturbed cluster run, trained once for both tests. */
  private static synchronized Path undisturbedRun() throws InterruptedException {
    if (undisturbed == null) {
      Path out = dir.resolve("undisturbed");
      try (ChildProcess p = submit("undisturbed run", out)) {
        p.awaitLine(l -> l.startsWith("epoch   1/"), RUN_TIMEOUT);
        // Both Workers run an executor for this application.
        assertEquals(1, cluster.executorsOf(0).size(), "executors on worker 1");
        assertEquals(1, cluster.executorsOf(1).size(), "executors on worker 2");
        int code = p.waitFor(RUN_TIMEOUT);
        assertEquals(0, code, () -> "cluster run failed:\n" + p.tail(60));
        System.out.printf(
            Locale.ROOT, "standalone run through submit/cluster.sh took %.1f s%n", p.seconds());
      }
      undisturbed = out;
    }
    return undisturbed;
  }

  @Test
  void trainsOnTwoWorkersThroughClusterSh() throws Exception {
    Path out = undisturbedRun();
    ObjectMapper json = new ObjectMapper();
    JsonNode meta = json.readTree(out.resolve("model/metadata.json").toFile());
    assertEquals(2, meta.path("training").path("partitions").asInt(), "partitions");
    assertEquals(2000, meta.path("training").path("rows").asLong(), "training rows");
    assertTrue(Files.isRegularFile(out.resolve("model/weights.safetensors")));

    JsonNode metrics = json.readTree(out.resolve("metrics.json").toFile());
    JsonNode epochs = metrics.path("epochs");
    assertEquals(TrainRuns.EPOCHS, epochs.size(), "epochs in metrics.json");
    for (JsonNode e : epochs) {
      for (String f :
          List.of(
              "epoch",
              "train_neg_elbo",
              "train_recon",
              "train_kl",
              "val_neg_elbo",
              "seconds",
              "samples_per_sec")) {
        assertTrue(e.has(f), "metrics.json epochs[] lacks " + f + ": " + e);
      }
    }
    double first = epochs.get(0).path("train_neg_elbo").asDouble();
    double last = epochs.get(epochs.size() - 1).path("train_neg_elbo").asDouble();
    assertTrue(last < first, "training lowered the -ELBO: " + first + " -> " + last);
    JsonNode test = metrics.path("test");
    assertEquals(500, test.path("n").asLong(), "test rows");
    assertTrue(
        Double.isFinite(test.path("neg_elbo").asDouble()) && test.path("neg_elbo").asDouble() > 0,
        "test -ELBO: " + test);

    // The application ran on the cluster, and has finished.
    JsonNode status = cluster.status();
    assertTrue(status.path("completedapps").size() >= 1, "completed apps: " + status);

    TrainRuns.assertSameWeights(TrainRuns.referenceRun(), out, "standalone cluster vs local[2]");
  }

  @Test
  void executorKilledMidTrainingGivesTheSameParameters() throws Exception {
    Path reference = undisturbedRun();
    Path out = dir.resolve("executor-killed");
    try (ChildProcess p = submit("executor killed run", out)) {
      p.awaitLine(l -> l.startsWith("epoch   1/"), RUN_TIMEOUT);
      List<ProcessHandle> victims = cluster.executorsOf(0);
      assertEquals(1, victims.size(), "executors on worker 1");
      ProcessHandle victim = victims.get(0);
      assertTrue(p.isAlive() && !p.output().contains("done in"), "still training at the kill");
      int linesBefore = p.lines().size();
      victim.destroyForcibly(); // SIGKILL, as kill -9 PID
      victim.onExit().get(30, TimeUnit.SECONDS);
      System.out.printf(
          Locale.ROOT,
          "killed executor PID %d of worker 1 at %s, %.1f s into " + "the run%n",
          victim.pid(),
          java.time.LocalTime.now(),
          p.seconds());

      int code = p.waitFor(RUN_TIMEOUT);
      assertEquals(0, code, () -> "the run did not survive the executor loss:\n" + p.tail(60));
      System.out.printf(Locale.ROOT, "run with a killed executor took %.1f s%n", p.seconds());
      List<String> after = p.lines().subList(linesBefore, p.lines().size());
      assertTrue(
          after.stream().anyMatch(l -> l.startsWith("epoch   " + TrainRuns.EPOCHS + "/")),
          "training went on after the kill");
      assertTrue(
          after.stream().anyMatch(l -> l.contains("Lost executor")),
          "the driver saw the executor go:\n" + String.join("\n", after));
      assertFalse(victim.isAlive());
    }
    String workerLog = Files.readString(cluster.workers().get(0).log());
    assertTrue(workerLog.contains("exitStatus 137"), "worker 1 saw its executor die of SIGKILL");
    TrainRuns.assertSameWeights(reference, out, "run with a killed executor vs undisturbed run");
    TrainRuns.assertSameWeights(
        TrainRuns.referenceRun(), out, "run with a killed executor vs local[2]");
  }
}
