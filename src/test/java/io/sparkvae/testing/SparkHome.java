// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark installation made from the jars Maven resolved, with no Spark download: a directory
 * {@code target/it/spark-home} whose {@code jars/} holds symbolic links to the Spark runtime jars
 * listed in {@code target/spark-classpath.txt} (written by the pom's dependency plugin).
 *
 * <p>That is all Spark's multi-JVM modes need to start executors ({@code local-cluster[...]},
 * standalone Workers): they build the executor's classpath from {@code $SPARK_HOME/jars}, and with
 * {@code SPARK_SCALA_VERSION} set they do not look for a source build.
 */
public final class SparkHome {
  private static Path home;

  private SparkHome() {}

  /** {@code target/}, found from the Spark classpath file. */
  public static Path target() {
    return classpathFile().toAbsolutePath().getParent();
  }

  /** target/spark-classpath.txt (system property sparkvae.sparkClasspath under failsafe). */
  public static Path classpathFile() {
    Path p = Path.of(System.getProperty("sparkvae.sparkClasspath", "target/spark-classpath.txt"));
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          p
              + " is missing: run `mvn verify` (the dependency plugin "
              + "writes it at generate-test-resources)");
    }
    return p;
  }

  /** The Spark runtime classpath, as written by Maven. */
  public static String classpath() {
    try {
      return Files.readString(classpathFile(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Builds target/it/spark-home once per JVM (replacing any older one) and returns it. Not
   * target/spark-home, which the one-machine cluster recipe of src/site/markdown/cluster.md uses.
   */
  public static synchronized Path ensure() {
    if (home != null) {
      return home;
    }
    Path dir = target().resolve("it").resolve("spark-home");
    Path jars = dir.resolve("jars");
    try {
      deleteTree(dir);
      Files.createDirectories(jars);
      List<String> missing = new ArrayList<>();
      for (String entry : classpath().split(File.pathSeparator)) {
        Path jar = Path.of(entry);
        if (!Files.isRegularFile(jar)) {
          missing.add(entry);
          continue;
        }
        Path link = jars.resolve(jar.getFileName());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("jars in " + classpathFile() + " are missing: " + missing);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not build " + dir, e);
    }
    home = dir;
    return home;
  }

  /**
   * The environment every Spark process of a test needs: SPARK_HOME, SPARK_SCALA_VERSION=2.13 (else
   * Spark's launcher looks for a source build: "Cannot find any build directories") and
   * SPARK_LOCAL_IP=127.0.0.1 (else Spark binds to the external interface).
   */
  public static Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", ensure().toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return env;
  }

  /**
   * The JVM flags Spark's launcher gives every JVM it starts (Java 17 module openings and the
   * Vector API), from Spark's own list; a JVM a test starts by hand needs them too.
   */
  public static List<String> jvmFlags() {
    return Arrays.asList(JavaModuleOptions.defaultModuleOptionArray());
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
