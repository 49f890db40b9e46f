// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train.checkpoint-every-minutes on a fake clock: when it saves, and that a resume is exact. */
class CheckpointByTimeTest extends SparkTestBase {
  private static final ByteRows IMAGES = Samples.trainImages();
  private static final VaeArchitecture ARCH =
      new VaeArchitecture(784, new int[] {32}, 4, Activation.RELU, Likelihood.BERNOULLI);
  private static final long MINUTE = 60_000_000_000L;

  /** Also {@link WeightAverageTest}'s. */
  static BlockedData blocks() {
    // One partition of 300 rows, batch 50, k = 1: six rounds an epoch.
    return BlockedData.build(
        TestFrames.imagesWithSizes(spark(), IMAGES, new int[] {300}),
        FeatureReader.forColumn(TestFrames.IMAGE_SCHEMA, "features"),
        new BlockedData.Requirements(true, -1),
        StorageLevel.MEMORY_ONLY(),
        "test data",
        "id");
  }

  private static TrainerConfig config(double minutes) {
    return new TrainerConfig("test", 3, 50, 1, 5, 1, 0, 0, minutes);
  }

  /** Every round takes a minute of the fake clock; {@code crashAt} = {epoch, round} or null. */
  private static TrainingListener minutePerRound(AtomicLong clock, int[] crashAt) {
    return new TrainingListener() {
      @Override
      public void onEpoch(EpochReport r, int total) {}

      @Override
      public void onRound(Round r) {
        clock.addAndGet(MINUTE);
        if (crashAt != null && r.epoch() == crashAt[0] && r.round() == crashAt[1]) {
          throw new IllegalStateException("simulated crash");
        }
      }
    };
  }

  /** Records where each save happened, then saves to the directory. */
  private static final class Recording implements Checkpointer {
    final List<String> saves = new ArrayList<>();
    final FsCheckpointer fs;

    Recording(String dir) {
      fs = new FsCheckpointer(jsc().hadoopConfiguration(), dir, Map.of("test", "1"), Set.of());
    }

    @Override
    public void save(TrainingState s) throws IOException {
      saves.add(s.position().epoch() + "/" + s.position().round());
      fs.save(s);
    }

    @Override
    public TrainingState load() throws IOException {
      return fs.load();
    }
  }

  @Test
  void aCheckpointIsSavedAfterTheFirstRoundThatEndsTheIntervalAfterTheLastOne(@TempDir Path dir) {
    VaeObjective obj = new VaeObjective(ARCH);
    Adam adam = new Adam(1e-3);
    try (BlockedData data = blocks()) {
      AtomicLong clock = new AtomicLong();
      Recording ck = new Recording(dir.resolve("a").toString());
      new SyncTrainer(jsc(), config(2.5), clock::get)
          .fit(
              obj,
              adam,
              data,
              null,
              SyncTrainer.initialState(obj, adam, 5),
              ck,
              minutePerRound(clock, null));
      // 2.5 minutes: after round 3 of each epoch (3 minutes), and at every epoch end (which
      // restarts the interval); "epoch/round" of the saved state.
      assertEquals(List.of("0/3", "1/0", "1/3", "2/0", "2/3", "3/0"), ck.saves);

      Recording off = new Recording(dir.resolve("b").toString());
      clock.set(0);
      new SyncTrainer(jsc(), config(0), clock::get)
          .fit(
              obj,
              adam,
              data,
              null,
              SyncTrainer.initialState(obj, adam, 5),
              off,
              minutePerRound(clock, null));
      assertEquals(List.of("1/0", "2/0", "3/0"), off.saves, "0 = epoch ends only");
    }
  }

  @Test
  void aRunResumedFromACheckpointByTimeEndsBitIdenticalToAnUninterruptedRun(@TempDir Path dir)
      throws IOException {
    VaeObjective obj = new VaeObjective(ARCH);
    Adam adam = new Adam(1e-3);
    try (BlockedData data = blocks()) {
      AtomicLong clock = new AtomicLong();
      TrainingState straight =
          new SyncTrainer(jsc(), config(0), clock::get)
              .fit(
                  obj,
                  adam,
                  data,
                  null,
                  SyncTrainer.initialState(obj, adam, 5),
                  null,
                  minutePerRound(clock, null));

      Recording ck = new Recording(dir.toString());
      clock.set(0);
      assertThrows(
          IllegalStateException.class,
          () ->
              new SyncTrainer(jsc(), config(2.5), clock::get)
                  .fit(
                      obj,
                      adam,
                      data,
                      null,
                      SyncTrainer.initialState(obj, adam, 5),
                      ck,
                      minutePerRound(clock, new int[] {1, 5})));
      assertEquals(List.of("0/3", "1/0", "1/3"), ck.saves);

      TrainingState saved = ck.load();
      assertEquals(1, saved.position().epoch());
      assertEquals(3, saved.position().round(), "the last checkpoint is the one taken by time");
      TrainingState resumed =
          new SyncTrainer(jsc(), config(2.5), clock::get)
              .fit(obj, adam, data, null, saved, ck, minutePerRound(clock, null));
      assertArrayEquals(straight.liveParams(), resumed.liveParams(), "bit-identical parameters");
      assertArrayEquals(straight.liveOptimizerState(), resumed.liveOptimizerState());
      assertEquals(straight.updates(), resumed.updates());
      for (int e = 0; e < 3; e++) {
        assertArrayEquals(
            straight.history().get(e).train(),
            resumed.history().get(e).train(),
            "epoch " + (e + 1) + " train losses");
      }
    }
  }
}
