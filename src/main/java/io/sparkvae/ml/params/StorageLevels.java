// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.Locale;
import org.apache.spark.storage.StorageLevel;

/** Spark storage level names, parsed in one place for the config, the param and the fit. */
public final class StorageLevels {
  private StorageLevels() {}

  /**
   * The storage level named {@code name}, in any case ({@code memory_and_disk} works).
   *
   * @throws IllegalArgumentException "'name' is not a Spark storage level (e.g. …)"
   */
  public static StorageLevel parse(String name) {
    try {
      return StorageLevel.fromString(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a Spark storage level (e.g. "
              + "MEMORY_AND_DISK, MEMORY_ONLY, DISK_ONLY, MEMORY_AND_DISK_SER)",
          e);
    }
  }
}
