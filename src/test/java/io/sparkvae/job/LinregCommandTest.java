package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.linreg.spark.LinearRegressionFits;
import io.sparkvae.io.Json;
import io.sparkvae.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code linreg} end to end, as a user runs it (in this JVM, on the shared session). */
class LinregCommandTest extends SparkTestBase {

  /** Runs Main with stdout and stderr captured: [exit code, stdout, stderr]. */
  private static Object[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Object[] {code, o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void fitsTheSampleFourWaysAndWritesLinregJson(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Object[] r = run("linreg", "--config", "conf/linreg-sample.conf", "--set",
        "linreg.epochs=60", "--out", out.toString());
    String console = (String) r[1];
    assertEquals(Main.EXIT_OK, r[0], console + r[2]);
    assertTrue(console.contains("max rel diff vs exact") && console.contains("within tolerance")
        && console.contains("Coefficients:") && console.contains("mllib_lbfgs"), console);

    JsonNode j = Json.read(Files.readString(out.resolve("linreg.json")), "linreg.json");
    for (String m : LinearRegressionFits.METHODS) {
      JsonNode fit = j.path(m);
      for (String key : List.of("weights", "intercept", "mse", "sigma2_mle", "mean_loglik", "r2",
          "seconds", "max_rel_diff_vs_exact")) {
        assertTrue(fit.has(key), m + " lacks " + key + ": " + fit);
      }
      assertEquals(1, fit.path("weights").size());
      assertEquals(j.path("exact").path("mse").asDouble(), fit.path("mse").asDouble(), 1e-9);
      if (!m.equals(LinearRegressionFits.EXACT)) {
        assertTrue(fit.path("within_tolerance").asBoolean(), m + ": " + fit);
      }
    }
    assertEquals(4000, j.path("data").path("n").asLong());
    assertEquals("x", j.path("data").path("features").get(0).asText());
    assertEquals(2, j.path("exact").path("summary").path("coefficients").size());
    assertTrue(j.path("engine").path("tolerance").asDouble() < 1e-4);
    assertEquals(60, j.path("engine").path("iterations").asLong());
    assertEquals(60, j.path("config").path("linreg").path("epochs").asInt(),
        "the effective configuration is recorded");

    // A second run into the same directory is refused without --overwrite.
    Object[] again = run("linreg", "--config", "conf/linreg-sample.conf", "--out",
        out.toString());
    assertEquals(Main.EXIT_USAGE, again[0]);
    assertTrue(((String) again[2]).contains("already holds a run (linreg.json)"),
        (String) again[2]);
  }

  @Test
  void badInputIsAUsageErrorWithItsMessage(@TempDir Path dir) {
    Object[] r = run("linreg", "--config", "conf/linreg-sample.conf", "--set", "data.label=z",
        "--out", dir.resolve("bad").toString());
    assertEquals(Main.EXIT_USAGE, r[0]);
    String err = (String) r[2];
    assertTrue(err.contains("error: data.train: data-samples/linreg-one-feature.csv: no label "
        + "column 'z'; the columns are x (double), y (double)"), err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
    assertFalse(Files.exists(dir.resolve("bad").resolve("linreg.json")));
  }
}
