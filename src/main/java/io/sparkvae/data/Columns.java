// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Columns named by users, who may put dots or backticks in a name. */
public final class Columns {
  private Columns() {}

  /**
   * The column called {@code name}, exactly: a dot is part of the name, not a struct field (the
   * model reads and writes its columns by exact name too).
   */
  public static Column exact(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }
}
