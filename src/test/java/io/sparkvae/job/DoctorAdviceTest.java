// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.diagnostics.BlasInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code doctor} advises from its measurements, without measuring anything. */
class DoctorAdviceTest {
  private static final String LIB = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so";
  // Figures from a Zen 5 machine whose environment set OPENBLAS_CORETYPE=Haswell (2026-12-02).
  private static final BlasInfo.Probe AUTO =
      new BlasInfo.Probe("JNIBLAS", "Cooperlake", 197.4, null);
  private static final BlasInfo.Probe SKYLAKEX =
      new BlasInfo.Probe("JNIBLAS", "SkylakeX", 199.7, null);

  private static List<String> aboutTheEnvironment(List<String> advice) {
    return advice.stream().filter(a -> a.contains("is set in your environment")).toList();
  }

  @Test
  void aCoreTypeSetInTheEnvironmentThatHalvesSgemmIsNamedWithTheFasterChoice() {
    List<String> advice =
        DoctorCommand.advise("OpenBLAS", LIB, "Haswell", "SkylakeX", 113.1, AUTO, SKYLAKEX, 28.4);
    List<String> named = aboutTheEnvironment(advice);
    assertEquals(1, named.size(), advice.toString());
    assertTrue(named.get(0).contains("OPENBLAS_CORETYPE=Haswell"), named.get(0));
    assertTrue(named.get(0).contains("export OPENBLAS_CORETYPE=SkylakeX"), named.get(0));
    assertTrue(named.get(0).contains("199.7"), named.get(0));
    assertTrue(
        advice.stream().noneMatch(a -> a.startsWith("Nothing to change")), advice.toString());
  }

  @Test
  void whenOpenBlasOwnChoiceIsFastestTheAdviceIsToUnsetTheVariable() {
    BlasInfo.Probe slowerForced = new BlasInfo.Probe("JNIBLAS", "SkylakeX", 150.0, null);
    List<String> named =
        aboutTheEnvironment(
            DoctorCommand.advise(
                "OpenBLAS", LIB, "Haswell", "SkylakeX", 113.1, AUTO, slowerForced, 28.4));
    assertEquals(1, named.size());
    assertTrue(named.get(0).contains("unset OPENBLAS_CORETYPE"), named.get(0));
    assertTrue(named.get(0).contains("Cooperlake"), named.get(0));
  }

  @Test
  void aCoreTypeSetInTheEnvironmentThatIsAsFastAsTheOthersIsLeftAlone() {
    List<String> advice =
        DoctorCommand.advise("OpenBLAS", LIB, "SkylakeX", "SkylakeX", 190.0, AUTO, SKYLAKEX, 28.4);
    assertEquals(List.of(), aboutTheEnvironment(advice));
  }

  @Test
  void probesThatFailedAreNotComparedAgainst() {
    BlasInfo.Probe failed = new BlasInfo.Probe(null, null, 0, "child JVM exited with 1");
    List<String> advice =
        DoctorCommand.advise("OpenBLAS", LIB, "Haswell", "SkylakeX", 113.1, failed, failed, 28.4);
    assertEquals(List.of(), aboutTheEnvironment(advice));
  }
}
