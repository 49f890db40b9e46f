// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg.spark;

import io.sparkvae.data.Columns;
import io.sparkvae.data.Loaders;
import io.sparkvae.linreg.spark.RegressionTables.RegressionTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.functions;

/**
 * Where a row of the prepared frame is, in words a user can find in the file.
 *
 * <p>A row's {@link RegressionTables#ROW} value is Spark's {@code monotonically_increasing_id} of
 * the row as read: (partition &lt;&lt; 33) + index in the partition. {@link #locate} turns it into
 * a place: for CSV the line number (counting every physical line; the header is the first non-blank
 * line, and Spark skips blank lines, as the count does), for LibSVM the line number (Spark skips
 * blank lines and lines starting with '#'), for Parquet the 1-based row of its file. It costs one
 * Spark job over the data (the file of each row is recorded only then, so loading pays nothing for
 * it) and, for text files, reading the file up to that line on the driver; it runs only when there
 * is a problem to report.
 */
public final class RowLocator {
  private static final long INDEX_MASK = (1L << 33) - 1;

  private RowLocator() {}

  /** The source partition of a {@link RegressionTables#ROW} value. */
  public static int partitionOf(long rowId) {
    return (int) (rowId >>> 33);
  }

  /** The 0-based index in its source partition of a {@link RegressionTables#ROW} value. */
  public static long indexOf(long rowId) {
    return rowId & INDEX_MASK;
  }

  /** One partition's rows per file, in order, up to the rows asked for. */
  private static final class PartitionFiles implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final LinkedHashMap<String, Long> counts;

    /** File and rows of that file before it in this partition, per asked index. */
    final HashMap<Long, String> fileAt;

    final HashMap<Long, Long> beforeAt;

    PartitionFiles(
        int partition,
        LinkedHashMap<String, Long> counts,
        HashMap<Long, String> fileAt,
        HashMap<Long, Long> beforeAt) {
      this.partition = partition;
      this.counts = counts;
      this.fileAt = fileAt;
      this.beforeAt = beforeAt;
    }
  }

  /**
   * Where each {@link RegressionTables#ROW} value is, in words a user can find in the file: "line
   * 17 of data/a.csv (the header is line 1)", "row 5 of part-0.parquet (1-based)", or, when the
   * file is unknown, "data row 5 (1-based, in the order Spark reads the data)".
   */
  public static List<String> locate(RegressionTable table, List<Long> rowIds) {
    int last = 0;
    Map<Integer, Set<Long>> wanted = new HashMap<>();
    for (long id : rowIds) {
      int p = partitionOf(id);
      last = Math.max(last, p);
      wanted.computeIfAbsent(p, k -> new HashSet<>()).add(indexOf(id));
    }
    final int lastPartition = last;
    final HashMap<Integer, HashSet<Long>> want = new HashMap<>();
    wanted.forEach((k, v) -> want.put(k, new HashSet<>(v)));
    String first = table.raw().schema().fieldNames()[0];
    List<PartitionFiles> parts =
        table
            .raw()
            .select(functions.input_file_name(), Columns.exact(first))
            .toJavaRDD()
            .mapPartitionsWithIndex(
                (q, it) -> {
                  if (q > lastPartition) {
                    return new ArrayList<PartitionFiles>().iterator();
                  }
                  HashSet<Long> asked = want.getOrDefault(q, new HashSet<>());
                  long maxAsked = asked.stream().mapToLong(Long::longValue).max().orElse(-1);
                  LinkedHashMap<String, Long> counts = new LinkedHashMap<>();
                  HashMap<Long, String> fileAt = new HashMap<>();
                  HashMap<Long, Long> beforeAt = new HashMap<>();
                  long i = 0;
                  while (it.hasNext()) {
                    if (q == lastPartition && i > maxAsked) {
                      break;
                    }
                    String f = it.next().getString(0);
                    if (asked.contains(i)) {
                      fileAt.put(i, f);
                      beforeAt.put(i, counts.getOrDefault(f, 0L));
                    }
                    counts.merge(f, 1L, Long::sum);
                    i++;
                  }
                  return List.of(new PartitionFiles(q, counts, fileAt, beforeAt)).iterator();
                },
                true)
            .collect();
    PartitionFiles[] byPartition = new PartitionFiles[last + 1];
    for (PartitionFiles pf : parts) {
      byPartition[pf.partition] = pf;
    }
    List<String> out = new ArrayList<>();
    Configuration conf = table.raw().sparkSession().sparkContext().hadoopConfiguration();
    for (long id : rowIds) {
      int p = partitionOf(id);
      long idx = indexOf(id);
      PartitionFiles pf = byPartition[p];
      String file = pf == null ? null : pf.fileAt.get(idx);
      long global = idx + 1;
      for (int q = 0; q < p; q++) {
        if (byPartition[q] != null) {
          global += byPartition[q].counts.values().stream().mapToLong(Long::longValue).sum();
        }
      }
      if (file == null || file.isEmpty()) {
        out.add("data row " + global + " (1-based, in the order Spark reads the data)");
        continue;
      }
      long k = pf.beforeAt.get(idx) + 1;
      for (int q = 0; q < p; q++) {
        if (byPartition[q] != null) {
          k += byPartition[q].counts.getOrDefault(file, 0L);
        }
      }
      out.add(describe(conf, table.format(), file, k, global));
    }
    return out;
  }

  /** Record k (1-based) of one file, in the words of its format. */
  private static String describe(
      Configuration conf, Loaders.Format format, String file, long k, long global) {
    String shown = TextFiles.display(file);
    if (format == Loaders.Format.CSV || format == Loaders.Format.LIBSVM) {
      try {
        long line = recordLine(conf, file, k, format == Loaders.Format.CSV);
        if (line > 0) {
          return "line "
              + line
              + " of "
              + shown
              + (format == Loaders.Format.CSV
                  ? " (the header is line " + headerLine(conf, file) + ")"
                  : "");
        }
      } catch (IOException | RuntimeException e) {
        // Fall through to the record number, which needs no file access.
      }
      return "data row "
          + k
          + " of "
          + shown
          + " (1-based, not counting the header or blank "
          + "lines)";
    }
    return "row " + k + " of " + shown + " (1-based)";
  }

  /**
   * The physical line number of data record k: CSV records are the non-blank lines after the first
   * non-blank one (the header); LibSVM records are the lines that are neither blank nor start with
   * '#'. 0 when the file has fewer records.
   */
  static long recordLine(Configuration conf, String file, long k, boolean csvHeader)
      throws IOException {
    Path p = TextFiles.toPath(file);
    try (BufferedReader r = TextFiles.open(p.getFileSystem(conf), p, conf)) {
      String line;
      long no = 0;
      long seen = 0;
      boolean headerSeen = !csvHeader;
      while ((line = r.readLine()) != null) {
        no++;
        String t = line.trim();
        if (t.isEmpty() || (!csvHeader && t.startsWith("#"))) {
          continue;
        }
        if (!headerSeen) {
          headerSeen = true;
          continue;
        }
        if (++seen == k) {
          return no;
        }
      }
      return 0;
    }
  }

  private static long headerLine(Configuration conf, String file) throws IOException {
    Path p = TextFiles.toPath(file);
    try (BufferedReader r = TextFiles.open(p.getFileSystem(conf), p, conf)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (!line.trim().isEmpty()) {
          return no;
        }
      }
      return 1;
    }
  }
}
