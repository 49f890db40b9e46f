// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.linreg.spark.LinearRegressionFits;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code linreg} end to end, as a user runs it (in this JVM, on the shared session). */
class LinregCommandTest extends SparkTestBase {

  @Test
  void fitsTheSampleFourWaysAndWritesLinregJson(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    CommandRun r =
        CommandRun.run(
            "linreg",
            "--config",
            "conf/linreg-sample.conf",
            "--set",
            "linreg.epochs=60",
            "--out",
            out.toString());
    String console = r.out;
    assertEquals(Main.EXIT_OK, r.code, console + r.err);
    assertTrue(
        console.contains("max rel diff vs exact")
            && console.contains("within tolerance")
            && console.contains("Coefficients:")
            && console.contains("mllib_lbfgs"),
        console);

    JsonNode j = Json.read(Files.readString(out.resolve("linreg.json")), "linreg.json");
    for (String m : LinearRegressionFits.METHODS) {
      JsonNode fit = j.path(m);
      for (String key :
          List.of(
              "weights",
              "intercept",
              "mse",
              "sigma2_mle",
              "mean_loglik",
              "r2",
              "seconds",
              "max_rel_diff_vs_exact")) {
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
    assertEquals(
        60,
        j.path("config").path("linreg").path("epochs").asInt(),
        "the effective configuration is recorded");

    // A second run into the same directory is refused without --overwrite.
    CommandRun again =
        CommandRun.run("linreg", "--config", "conf/linreg-sample.conf", "--out", out.toString());
    assertEquals(Main.EXIT_USAGE, again.code);
    assertTrue(again.err.contains("already holds a run (linreg.json)"), again.err);
  }

  @Test
  void badInputIsAUsageErrorWithItsMessage(@TempDir Path dir) {
    CommandRun r =
        CommandRun.run(
            "linreg",
            "--config",
            "conf/linreg-sample.conf",
            "--set",
            "data.label=z",
            "--out",
            dir.resolve("bad").toString());
    assertEquals(Main.EXIT_USAGE, r.code);
    String err = r.err;
    assertTrue(
        err.contains(
            "error: data.train: "
                + Samples.LINREG_ONE_FEATURE
                + ": no label "
                + "column 'z'; the columns are x (double), y (double)"),
        err);
    assertFalse(err.contains("\tat "), "no stack trace: " + err);
    assertFalse(Files.exists(dir.resolve("bad").resolve("linreg.json")));
  }

  @Test
  void aBinaryFileReadAsCsvIsNamedInPrintableCharacters(@TempDir Path dir) {
    CommandRun r =
        CommandRun.run(
            "linreg",
            "--config",
            "conf/linreg-sample.conf",
            "--set",
            "data.train=" + Samples.TRAIN_IMAGES,
            "--set",
            "data.format=csv",
            "--out",
            dir.resolve("bin").toString());
    assertEquals(Main.EXIT_USAGE, r.code);
    String err = r.err;
    assertTrue(err.startsWith("error: "), err);
    assertTrue(
        err.chars().noneMatch(c -> (Character.isISOControl(c) && c != '\n') || c == 0xFFFD), err);
    assertTrue(err.contains("\\x") || err.contains("\\u"), err);
    assertTrue(err.contains("…"), err);
  }
}
