// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * How long each job's tasks waited for a free core. A round on P partitions in {@code local[2]}
 * runs its P tasks two at a time, so a stage's span is about P/2 tasks long, where P single-core
 * executors would run them at once and take as long as the longest. Per stage the wait is the span
 * (first launch to last finish) less the longest task; a job's is the sum over its stages.
 */
final class TaskWaits extends SparkListener {
  /** One finished task: its stage and its launch and finish times, in milliseconds. */
  record Task(int stage, long launchMs, long finishMs) {}

  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final List<Task> tasks = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    for (Object stage : CollectionConverters.asJava(e.stageIds())) {
      jobOfStage.put((Integer) stage, e.jobId());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    tasks.add(new Task(e.stageId(), e.taskInfo().launchTime(), e.taskInfo().finishTime()));
  }

  /**
   * Each job's wait in seconds, by job id in order, for jobs with a stage of {@code width} tasks.
   */
  List<Double> waitSecondsOfJobsWithStageOf(int width) {
    Map<Integer, List<Task>> byStage = new TreeMap<>();
    synchronized (tasks) {
      for (Task t : tasks) {
        byStage.computeIfAbsent(t.stage(), s -> new ArrayList<>()).add(t);
      }
    }
    Map<Integer, List<List<Task>>> byJob = new TreeMap<>();
    byStage.forEach(
        (stage, ts) -> {
          Integer job = jobOfStage.get(stage);
          if (job != null) {
            byJob.computeIfAbsent(job, j -> new ArrayList<>()).add(ts);
          }
        });
    List<Double> out = new ArrayList<>();
    for (List<List<Task>> stages : byJob.values()) {
      if (stages.stream().anyMatch(s -> s.size() == width)) {
        double wait = 0;
        for (List<Task> s : stages) {
          wait += waitSeconds(s);
        }
        out.add(wait);
      }
    }
    return out;
  }

  /** A stage's span less its longest task, in seconds: the time its tasks queued for a core. */
  static double waitSeconds(List<Task> stage) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long longest = 0;
    for (Task t : stage) {
      first = Math.min(first, t.launchMs());
      last = Math.max(last, t.finishMs());
      longest = Math.max(longest, t.finishMs() - t.launchMs());
    }
    return stage.isEmpty() ? 0 : Math.max(0, last - first - longest) / 1e3;
  }
}
