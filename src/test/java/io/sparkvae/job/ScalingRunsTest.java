// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.engine.OuterOptimizer;
import io.sparkvae.engine.ScaleOut;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.ml.VariationalAutoencoder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The arithmetic of bench-scaling: the shape of a run, the prediction, the reuse of a run. */
class ScalingRunsTest {
  private static final VaeArchitecture ARCH = ReferenceModels.MLP.architecture(28, 28, 1);
  private static final long PARAM_BYTES = 4L * new VaeObjective(ARCH).numParams();

  @Test
  void theValidationCallsAPredictionWithinTwentyPercentOnlyWhenItIs() {
    Map<String, Object> v = new LinkedHashMap<>();
    ScalingValidation.compare(v, "", 12.0, 10.0);
    ScalingValidation.compare(v, "_with_master_round", 12.5, 10.0);
    assertEquals(1.2, v.get("measured_over_predicted"));
    assertEquals(true, v.get("within_20_percent"), "12 s measured against 10 s predicted");
    assertEquals(1.25, v.get("measured_over_predicted_with_master_round"));
    assertEquals(false, v.get("within_20_percent_with_master_round"), "12.5 s against 10 s");
  }

  @Test
  void theDefaultsSplitTheGlobalBatchAndOnEightPartitionsShipParametersOnly() {
    ScalingRuns.Plan p =
        ScalingRuns.Plan.of(
            ScalingRuns.estimator(ReferenceModels.MLP, 42, List.of("minRowsPerStep=0")), 8, 60_000);
    assertEquals(469, p.stepsPerEpoch(), "⌈60,000 / 128⌉");
    assertEquals(256, p.syncEvery(), "auto on 8 partitions: 32 steps per partition");
    assertEquals(2, p.roundsPerEpoch());
    assertEquals(16, p.rowsPerStep(), "7,500 rows in 469 slices");
    assertEquals(PARAM_BYTES, p.broadcastBytes(ARCH), "auto state: reset on 4 to 16 partitions");
    assertEquals(ScaleOut.InnerState.RESET, p.innerState(), "what the round probe runs with");
    assertEquals(
        OuterOptimizer.Kind.DILOCO, p.outer(), "auto: DiLoCo on rounds of 64 steps or more");
    assertEquals(1, p.depth());
    ScalingRuns.Plan two =
        ScalingRuns.Plan.of(
            ScalingRuns.estimator(ReferenceModels.MLP, 42, List.of("minRowsPerStep=0")), 2, 60_000);
    assertEquals(3 * PARAM_BYTES, two.broadcastBytes(ARCH), "2 partitions: parameters, m and v");
    assertEquals(256, two.syncEvery(), "auto on 2 partitions: 256 since 2026-12-03");
    assertEquals(2, two.roundsPerEpoch(), "256 and 213 steps");
    assertEquals(ScaleOut.InnerState.AVERAGE, two.innerState());
  }

  @Test
  void theConvModelShipsItsOwnParametersAndBothMoments() {
    VaeArchitecture conv = ReferenceModels.CONV.architecture(28, 28, 1);
    ScalingRuns.Plan p =
        ScalingRuns.Plan.of(ScalingRuns.estimator(ReferenceModels.CONV, 42, List.of()), 2, 60_000);
    long bytes = 4L * new VaeObjective(conv).numParams();
    assertEquals(1_691_369, bytes / 4, "the reference conv model's size (performance.md)");
    assertEquals(3 * bytes, p.broadcastBytes(conv), "parameters, m and v");
    assertEquals(64, p.rowsPerStep(), "the global batch of 128 in two");
  }

  @Test
  void aMinimumOfRowsGrowsTheBatchAndTheSecondMomentOnlyShipsLess() {
    VariationalAutoencoder est =
        ScalingRuns.estimator(
            ReferenceModels.MLP,
            42,
            List.of("minRowsPerStep=32", "optimizerState=second-moment", "syncEvery=0"));
    ScalingRuns.Plan p = ScalingRuns.Plan.of(est, 32, 60_000);
    assertEquals(59, p.stepsPerEpoch(), "⌈60,000 / (32 × 32)⌉");
    assertEquals(59, p.syncEvery(), "auto: the whole epoch when it is under 128 steps");
    assertEquals(32, p.rowsPerStep(), "1,875 rows in 59 slices: 32 or 31");
    assertEquals(2 * PARAM_BYTES, p.broadcastBytes(ARCH), "parameters and v");
    assertEquals(2, p.depth(), "auto depth beyond 8 partitions");
  }

  @Test
  void speedUpsAndEfficienciesAreAgainstOnePartitionAtTheSameBandwidth() {
    List<Map<String, Object>> lines = new ArrayList<>();
    lines.add(line(1, 8, 469, 0.004, 4, 0.01, 1));
    lines.add(line(8, 16, 469, 0.001, 4, 0.05, 1));
    ScalingRuns.predict(lines, ARCH, new double[] {10});
    assertEquals(0.5, lines.get(1).get("statistical_efficiency"));
    // T(1) = 8 (469 · 0.004 + 4 (0.01 + n₁)), T(8) = 16 (469 · 0.001 + 4 (0.05 + n₈)).
    double n1 = 8.0 * 1000 * 1 / 10e9 + 8.0 * 1000 / 10e9;
    double n8 = 8.0 * 1000 * 4 / 10e9 + 8.0 * 8 * 1000 / 10e9;
    double t1 = 8 * (469 * 0.004 + 4 * (0.01 + n1));
    double t8 = 16 * (469 * 0.001 + 4 * (0.05 + n8));
    assertEquals(Math.round(t1 / t8 * 100) / 100.0, ScalingRuns.speedup(lines.get(1), 10));
    assertEquals(1.0, ScalingRuns.speedup(lines.get(0), 10));
    assertTrue(Double.isNaN(ScalingRuns.speedup(lines.get(1), 1)), "no such bandwidth");
    // Rounds and network free: (8 · 469 · 0.004) / (16 · 469 · 0.001) = 2.0, above the prediction.
    assertEquals(2.0, lines.get(1).get("speedup_without_rounds"));
    assertTrue(ScalingRuns.speedup(lines.get(1), 10) < 2.0);
    // The driver's round cost free on both sides, the network kept.
    double f1 = 8 * (469 * 0.004 + 4 * n1);
    double f8 = 16 * (469 * 0.001 + 4 * n8);
    assertEquals(
        Math.round(f1 / f8 * 100) / 100.0, ScalingRuns.driverFreeSpeedup(lines.get(1), 10));
    assertNull(ScalingRuns.driverFreeSpeedup(lines.get(1), 1), "no such bandwidth");
  }

  @Test
  void aRoundOnPSlotsGivesASecondPredictionBesideTheLocalOne() {
    List<Map<String, Object>> lines = new ArrayList<>();
    lines.add(line(1, 8, 469, 0.004, 4, 0.01, 1));
    lines.get(0).put("driver_seconds_per_round_p_slots", 0.01);
    Map<String, Object> eight = line(8, 16, 469, 0.001, 4, 0.05, 1);
    eight.put("driver_seconds_per_round_p_slots", 0.02);
    lines.add(eight);
    ScalingRuns.predict(lines, ARCH, new double[] {10});
    @SuppressWarnings("unchecked")
    Map<String, Object> at = ((List<Map<String, Object>>) eight.get("predicted")).get(0);
    double n1 = 8.0 * 1000 * 1 / 10e9 + 8.0 * 1000 / 10e9;
    double n8 = 8.0 * 1000 * 4 / 10e9 + 8.0 * 8 * 1000 / 10e9;
    double t1 = 8 * (469 * 0.004 + 4 * (0.01 + n1));
    double t8 = 16 * (469 * 0.001 + 4 * (0.02 + n8));
    assertEquals(Math.round(t1 / t8 * 100) / 100.0, at.get("speedup_p_slots"));
    assertTrue((Double) at.get("speedup_p_slots") > (Double) at.get("speedup"));
    assertEquals(Math.round(1000 * t1 / t8 / 8) / 1000.0, at.get("efficiency_p_slots"));
  }

  @Test
  void aRunThatNeverReachedTheTargetHasNoPrediction() {
    List<Map<String, Object>> lines = new ArrayList<>();
    lines.add(line(1, 8, 469, 0.004, 4, 0.01, 1));
    Map<String, Object> never = line(32, 8, 469, 0.001, 4, 0.05, 2);
    never.put("epochs_to_target", null);
    lines.add(never);
    ScalingRuns.predict(lines, ARCH, new double[] {10});
    assertNull(never.get("statistical_efficiency"));
    assertNull(never.get("speedup_without_rounds"));
    assertTrue(Double.isNaN(ScalingRuns.speedup(never, 10)));
  }

  @Test
  void epochsToTargetAreReadBackFromAPreviousRunSkippingRoundCostLinesAndAMalformedLineIsNamed(
      @TempDir Path dir) throws Exception {
    Path ok = dir.resolve("ok.jsonl");
    Files.writeString(
        ok,
        "{\"partitions\":1,\"epochs_to_target\":8}\n{\"validation_master\":\"x\"}\n"
            + "{\"partitions\":8,\"epochs_to_target\":11,\"target\":245.0}\n"
            + "{\"partitions\":32,\"epochs_to_target\":null}\n"
            + "{\"partitions\":64,\"round_cost_only\":true,\"sync_every\":59}\n");
    assertEquals(Map.of(1, 8, 8, 11, 32, -1), ScalingRuns.read(ok), "-1: not reached");
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"partitions\":1,\"epochs_to_target\":8}\n{\"partitions\":2}\n");
    UserError e = assertThrows(UserError.class, () -> ScalingRuns.read(bad));
    assertTrue(e.getMessage().contains("bad.jsonl line 2"), e.getMessage());
  }

  @Test
  void severalSeedsGiveTheMedianEpochsAndARunThatMissedTheTargetCountsAsTheMost() {
    // Five seeds of the MLP on one partition, 2026-12-03: 8 (seed 42), then 9, 9, 9, 9.
    assertEquals(9, ScalingRuns.medianEpochs(Arrays.asList(8, 9, 9, 9, 9)));
    assertEquals(8, ScalingRuns.medianEpochs(Arrays.asList(8, 8, 9, 8, 8)));
    assertEquals(12, ScalingRuns.medianEpochs(Arrays.asList(null, 11, 12)));
    assertNull(ScalingRuns.medianEpochs(Arrays.asList(null, 11, null)), "most runs missed");
    assertEquals(7, ScalingRuns.medianEpochs(List.of(7)));
  }

  @Test
  void anEvenNumberOfSeedsIsRefusedBecauseTheirMedianWouldBeNoRunsEpochs() {
    ScalingRuns.checkSeeds(new long[] {42});
    ScalingRuns.checkSeeds(new long[] {42, 1, 2});
    UserError e = assertThrows(UserError.class, () -> ScalingRuns.checkSeeds(new long[] {42, 1}));
    assertTrue(e.getMessage().startsWith("--seed:"), e.getMessage());
    assertThrows(UserError.class, () -> ScalingRuns.checkSeeds(new long[0]));
  }

  @Test
  void theChartIsAPngOfTheReportSize() throws Exception {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("predicted, 10 Gb/s", new double[] {1, 1.9, 3.5, Double.NaN});
    series.put("ideal (P)", new double[] {1, 2, 4, 8});
    byte[] png = io.sparkvae.report.Charts.scaling(new int[] {1, 2, 4, 8}, series, "speed-up");
    var image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(900, image.getWidth());
    assertEquals(600, image.getHeight());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            io.sparkvae.report.Charts.scaling(
                new int[] {1, 2}, Map.of("short", new double[] {1}), "x"));
  }

  private static Map<String, Object> line(
      int p, int epochs, int steps, double step, int rounds, double round, int depth) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("partitions", p);
    r.put("epochs_to_target", epochs);
    r.put("steps_per_epoch", steps);
    r.put("rounds_per_epoch", rounds);
    r.put("step_seconds_one_core", step);
    r.put("driver_seconds_per_round", round);
    r.put("broadcast_bytes_per_round", 1000L);
    r.put("result_bytes_per_partition", 1000L);
    r.put("aggregation_depth", depth);
    return r;
  }
}
