// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster on this machine, from the Maven-resolved jars ({@link SparkHome}): a
 * Master and N Workers, each a child JVM, all bound to 127.0.0.1 on ports the OS picks.
 *
 * <p>{@link #close()} stops the Workers (SIGTERM; a Worker kills its executors as it exits), then
 * the Master, by PID, then SIGKILLs anything left, executors included. The REST submission server
 * the Master starts by default on port 6066 is switched off: it would accept unauthenticated
 * submissions, and a fixed port collides with a second cluster.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at " + "(spark://127\\.0\\.0\\.1:\\d+)");
  private static final Pattern UI_PORT = Pattern.compile("'MasterUI' on port (\\d+)");

  /** The class of the executor JVMs a Worker starts. */
  public static final String EXECUTOR_CLASS =
      "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  private final Path dir;
  private final Map<String, String> env;
  private final Path properties;
  private ChildProcess master;
  private final List<ChildProcess> workers = new ArrayList<>();
  private final List<ProcessHandle> executorsSeen = new ArrayList<>();
  private String masterUrl;
  private String webUi;

  private StandaloneCluster(Path dir, Map<String, String> env, Path properties) {
    this.dir = dir;
    this.env = env;
    this.properties = properties;
  }

  /**
   * Starts a Master and {@code workers} Workers with {@code cores} cores and {@code memory} (e.g.
   * "1g") each, and waits until the Master lists every Worker as ALIVE.
   *
   * @param env extra environment for every JVM (executors inherit the Workers' environment)
   * @param properties a Spark properties file for the Master and the Workers (e.g. the
   *     authentication settings), or null
   */
  public static StandaloneCluster start(
      Path dir, int workers, int cores, String memory, Map<String, String> env, Path properties)
      throws InterruptedException {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(SparkHome.env());
    StandaloneCluster c = new StandaloneCluster(dir, all, properties);
    try {
      c.startMaster();
      for (int i = 1; i <= workers; i++) {
        c.startWorker(i, cores, memory);
      }
      c.awaitWorkers(workers, Duration.ofSeconds(90));
      return c;
    } catch (InterruptedException | RuntimeException | Error e) {
      c.close();
      throw e;
    }
  }

  private List<String> daemon(String heap, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.java());
    cmd.add("-Xmx" + heap);
    cmd.addAll(SparkHome.jvmFlags());
    cmd.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    cmd.add("-Dspark.master.rest.enabled=false");
    cmd.add("-cp");
    cmd.add(SparkHome.ensure().resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(args);
    if (properties != null) {
      cmd.add("--properties-file");
      cmd.add(properties.toString());
    }
    return cmd;
  }

  private void startMaster() throws InterruptedException {
    try {
      Files.createDirectories(dir.resolve("tmp"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    master =
        ChildProcess.start(
            "spark master",
            daemon(
                "512m",
                "org.apache.spark.deploy.master.Master",
                List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0")),
            env,
            dir,
            dir.resolve("master.log"));
    Matcher url =
        MASTER_URL.matcher(
            master.awaitLine(l -> MASTER_URL.matcher(l).find(), Duration.ofSeconds(60)));
    url.find();
    masterUrl = url.group(1);
    Matcher ui =
        UI_PORT.matcher(master.awaitLine(l -> UI_PORT.matcher(l).find(), Duration.ofSeconds(60)));
    ui.find();
    webUi = "http://127.0.0.1:" + ui.group(1);
    master.awaitLine(l -> l.contains("New state: ALIVE"), Duration.ofSeconds(60));
  }

  private void startWorker(int i, int cores, String memory) {
    Path work = dir.resolve("worker-" + i);
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    workers.add(
        ChildProcess.start(
            "spark worker " + i,
            daemon(
                "256m",
                "org.apache.spark.deploy.worker.Worker",
                List.of(
                    masterUrl,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--webui-port",
                    "0",
                    "--cores",
                    Integer.toString(cores),
                    "--memory",
                    memory,
                    "--work-dir",
                    work.toString())),
            env,
            dir,
            dir.resolve("worker-" + i + ".log")));
  }

  private void awaitWorkers(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (ChildProcess w : workers) {
        if (!w.isAlive()) {
          throw new AssertionError(w.name() + " exited:\n" + w.tail(40));
        }
      }
      try {
        JsonNode status = status();
        last = status.toString();
        if (status.path("aliveworkers").asInt() == n) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "the master did not list "
            + n
            + " alive workers within "
            + timeout.toSeconds()
            + " s: "
            + last);
  }

  /** The Master's status page as JSON ({@code <web UI>/json/}: workers, apps, cores). */
  public JsonNode status() throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(webUi + "/json/"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + webUi + "/json/ gave HTTP " + r.statusCode());
    }
    return new ObjectMapper().readTree(r.body());
  }

  public String masterUrl() {
    return masterUrl;
  }

  public String webUi() {
    return webUi;
  }

  public ChildProcess master() {
    return master;
  }

  public List<ChildProcess> workers() {
    return workers;
  }

  /** The executor JVMs that Worker {@code i} (0-based) runs now, found by PID. */
  public synchronized List<ProcessHandle> executorsOf(int i) {
    List<ProcessHandle> found =
        workers
            .get(i)
            .handle()
            .children()
            .filter(ProcessHandle::isAlive)
            .filter(h -> h.info().commandLine().orElse("").contains(EXECUTOR_CLASS))
            .collect(Collectors.toList());
    executorsSeen.addAll(found);
    return found;
  }

  /** Every executor JVM of every Worker, alive now. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> all = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      all.addAll(executorsOf(i));
    }
    return all;
  }

  /**
   * Stops every process of the cluster by PID: Workers first (their executors with them), then the
   * Master; SIGKILL for anything that does not go within 20 s.
   *
   * @throws IllegalStateException when a process survives SIGKILL
   */
  @Override
  public void close() {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      if (workers.get(i).isAlive()) {
        executorsOf(i);
      }
    }
    for (ChildProcess w : workers) {
      try {
        w.close();
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
      }
    }
    if (master != null) {
      try {
        master.close();
      } catch (RuntimeException e) {
        problems.add(e.getMessage());
      }
    }
    synchronized (this) {
      for (ProcessHandle h : executorsSeen) {
        if (h.isAlive()) {
          h.destroyForcibly();
          try {
            h.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception e) {
            problems.add("executor " + h.pid() + ": " + e);
          }
        }
        if (h.isAlive()) {
          problems.add("executor " + h.pid() + " still alive");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("stopping the cluster: " + problems);
    }
  }
}
