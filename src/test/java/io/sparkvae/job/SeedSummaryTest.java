// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedSummaryTest {
  private static Map<String, Object> run(long seed, double test, Object[] byEpoch, Integer hit) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("model", "m");
    r.put("partitions", 2);
    r.put("sync_every", 0);
    r.put("epochs", 2);
    r.put("seed", seed);
    r.put("samples_per_sec", 1000.0 * seed);
    r.put("test_neg_elbo", test);
    r.put("test_neg_elbo_by_epoch", byEpoch);
    r.put("epochs_to_target", hit);
    r.put("target", 240.0);
    return r;
  }

  @Test
  void summarizesTheSeedsWithMeanSampleSdMinAndMax() {
    List<Map<String, Object>> runs =
        List.of(
            run(42, 240.44, new Object[] {250.0, 240.5}, null),
            run(1, 239.884, new Object[] {251.0, 239.9}, 2),
            run(2, 239.655, new Object[] {249.0, 239.6}, 2));
    Map<String, Object> s = SeedSummary.of(runs);
    assertArrayEquals(new Object[] {42L, 1L, 2L}, (Object[]) s.get("seeds"));
    @SuppressWarnings("unchecked")
    Map<String, Object> t = (Map<String, Object>) s.get("test_neg_elbo");
    // Python: statistics.mean and .stdev of [240.44, 239.884, 239.655] = 239.993, 0.40369
    assertEquals(239.993, (Double) t.get("mean"), 1e-9);
    assertEquals(0.404, (Double) t.get("sd"), 1e-9);
    assertEquals(239.655, (Double) t.get("min"), 0);
    assertEquals(240.44, (Double) t.get("max"), 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> last = (Map<String, Object>) s.get("last_epoch_test_neg_elbo");
    assertEquals(240.0, (Double) last.get("mean"), 1e-9);
    assertArrayEquals(new Object[] {null, 2, 2}, (Object[]) s.get("epochs_to_target"));
    assertFalse(s.containsKey("test_iwae_nll"), "no IWAE figure when the runs have none");
  }

  @Test
  void oneValueHasZeroSpreadAndNoRunsIsAnError() {
    assertEquals(0.0, (Double) SeedSummary.stats(List.of(3.0)).get("sd"), 0);
    assertThrows(IllegalArgumentException.class, () -> SeedSummary.of(List.of()));
  }
}
