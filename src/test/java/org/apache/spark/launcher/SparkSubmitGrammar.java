// SPDX-License-Identifier: Apache-2.0
package org.apache.spark.launcher;

import java.util.ArrayList;
import java.util.List;

/**
 * spark-submit's option names, read from Spark's own parser: SparkSubmitOptionParser and its lists
 * are package-private, hence this class in Spark's package (test code only).
 */
public final class SparkSubmitGrammar extends SparkSubmitOptionParser {
  private static final SparkSubmitGrammar INSTANCE = new SparkSubmitGrammar();

  private SparkSubmitGrammar() {}

  /** Every name, aliases included, of the options that take a value. */
  public static List<String> valueOptions() {
    return flatten(INSTANCE.opts);
  }

  /** Every name, aliases included, of the switches (options without a value). */
  public static List<String> switches() {
    return flatten(INSTANCE.switches);
  }

  private static List<String> flatten(String[][] names) {
    List<String> all = new ArrayList<>();
    for (String[] n : names) {
      all.addAll(List.of(n));
    }
    return all;
  }
}
