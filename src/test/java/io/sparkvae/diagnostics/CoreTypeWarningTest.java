// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The hint train logs when the environment pins OpenBLAS to narrower kernels than the CPU has. */
class CoreTypeWarningTest {
  @Test
  void haswellPinnedOnAnAvx512CpuIsNamedWithTheWiderKernels() {
    String w = BlasInfo.coreTypeWarning("Haswell", "SkylakeX");
    assertTrue(w.contains("OPENBLAS_CORETYPE=Haswell"), w);
    assertTrue(w.contains("SkylakeX"), w);
    assertTrue(w.contains("doctor"), w);
  }

  @Test
  void prescottPinnedOnAnAvx2CpuIsNamed() {
    assertTrue(BlasInfo.coreTypeWarning("Prescott", "Haswell").contains("Haswell"));
  }

  @Test
  void kernelsAsWideAsTheCpuOrNothingSetSayNothing() {
    assertNull(BlasInfo.coreTypeWarning("SkylakeX", "SkylakeX"));
    assertNull(BlasInfo.coreTypeWarning("cooperlake", "SkylakeX"));
    assertNull(BlasInfo.coreTypeWarning("Zen", "Haswell"));
    assertNull(BlasInfo.coreTypeWarning(null, "SkylakeX"));
    assertNull(BlasInfo.coreTypeWarning("", "SkylakeX"));
    assertNull(BlasInfo.coreTypeWarning("Haswell", null), "a CPU we cannot judge");
  }
}
