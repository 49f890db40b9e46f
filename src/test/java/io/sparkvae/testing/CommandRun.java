// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.job.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One command line run through {@link Main#run}, with its exit code and captured output. */
public final class CommandRun {
  /** A tiny, fast model on the bundled sample: trains in a few seconds. */
  public static final List<String> TINY =
      List.of(
          "--set",
          "data.train=" + Samples.TRAIN_IMAGES,
          "--set",
          "data.test=" + Samples.TEST_IMAGES,
          "--set",
          "model.hidden=[32]",
          "--set",
          "model.latent=3",
          "--set",
          "train.epochs=1",
          "--set",
          "train.batch-size=100",
          "--set",
          "train.sync-every=2",
          "--set",
          "train.partitions=2",
          "--set",
          "eval.iwae-k=10",
          "--set",
          "eval.iwae-rows=100",
          "--set",
          "eval.pca-baseline=false",
          "--set",
          "eval.images=8",
          "--set",
          "eval.samples=8");

  public final int code;
  public final String out;
  public final String err;

  private CommandRun(int code, String out, String err) {
    this.code = code;
    this.out = out;
    this.err = err;
  }

  public static CommandRun run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.out.flush();
      System.err.flush();
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    CommandRun r =
        new CommandRun(
            code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    oldOut.println("$ " + String.join(" ", args) + "\n" + r.out + r.err + "exit " + code);
    return r;
  }

  /** {@code command}, then the tiny model's settings, then {@code more}. */
  public static CommandRun tiny(String command, String... more) {
    List<String> a = new ArrayList<>();
    a.add(command);
    a.addAll(TINY);
    a.addAll(Arrays.asList(more));
    return run(a.toArray(new String[0]));
  }

  @Override
  public String toString() {
    return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }

  /**
   * Exit code and standard error of a command run through {@link Main#run(PrintWriter, String...)}.
   */
  public record Errors(int code, String err) {}

  /** {@code train}, then {@code settings}, then {@code args}; standard error captured. */
  public static Errors train(List<String> settings, String... args) {
    List<String> all = new ArrayList<>(List.of("train"));
    all.addAll(settings);
    all.addAll(Arrays.asList(args));
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), all.toArray(new String[0]));
    return new Errors(code, err.toString());
  }

  /**
   * A usage error (exit 2): one "error: " message without a stack trace, naming each of {@code
   * expected}.
   */
  public static void assertUsageError(Errors r, String... expected) {
    assertEquals(Main.EXIT_USAGE, r.code(), "exit code; stderr: " + r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    for (String e : expected) {
      assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
    }
  }
}
