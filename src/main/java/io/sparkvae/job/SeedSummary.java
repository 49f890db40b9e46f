// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The line {@code bench-train --seed 42,1,2,…} ends with: the same settings trained from several
 * seeds, summarized. A quality target is a statement about the recipe, and one seed's test −ELBO
 * moves by a few tenths of a nat (performance-history.md, "The −ELBO target and the seed": the conv
 * model's 239.63 to 240.87 over eight seeds), so one run cannot say whether a recipe meets a target
 * that close.
 */
final class SeedSummary {
  private SeedSummary() {}

  /** The runs' seeds, and the mean, sample standard deviation, min and max of their figures. */
  static Map<String, Object> of(List<Map<String, Object>> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to summarize");
    }
    Map<String, Object> first = runs.get(0);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("summary", "seeds");
    s.put("model", first.get("model"));
    s.put("partitions", first.get("partitions"));
    s.put("sync_every", first.get("sync_every"));
    s.put("epochs", first.get("epochs"));
    s.put("seeds", runs.stream().map(r -> r.get("seed")).toArray());
    s.put("test_neg_elbo", stats(values(runs, "test_neg_elbo")));
    if (first.containsKey("test_iwae_nll")) {
      s.put("test_iwae_nll", stats(values(runs, "test_iwae_nll")));
    }
    if (first.containsKey("test_neg_elbo_by_epoch")) {
      List<Double> last = new ArrayList<>();
      List<Object> reached = new ArrayList<>();
      for (Map<String, Object> r : runs) {
        Object[] byEpoch = (Object[]) r.get("test_neg_elbo_by_epoch");
        if (byEpoch.length > 0) {
          last.add(((Number) byEpoch[byEpoch.length - 1]).doubleValue());
        }
        reached.add(r.get("epochs_to_target"));
      }
      s.put("last_epoch_test_neg_elbo", stats(last));
      s.put("target", first.get("target"));
      s.put("epochs_to_target", reached.toArray());
    }
    s.put("samples_per_sec", stats(values(runs, "samples_per_sec")));
    return s;
  }

  private static List<Double> values(List<Map<String, Object>> runs, String key) {
    List<Double> v = new ArrayList<>();
    for (Map<String, Object> r : runs) {
      v.add(((Number) r.get(key)).doubleValue());
    }
    return v;
  }

  /** Mean, sample standard deviation (n − 1; 0 for one value), min, max; rounded to 3 places. */
  static Map<String, Object> stats(List<Double> v) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (v.isEmpty()) {
      return m;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    double mean = Arrays.stream(a).sum() / a.length;
    double ss = 0;
    for (double x : a) {
      ss += (x - mean) * (x - mean);
    }
    m.put("mean", BenchTrainCommand.round3(mean));
    m.put("sd", BenchTrainCommand.round3(a.length > 1 ? Math.sqrt(ss / (a.length - 1)) : 0));
    m.put("min", Arrays.stream(a).min().getAsDouble());
    m.put("max", Arrays.stream(a).max().getAsDouble());
    return m;
  }
}
