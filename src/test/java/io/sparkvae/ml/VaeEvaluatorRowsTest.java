// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sparkvae.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** Which rows the IWAE figure is computed on. */
class VaeEvaluatorRowsTest extends SparkTestBase {

  @Test
  void theIwaeRowsAreTheFirstInPartitionOrderWithoutAShuffle() {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      ids.add(i);
    }
    // Three partitions of three rows: 0–2, 3–5, 6–8.
    Dataset<Row> df = spark().createDataset(ids, Encoders.INT()).repartition(1).toDF("id");
    df = spark().createDataFrame(jsc().parallelize(df.collectAsList(), 3), df.schema());
    Dataset<Row> first = VaeEvaluator.firstRows(df, 5);
    List<Integer> got = new ArrayList<>();
    for (Row r : first.collectAsList()) {
      got.add(r.getInt(0));
    }
    assertEquals(List.of(0, 1, 2, 3, 4), got);
    assertEquals(1, first.rdd().getNumPartitions());
    // Used as the evaluator uses it (transformed, then averaged), the plan has no shuffle that
    // could decide by arrival order which rows are kept.
    Dataset<Row> used = first.agg(functions.avg("id"), functions.count("*"));
    String plan = used.queryExecution().executedPlan().toString();
    assertFalse(plan.contains("Exchange"), "no shuffle decides which rows are kept:\n" + plan);
    assertEquals(2.0, used.first().getDouble(0), "the mean of 0–4");
  }
}
