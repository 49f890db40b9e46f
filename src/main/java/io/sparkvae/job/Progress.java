package io.sparkvae.job;

import io.sparkvae.engine.EpochReport;
import io.sparkvae.engine.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** One line per epoch on the console: losses, validation, speed and time left. */
final class Progress implements TrainingListener {
  private final PrintStream out;
  private double seconds;
  private int epochsSeen;

  Progress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onEpoch(EpochReport r, int total) {
    seconds += r.seconds();
    epochsSeen++;
    double eta = seconds / epochsSeen * (total - r.epoch());
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "epoch %3d/%d  train %s %.2f", r.epoch(), total,
        label(r.lossNames().get(0)), r.train()[0]));
    if (r.lossNames().size() >= 3) {
      sb.append(String.format(Locale.ROOT, " (%s %.2f, %s %.2f)", r.lossNames().get(1),
          r.train()[1], r.lossNames().get(2).toUpperCase(Locale.ROOT), r.train()[2]));
    }
    if (r.validation() != null) {
      sb.append(String.format(Locale.ROOT, "  val %s %.2f", label(r.lossNames().get(0)),
          r.validation()[0]));
    }
    sb.append(String.format(Locale.ROOT, "  %.1f s  %,.0f samples/s  ETA %s", r.seconds(),
        r.samplesPerSecond(), duration(eta)));
    out.println(sb);
    out.flush();
  }

  private static String label(String name) {
    return name.equals("neg_elbo") ? "-ELBO" : name.toUpperCase(Locale.ROOT);
  }

  static String duration(double s) {
    long t = Math.round(s);
    if (t < 60) {
      return t + "s";
    }
    if (t < 3600) {
      return (t / 60) + "m" + String.format(Locale.ROOT, "%02d", t % 60) + "s";
    }
    return (t / 3600) + "h" + String.format(Locale.ROOT, "%02d", (t % 3600) / 60) + "m";
  }
}
