// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Test;

/**
 * Data that does not fit in memory: with the training cache forced to disk (DISK_ONLY, what
 * MEMORY_AND_DISK does with partitions that do not fit), every round reads the 8-bit blocks back
 * from disk, and training gives the same model, bit for bit, as from memory.
 */
class CacheOnDiskTest extends SparkTestBase {

  static VariationalAutoencoderModel fit(Dataset<Row> train, String level, List<Long> disk) {
    VariationalAutoencoder est =
        new VariationalAutoencoder()
            .setHiddenLayers(new int[] {32})
            .setLatentSize(3)
            .setEpochs(2)
            .setBatchSize(40)
            .setSyncEvery(2)
            .setSeed(5)
            .setIdCol("id")
            .setStorageLevel(level);
    est.setListener(
        (report, total) -> {
          for (RDDInfo info : spark().sparkContext().getRDDStorageInfo()) {
            if (info.name() != null && info.name().startsWith("spark-vae blocks: training")) {
              disk.add(info.diskSize());
            }
          }
        });
    return est.fit(train);
  }

  @Test
  void trainingFromADiskCacheEqualsTrainingFromMemory() {
    Dataset<Row> train = TestFrames.images(spark(), Samples.trainImages(), 400, 2);
    List<Long> memDisk = new ArrayList<>();
    List<Long> diskDisk = new ArrayList<>();
    VariationalAutoencoderModel inMemory = fit(train, "MEMORY_ONLY", memDisk);
    VariationalAutoencoderModel onDisk = fit(train, "DISK_ONLY", diskDisk);
    assertEquals(List.of(0L, 0L), memDisk);
    assertEquals(2, diskDisk.size());
    // 400 rows of 784 8-bit pixels, serialized: at least the pixels themselves.
    assertTrue(diskDisk.get(0) >= 400 * 784, "bytes on disk: " + diskDisk);
    assertArrayEquals(inMemory.weights(), onDisk.weights());
  }
}
