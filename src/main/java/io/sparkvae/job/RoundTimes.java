// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Where a training round's wall time goes, from Spark's own event times: the jobs whose description
 * the trainer sets to "… epoch E/N round R/M", their tasks' launch and finish times, and the tasks'
 * run and deserialization times (all in milliseconds, Spark's clock).
 *
 * <p>A round's cycle, from the previous round's job end to its own, splits exactly into four parts:
 * the driver's work between the jobs (the outer step, the broadcast), the scheduler's delay to the
 * first task's launch, the span of the round's first stage (first launch to last finish: the tasks'
 * deserialization and compute, and the wait for the slowest), and what follows the last task (its
 * result reaching the driver, any tree levels, the fold).
 */
final class RoundTimes extends SparkListener {
  private static final Pattern ROUND = Pattern.compile(" epoch (\\d+)/\\d+ round (\\d+)/\\d+$");

  /** One task of a round's first stage, in milliseconds. */
  record Task(long launchMs, long finishMs, long runMs, long deserializeMs) {}

  /**
   * One round's job: its epoch and round (1-based), start and end, and the tasks of its first stage
   * that ran.
   */
  record Round(int epoch, int round, long startMs, long endMs, List<Task> tasks) {}

  private record Job(int epoch, int round, long startMs, List<Integer> stages) {}

  private final Map<Integer, Job> jobs = new ConcurrentHashMap<>();
  private final Map<Integer, List<Task>> tasksOfStage = new ConcurrentHashMap<>();
  private final List<Round> rounds = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
    Matcher m = d == null ? null : ROUND.matcher(d);
    if (m == null || !m.find()) {
      return;
    }
    List<Integer> stages = new ArrayList<>();
    for (Object s : CollectionConverters.asJava(e.stageIds())) {
      stages.add((Integer) s);
      tasksOfStage.put((Integer) s, Collections.synchronizedList(new ArrayList<>()));
    }
    jobs.put(
        e.jobId(),
        new Job(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), e.time(), stages));
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    List<Task> ts = tasksOfStage.get(e.stageId());
    if (ts != null && e.taskMetrics() != null) {
      ts.add(
          new Task(
              e.taskInfo().launchTime(),
              e.taskInfo().finishTime(),
              e.taskMetrics().executorRunTime(),
              e.taskMetrics().executorDeserializeTime()));
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    Job j = jobs.remove(e.jobId());
    if (j != null) {
      // The round's first stage that ran: the job also lists the stages that cached the data,
      // which it skips, and after it come the levels of an aggregation tree.
      List<Task> first = List.of();
      for (int stage : j.stages().stream().sorted().toList()) {
        List<Task> ts = tasksOfStage.remove(stage);
        if (first.isEmpty() && ts != null && !ts.isEmpty()) {
          first = List.copyOf(ts);
        }
      }
      rounds.add(new Round(j.epoch(), j.round(), j.startMs(), e.time(), first));
    }
  }

  /** The rounds seen so far. */
  List<Round> rounds() {
    synchronized (rounds) {
      return List.copyOf(rounds);
    }
  }

  /**
   * Means in milliseconds over the rounds of epochs {@code fromEpoch} on that follow another round
   * of the same epoch (the first round of an epoch follows the epoch's end: a validation pass, a
   * checkpoint). Keys: rounds, cycle_ms, driver_ms, launch_ms, tasks_ms, after_tasks_ms (the four
   * parts of the cycle), and within the tasks' span, task_run_ms, task_deserialize_ms and
   * task_result_ms (means over tasks; the last is from the run's end to the task's finish on the
   * driver: its result serialized, shipped and read) and slowest_task_run_ms (mean over rounds of
   * each round's longest run); and epoch_boundary_ms, the mean gap from an epoch's last round to
   * the next epoch's first (null if none). Null when no round qualifies.
   */
  static Map<String, Object> summary(List<Round> rounds, int fromEpoch) {
    Map<Integer, TreeMap<Integer, Round>> byEpoch = new TreeMap<>();
    for (Round r : rounds) {
      byEpoch.computeIfAbsent(r.epoch(), e -> new TreeMap<>()).put(r.round(), r);
    }
    double n = 0;
    double cycle = 0;
    double driver = 0;
    double launch = 0;
    double span = 0;
    double after = 0;
    double run = 0;
    double deser = 0;
    double result = 0;
    double slowest = 0;
    double boundaries = 0;
    double boundary = 0;
    Round lastOfPrevious = null;
    for (TreeMap<Integer, Round> epoch : byEpoch.values()) {
      Round firstOfEpoch = epoch.firstEntry().getValue();
      if (lastOfPrevious != null
          && firstOfEpoch.epoch() >= fromEpoch
          && firstOfEpoch.round() == 1
          && lastOfPrevious.epoch() == firstOfEpoch.epoch() - 1) {
        boundaries++;
        boundary += firstOfEpoch.startMs() - lastOfPrevious.endMs();
      }
      lastOfPrevious = epoch.lastEntry().getValue();
      Round prev = null;
      for (Round r : epoch.values()) {
        boolean follows = prev != null && prev.round() == r.round() - 1;
        if (follows && r.epoch() >= fromEpoch && !r.tasks().isEmpty()) {
          long first = Long.MAX_VALUE;
          long last = Long.MIN_VALUE;
          long longest = 0;
          double runSum = 0;
          double deserSum = 0;
          double resultSum = 0;
          for (Task t : r.tasks()) {
            first = Math.min(first, t.launchMs());
            last = Math.max(last, t.finishMs());
            longest = Math.max(longest, t.runMs());
            runSum += t.runMs();
            deserSum += t.deserializeMs();
            resultSum += t.finishMs() - t.launchMs() - t.deserializeMs() - t.runMs();
          }
          n++;
          cycle += r.endMs() - prev.endMs();
          driver += r.startMs() - prev.endMs();
          launch += first - r.startMs();
          span += last - first;
          after += r.endMs() - last;
          run += runSum / r.tasks().size();
          deser += deserSum / r.tasks().size();
          result += resultSum / r.tasks().size();
          slowest += longest;
        }
        prev = r;
      }
    }
    if (n == 0) {
      return null;
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rounds", (int) n);
    s.put("cycle_ms", round1(cycle / n));
    s.put("driver_ms", round1(driver / n));
    s.put("launch_ms", round1(launch / n));
    s.put("tasks_ms", round1(span / n));
    s.put("after_tasks_ms", round1(after / n));
    s.put("task_run_ms", round1(run / n));
    s.put("slowest_task_run_ms", round1(slowest / n));
    s.put("task_deserialize_ms", round1(deser / n));
    s.put("task_result_ms", round1(result / n));
    s.put("epoch_boundary_ms", boundaries == 0 ? null : round1(boundary / boundaries));
    return s;
  }

  /** One line for the log: the cycle, its parts, and what the tasks' span holds beyond compute. */
  static String describe(Map<String, Object> s) {
    return String.format(
        java.util.Locale.ROOT,
        "%d rounds, mean cycle %.1f ms = driver %.1f + launch %.1f + tasks %.1f + after the"
            + " tasks %.1f; a task ran %.1f ms (the slowest %.1f), took %.1f to deserialize and"
            + " %.1f for its result to reach the driver; between epochs %s ms",
        s.get("rounds"),
        s.get("cycle_ms"),
        s.get("driver_ms"),
        s.get("launch_ms"),
        s.get("tasks_ms"),
        s.get("after_tasks_ms"),
        s.get("task_run_ms"),
        s.get("slowest_task_run_ms"),
        s.get("task_deserialize_ms"),
        s.get("task_result_ms"),
        s.get("epoch_boundary_ms"));
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
