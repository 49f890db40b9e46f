// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.Json;
import io.sparkvae.report.RunReport;
import io.sparkvae.report.ScoreReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes {@code report.html}, the one page a person opens, from the files a command has already
 * written (never from the figures in memory), so the page cannot disagree with them: for {@code
 * train}, {@code metrics.json} and {@code images/*.png}, plus {@code gate.json} and the other runs'
 * for a versioned run; for {@code score}, {@code score_summary.json} and {@code top_anomalies.png}.
 * The page is written atomically, like every output.
 */
final class RunReports {
  static final String FILE = "report.html";
  private static final long MAX_JSON = 64L << 20;
  private static final long MAX_PNG = 64L << 20;

  private RunReports() {}

  /** {@code train}'s page, written after {@code metrics.json}; prints where it is. */
  static void writeTrain(OutputDir out) throws IOException {
    write(out, null);
    System.out.println("  " + FILE + "    this run on one page (open it in a browser)");
  }

  /**
   * A versioned run's page, rewritten once the run's {@code gate.json} exists, with the gate's
   * decision and the history of {@code latest}, as it stands once the decision is applied.
   */
  static void writeVersioned(OutputDir out, VersionedOutput v, String run) throws IOException {
    FileSystem fs = v.fs();
    Path runs = new Path(v.base(), VersionedOutput.RUNS);
    List<RunReport.Run> all = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs.listStatus(runs)) {
      if (s.isDirectory() && VersionedOutput.isRunName(s.getPath().getName())) {
        names.add(s.getPath().getName());
      }
    }
    names.sort(RunReports::byStartTime);
    JsonNode gate = null;
    for (String n : names) {
      Path g = new Path(new Path(runs, n), Retraining.GATE_FILE);
      JsonNode node = fs.exists(g) ? readJson(fs, g) : null;
      String rel = VersionedOutput.RUNS + "/" + n;
      if (rel.equals(run)) {
        gate = node;
      }
      all.add(new RunReport.Run(rel, node));
    }
    String latest = gate != null && gate.path("promoted").asBoolean(false) ? run : v.latest();
    write(out, new RunReport.Versioning(v.base().toString(), run, gate, all, latest));
  }

  /** {@code score}'s page, written after {@code score_summary.json} and its picture. */
  static void writeScore(OutputDir out) throws IOException {
    JsonNode summary = readJson(out.fs(), new Path(out.path(), ScoreCommand.SUMMARY));
    Path pic = new Path(out.path(), ScoreCommand.PICTURE);
    byte[] png = out.fs().exists(pic) ? AtomicFiles.readAll(out.fs(), pic, MAX_PNG) : null;
    out.writeText(FILE, ScoreReport.page(summary, png));
    System.out.println("report: " + out.resolve(FILE));
  }

  private static void write(OutputDir out, RunReport.Versioning versioning) throws IOException {
    FileSystem fs = out.fs();
    JsonNode metrics = readJson(fs, new Path(out.path(), "metrics.json"));
    Map<String, byte[]> images = new TreeMap<>();
    Path dir = new Path(out.path(), "images");
    if (fs.exists(dir)) {
      for (FileStatus s : fs.listStatus(dir)) {
        String n = s.getPath().getName();
        if (s.isFile() && n.endsWith(".png") && !n.startsWith(".")) {
          images.put(n, AtomicFiles.readAll(fs, s.getPath(), MAX_PNG));
        }
      }
    }
    out.writeText(FILE, RunReport.train(metrics, images, versioning, out.path().toString()));
  }

  private static JsonNode readJson(FileSystem fs, Path p) throws IOException {
    return Json.read(
        new String(AtomicFiles.readAll(fs, p, MAX_JSON), StandardCharsets.UTF_8), p.toString());
  }

  /** Run names in start order: 20261124T083012Z before 20261124T083012Z-2 before …-10. */
  private static int byStartTime(String a, String b) {
    String[] x = a.split("-", 2);
    String[] y = b.split("-", 2);
    int c = x[0].compareTo(y[0]);
    if (c != 0) {
      return c;
    }
    return Integer.compare(
        x.length > 1 ? Integer.parseInt(x[1]) : 1, y.length > 1 ? Integer.parseInt(y[1]) : 1);
  }
}
