// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU as the benchmarks name it: a generic model name is told apart by its numbers. */
class CpuModelTest {

  @Test
  void theFirstProcessorsNameFamilyAndModelAreReported() {
    List<String> cpuinfo =
        List.of(
            "processor\t: 0",
            "vendor_id\t: GenuineIntel",
            "cpu family\t: 6",
            "model\t\t: 167",
            "model name\t: Intel(R) Xeon(R) Processor",
            "stepping\t: 1",
            "",
            "processor\t: 1",
            "cpu family\t: 7",
            "model\t\t: 1",
            "model name\t: another");
    assertEquals("Intel(R) Xeon(R) Processor (family 6 model 167)", BlasInfo.cpuModel(cpuinfo));
  }

  @Test
  void withoutNumbersTheNameAloneAndWithoutANameUnknown() {
    assertEquals("Some CPU", BlasInfo.cpuModel(List.of("model name : Some CPU")));
    assertEquals("unknown", BlasInfo.cpuModel(List.of("processor : 0", "cpu family : 6")));
  }
}
