// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A process started by a test, whose output (stdout and stderr merged) is kept in memory and in a
 * log file, and which is stopped by PID when closed, together with every process it started.
 *
 * <p>Nothing may outlive a test: {@link #close()} sends SIGTERM, waits, then sends SIGKILL to the
 * process and to any descendant still alive (a Spark Worker's executors, say). Use it in
 * try-with-resources or from an {@code @AfterEach}/{@code @AfterAll}. A JVM shutdown hook also
 * kills whatever is still registered, for the case where the test JVM itself is stopped.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (ChildProcess p : LIVE) {
                    p.killTree();
                  }
                },
                "kill-child-processes"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final Thread pump;
  private final long startNanos = System.nanoTime();

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.pump = new Thread(this::pump, "output of " + name);
    this.pump.setDaemon(true);
    this.pump.start();
  }

  /**
   * Starts {@code command} in {@code workDir}. The environment is this JVM's, with {@code env}
   * applied on top (a null value removes a variable). Output goes to {@code log} as well.
   */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    env.forEach(
        (k, v) -> {
          if (v == null) {
            e.remove(k);
          } else {
            e.put(k, v);
          }
        });
    try {
      Files.createDirectories(log.getParent());
      Process p = pb.start();
      ChildProcess c = new ChildProcess(name, p, log);
      LIVE.add(c);
      return c;
    } catch (IOException ex) {
      throw new UncheckedIOException("could not start " + name + ": " + command, ex);
    }
  }

  /** The java binary of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void pump() {
    try (BufferedReader r =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter w =
            new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = r.readLine()) != null) {
        w.println(line);
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process went away; what was read is kept.
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Seconds since the process was started. */
  public double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** A copy of the output lines read so far. */
  public List<String> lines() {
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  public String output() {
    return String.join("\n", lines());
  }

  /** The last {@code n} lines, for failure messages. */
  public String tail(int n) {
    List<String> l = lines();
    return String.join("\n", l.subList(Math.max(0, l.size() - n), l.size()));
  }

  /**
   * Waits until a line matching {@code p} has been printed and returns it.
   *
   * @throws AssertionError when the process ends or the time runs out first
   */
  public String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (p.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              name
                  + ": no expected line within "
                  + timeout.toSeconds()
                  + " s; last output:\n"
                  + tail(40));
        }
        if (!process.isAlive() && !pump.isAlive()) {
          throw new AssertionError(
              name
                  + " ended (exit "
                  + process.exitValue()
                  + ") before printing the expected line; last output:\n"
                  + tail(40));
        }
        lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
      }
    }
  }

  /** Waits for the process to end and for its output to be read; returns the exit code. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name + " did not end within " + timeout.toSeconds() + " s; last output:\n" + tail(40));
    }
    pump.join(10_000);
    return process.exitValue();
  }

  /** SIGKILL (kill -9) to this process only, as a crash would; waits until it is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The descendants alive now (e.g. the executors a Spark Worker started). */
  public List<ProcessHandle> descendants() {
    return process.descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
  }

  /**
   * Stops the process: SIGTERM, up to 20 s for a clean exit (a Worker takes its executors down),
   * then SIGKILL to it and to any descendant still alive. Verifies that all of them are gone.
   */
  @Override
  public void close() {
    List<ProcessHandle> family = new ArrayList<>(descendants());
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(20, TimeUnit.SECONDS);
        }
      }
      for (ProcessHandle d : family) {
        if (d.isAlive()) {
          d.destroyForcibly();
          d.onExit().get(20, TimeUnit.SECONDS);
        }
      }
      pump.join(5_000);
    } catch (InterruptedException e) {
      killTree();
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      killTree();
    } finally {
      LIVE.remove(this);
    }
    List<Long> alive = new ArrayList<>();
    if (process.isAlive()) {
      alive.add(process.pid());
    }
    family.stream().filter(ProcessHandle::isAlive).forEach(h -> alive.add(h.pid()));
    if (!alive.isEmpty()) {
      throw new IllegalStateException(name + ": processes still alive after SIGKILL: " + alive);
    }
  }

  private void killTree() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
