// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class RoundTimesTest extends SparkTestBase {
  private static RoundTimes.Task task(long launch, long finish, long run, long deser) {
    return new RoundTimes.Task(launch, finish, run, deser);
  }

  @Test
  void aRoundsCycleSplitsIntoDriverLaunchTasksAndWhatFollowsThem() {
    List<RoundTimes.Round> rounds =
        List.of(
            // Epoch 1 is left out, and so is each epoch's first round (it follows the epoch's end).
            new RoundTimes.Round(1, 1, 0, 500, List.of(task(10, 490, 470, 5))),
            new RoundTimes.Round(1, 2, 520, 1000, List.of(task(530, 990, 450, 5))),
            new RoundTimes.Round(2, 1, 1300, 1800, List.of(task(1310, 1790, 470, 5))),
            // Cycle 1810 - 1800 + ... : driver 10, launch 5, tasks 1815..2400 = 585, after 20.
            new RoundTimes.Round(
                2, 2, 1810, 2420, List.of(task(1815, 2350, 520, 8), task(1815, 2400, 570, 12))),
            // driver 30, launch 10, tasks 2460..2900 = 440, after 10.
            new RoundTimes.Round(
                2, 3, 2450, 2910, List.of(task(2460, 2900, 430, 4), task(2460, 2880, 410, 6))));
    Map<String, Object> s = RoundTimes.summary(rounds, 2);
    assertEquals(2, s.get("rounds"));
    assertEquals((620 + 490) / 2.0, s.get("cycle_ms"));
    assertEquals((10 + 30) / 2.0, s.get("driver_ms"));
    assertEquals((5 + 10) / 2.0, s.get("launch_ms"));
    assertEquals((585 + 440) / 2.0, s.get("tasks_ms"));
    assertEquals((20 + 10) / 2.0, s.get("after_tasks_ms"));
    assertEquals((545 + 420) / 2.0, s.get("task_run_ms"));
    assertEquals((570 + 430) / 2.0, s.get("slowest_task_run_ms"));
    assertEquals((10 + 5) / 2.0, s.get("task_deserialize_ms"));
    // Finish - launch - deserialize - run: (535 - 8 - 520 = 7, 585 - 12 - 570 = 3) and (6, 4).
    assertEquals(((7 + 3) / 2.0 + (6 + 4) / 2.0) / 2, s.get("task_result_ms"));
    assertEquals(300.0, s.get("epoch_boundary_ms"), "epoch 2's first round began 300 ms after 1's");
    assertNull(RoundTimes.summary(rounds, 3), "no round from epoch 3 on");
  }

  @Test
  void theListenerTimesTheRoundsOfTrainingJobsAndIgnoresOtherJobs() throws Exception {
    SparkContext sc = spark().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    RoundTimes times = new RoundTimes();
    sc.addSparkListener(times);
    // As the training data: cached after a shuffle, so that every round's job also lists the
    // shuffle's stage, which it skips.
    var data = jsc.parallelize(List.of(40, 120), 1).repartition(2).cache();
    data.count();
    try {
      for (int r = 1; r <= 3; r++) {
        sc.setJobDescription("vae epoch 1/1 round " + r + "/3");
        // Two tasks: one sleeps 40 ms, the other 120 ms, so the round waits for the slower.
        data.map(
                ms -> {
                  Thread.sleep(ms);
                  return ms;
                })
            .count();
      }
      sc.setJobDescription("vae epoch 1/1 validation");
      jsc.parallelize(List.of(1, 2, 3), 3).count();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.setJobDescription(null);
      sc.removeSparkListener(times);
      data.unpersist(true);
    }
    List<RoundTimes.Round> rounds = times.rounds();
    assertEquals(3, rounds.size(), "the three rounds, not the validation job");
    for (RoundTimes.Round r : rounds) {
      assertEquals(2, r.tasks().size());
    }
    Map<String, Object> s = RoundTimes.summary(rounds, 1);
    assertEquals(2, s.get("rounds"));
    double parts =
        (double) s.get("driver_ms")
            + (double) s.get("launch_ms")
            + (double) s.get("tasks_ms")
            + (double) s.get("after_tasks_ms");
    assertEquals((double) s.get("cycle_ms"), parts, 0.21, "the parts add up to the cycle");
    double slowest = (double) s.get("slowest_task_run_ms");
    assertTrue(slowest >= 120, "the slower task slept 120 ms: " + s);
    assertTrue((double) s.get("tasks_ms") >= slowest, "the span holds the slowest task: " + s);
    assertTrue((double) s.get("task_run_ms") < slowest, "the mean is below the slowest: " + s);
    assertTrue((double) s.get("task_result_ms") >= 0, "finish comes after the run: " + s);
    assertNull(s.get("epoch_boundary_ms"), "one epoch: no boundary");
  }
}
