// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gives an error that names the column and the row. */
class LinregBadInputTest extends SparkTestBase {
  @TempDir Path dir;

  /** A CSV of x1,x2,y with {@code n} good rows; line numbers as a user sees them. */
  private static List<String> csvLines(int n) {
    List<String> lines = new ArrayList<>();
    lines.add("x1,x2,y");
    for (int i = 0; i < n; i++) {
      double x1 = i % 7 - 3;
      double x2 = (i * 5) % 11 * 0.5;
      lines.add(String.format(Locale.ROOT, "%s,%s,%s", x1, x2, 1 + 2 * x1 - x2 + (i % 3)));
    }
    return lines;
  }

  private Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, lines);
    return p;
  }

  private static RegressionTable load(Path p, String label, List<String> features) {
    return RegressionTables.load(
        spark(),
        new RegressionTables.Spec("data.train", p.toString(), null, label, features, "id"));
  }

  private static String exactError(RegressionTable t) {
    RegressionTable cached = LinearRegressionFits.cache(t, 2);
    try {
      return assertThrows(IllegalArgumentException.class, () -> LinearRegressionFits.exact(cached))
          .getMessage();
    } finally {
      cached.frame().unpersist();
    }
  }

  @Test
  void missingLabelColumnListsTheColumns() throws IOException {
    Path p = write("a.csv", csvLines(10));
    String m =
        assertThrows(IllegalArgumentException.class, () -> load(p, "label", List.of()))
            .getMessage();
    assertTrue(
        m.contains("no label column 'label'")
            && m.contains("x1 (double)")
            && m.contains("y (double)")
            && m.contains("data.label"),
        m);
    String f =
        assertThrows(IllegalArgumentException.class, () -> load(p, "y", List.of("x1", "z")))
            .getMessage();
    assertTrue(f.contains("column 'z' that is not there") && f.contains("x2 (double)"), f);
  }

  @Test
  void aValueThatIsNotANumberIsShownWithItsLine() throws IOException {
    List<String> lines = csvLines(30);
    lines.add(5, ""); // a blank line at line 6: Spark skips it
    lines.set(16, "2.0,abc,3.0"); // line 17
    lines.set(25, "1.0,xyz,3.0"); // a later one is not the one reported
    Path p = write("text.csv", lines);
    // With [] a column of text is not numeric, so it is no feature; named, it is an error.
    RegressionTable byDefault = load(p, "y", List.of());
    assertEquals(List.of("x1"), byDefault.features());
    assertEquals(List.of("x2 (string)"), byDefault.leftOut());
    String named =
        assertThrows(IllegalArgumentException.class, () -> load(p, "y", List.of("x1", "x2")))
            .getMessage();
    assertTrue(
        named.startsWith("data.train: column 'x2', line 17 of " + p + " ")
            && named.contains("'abc' is not a number")
            && named.contains("the header is line 1"),
        named);
  }

  @Test
  void nanAndEmptyValuesAreNamedByColumnAndLine() throws IOException {
    List<String> lines = csvLines(40);
    lines.set(11, "NaN,1.0,2.0"); // line 12: x1 is NaN
    lines.set(19, "1.0,2.0,"); // line 20: the label is empty
    lines.set(30, "NaN,1.0,2.0"); // a second NaN in x1
    Path p = write("nan.csv", lines);
    String m = exactError(load(p, "y", List.of()));
    assertTrue(
        m.contains("column 'x1', line 12 of " + p)
            && m.contains("the value is NaN")
            && m.contains("2 rows in all have a bad value in 'x1' (2 NaN)"),
        m);
    assertTrue(m.contains("column 'y', line 20 of " + p) && m.contains("the value is empty"), m);
  }

  @Test
  void linesAreRightWhenSparkSplitsTheFile() throws IOException {
    List<String> lines = csvLines(200);
    lines.add(3, "   "); // a whitespace-only line at line 4
    lines.set(150, "Inf,1.0,2.0"); // line 151
    Path p = write("split.csv", lines);
    String old = spark().conf().get("spark.sql.files.maxPartitionBytes");
    spark().conf().set("spark.sql.files.maxPartitionBytes", "512");
    try {
      RegressionTable t = load(p, "y", List.of());
      assertTrue(t.frame().rdd().getNumPartitions() > 3, "the file is read in several splits");
      String m = exactError(t);
      assertTrue(m.contains("column 'x1', line 151 of " + p) && m.contains("Infinity"), m);
    } finally {
      spark().conf().set("spark.sql.files.maxPartitionBytes", old);
    }
  }

  @Test
  void parquetRowsAreNumberedWithinTheirFile() {
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("a", DataTypes.DoubleType, true),
              DataTypes.createStructField("flag", DataTypes.BooleanType, true),
              DataTypes.createStructField("label", DataTypes.DoubleType, true)
            });
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i == 6 ? Double.NaN : (double) i, i % 2 == 0, 2.0 * i));
    }
    String path = dir.resolve("t.parquet").toString();
    spark().createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    String m = exactError(load(Path.of(path), "label", List.of()));
    assertTrue(
        m.contains("column 'a', row 7 of ")
            && m.contains(".parquet (1-based)")
            && m.contains("the value is NaN"),
        m);
    String b =
        assertThrows(
                IllegalArgumentException.class,
                () -> load(Path.of(path), "label", List.of("a", "flag")))
            .getMessage();
    assertTrue(b.contains("feature column 'flag' has type boolean"), b);
  }

  @Test
  void fewerRowsThanParameters() throws IOException {
    Path p = write("short.csv", csvLines(2));
    String m = exactError(load(p, "y", List.of()));
    assertTrue(
        m.contains("2 rows, but linear regression with 2 features (x1, x2) has 3 " + "parameters")
            && m.contains("needs at least 3 rows"),
        m);
  }

  @Test
  void aConstantFeatureIsNamed() throws IOException {
    List<String> lines = csvLines(20);
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      lines.set(i, f[0] + ",7.5," + f[2]);
    }
    Path p = write("const.csv", lines);
    String m = exactError(load(p, "y", List.of()));
    assertTrue(m.contains("feature 'x2' (every row is 7.5) is constant"), m);
  }

  @Test
  void libsvmValuesAreTracedToTheirLine() throws IOException {
    List<String> good =
        new ArrayList<>(
            List.of(
                "# a comment",
                "1.0 1:0.5 2:1.5",
                "",
                "2.0 1:1.0 2:0.25",
                "3.0 1:2.0 2:NaN",
                "4.0 1:3.0 2:1.0",
                "5.0 1:4.0 2:2.0"));
    Path p = write("d.libsvm", good);
    RegressionTable t = load(p, "label", List.of());
    assertEquals(List.of("x1", "x2"), t.features());
    String m = exactError(t);
    assertTrue(m.contains("column 'x2', line 5 of " + p) && m.contains("NaN"), m);

    List<String> bad = new ArrayList<>(good);
    bad.set(4, "3.0 1:abc 2:1.0");
    Path q = write("e.libsvm", bad);
    String n =
        assertThrows(IllegalArgumentException.class, () -> load(q, "label", List.of()))
            .getMessage();
    assertTrue(
        n.contains("line 5 of " + q) && n.contains("'abc' is not a number (column 'x1')"), n);
    try (Stream<String> s = Files.lines(q)) {
      assertEquals("3.0 1:abc 2:1.0", s.skip(4).findFirst().orElseThrow());
    }
  }
}
