// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class TaskWaitsTest extends SparkTestBase {
  @Test
  void aStageWaitsItsSpanLessItsLongestTask() {
    // Four 10 ms tasks on two cores: 20 ms from first launch to last finish, where four cores
    // would take 10; the wait is the 10 ms the second pair queued.
    List<TaskWaits.Task> twoAtATime =
        List.of(
            new TaskWaits.Task(0, 1000, 1010),
            new TaskWaits.Task(0, 1000, 1010),
            new TaskWaits.Task(0, 1010, 1020),
            new TaskWaits.Task(0, 1011, 1020));
    assertEquals(0.010, TaskWaits.waitSeconds(twoAtATime), 1e-12);
    assertEquals(0.0, TaskWaits.waitSeconds(List.of(new TaskWaits.Task(0, 5, 30))));
    assertEquals(0.0, TaskWaits.waitSeconds(List.of()));
  }

  @Test
  void eightSleepingTasksOnTwoCoresWaitAboutThreeOfTheirLengthsAndANarrowerJobIsLeftOut()
      throws Exception {
    SparkContext sc = spark().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    TaskWaits waits = new TaskWaits();
    sc.addSparkListener(waits);
    try {
      jsc.parallelize(List.of(1, 2, 3), 3).count();
      jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
          .map(
              x -> {
                Thread.sleep(100);
                return x;
              })
          .count();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(waits);
    }
    List<Double> w = waits.waitSecondsOfJobsWithStageOf(8);
    assertEquals(1, w.size(), "only the 8-task job");
    // local[2]: 4 waves of 100 ms, so about 0.3 s of waiting; less only if a task ran far longer.
    assertTrue(w.get(0) > 0.15 && w.get(0) < 1.0, "wait " + w.get(0));
  }
}
