// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Adam;
import io.sparkvae.kernel.ByteRows;
import io.sparkvae.kernel.Gradients;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.LocalTrainer;
import io.sparkvae.kernel.Rng;
import io.sparkvae.kernel.Rows;
import io.sparkvae.kernel.Schedule;
import io.sparkvae.kernel.Sgd;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine against the kernel alone: the proof that the distributed loop is right. */
class SyncTrainerTest extends SparkTestBase {
  private static final ByteRows IMAGES = Samples.trainImages();
  private static final VaeArchitecture ARCH =
      new VaeArchitecture(784, new int[] {64}, 8, Activation.RELU, Likelihood.BERNOULLI);

  /** 12×12 images through two stride-2 convolutions (4 and 8 filters) and a dense layer. */
  private static final VaeArchitecture CONV =
      VaeArchitecture.conv(
          new VaeArchitecture.Conv(Samples.SMALL, Samples.SMALL, 1, List.of(4, 8), 4, 2, 1),
          new int[] {16},
          4,
          Activation.RELU,
          Likelihood.BERNOULLI);

  private static BlockedData blocks(int[] sizes) {
    return blocks(IMAGES, sizes);
  }

  /** The images of {@code arch}: 28×28 for the MLP, 12×12 for the convolutional model. */
  private static ByteRows imagesFor(VaeArchitecture arch) {
    return arch.isConvolutional() ? Samples.shrunk(IMAGES, 400) : IMAGES;
  }

  private static BlockedData blocks(ByteRows images, int[] sizes) {
    return BlockedData.build(
        TestFrames.imagesWithSizes(spark(), images, sizes),
        FeatureReader.forColumn(TestFrames.IMAGE_SCHEMA, "features"),
        new BlockedData.Requirements(true, -1),
        StorageLevel.MEMORY_ONLY(),
        "test data",
        "id");
  }

  private static TrainingState train(
      BlockedData data,
      VaeObjective obj,
      int epochs,
      int batch,
      int k,
      long seed,
      io.sparkvae.kernel.Optimizer opt) {
    TrainerConfig cfg = new TrainerConfig("test", epochs, batch, k, seed, 1, 0, 0);
    TrainingState s = SyncTrainer.initialState(obj, opt, seed);
    return new SyncTrainer(jsc(), cfg).fit(obj, opt, data, null, s, null, TrainingListener.NONE);
  }

  @Test
  void onePartitionWithKOneIsExactlyTheKernelTrainedAlone() {
    VaeObjective obj = new VaeObjective(ARCH);
    try (BlockedData data = blocks(new int[] {300})) {
      TrainingState s = train(data, obj, 2, 32, 1, 17, new Adam(1e-3));
      LocalTrainer alone = new LocalTrainer(obj, new Adam(1e-3), 32, 17, 0);
      Rows rows = Rows.of(Samples.head(IMAGES, 300));
      alone.trainEpoch(rows, 0);
      alone.trainEpoch(rows, 1);
      assertArrayEquals(alone.params(), s.params(), "bit-identical parameters");
      assertArrayEquals(alone.optimizerState(), s.liveOptimizerState());
      assertEquals(alone.updates(), s.updates());
      assertEquals(2, s.history().size());
      assertEquals(300, s.history().get(1).rows());
    }
  }

  @Test
  void manyPartitionsWithKOneIsAdamOnTheUnionOfTheirMinibatches() {
    int[] sizes = {100, 120, 80};
    int batch = 20;
    long seed = 5;
    VaeObjective obj = new VaeObjective(ARCH);
    float[] engine;
    try (BlockedData data = blocks(sizes)) {
      engine = train(data, obj, 2, batch, 1, seed, new Adam(1e-3)).params();
    }

    // Single machine: at step j, the union of every partition's slice j, with the same noise.
    float[] params = new float[obj.numParams()];
    obj.initialize(params, seed);
    Adam adam = new Adam(1e-3);
    float[] state = new float[adam.stateSize(params.length)];
    long[] lsizes = Arrays.stream(sizes).asLongStream().toArray();
    int steps = Schedule.stepsPerEpoch(lsizes, batch);
    int total = Arrays.stream(sizes).sum();
    int h = ARCH.latent();
    VaeObjective.Workspace ws = obj.newWorkspace(total, 1);
    float[] x = new float[total * 784];
    float[] eps = new float[total * h];
    float[] grad = new float[params.length];
    long t = 0;
    for (int e = 0; e < 2; e++) {
      int[][] orders = new int[sizes.length][];
      for (int p = 0; p < sizes.length; p++) {
        orders[p] = new int[sizes[p]];
        Schedule.order(orders[p], sizes[p], seed, e, p);
      }
      for (int j = 0; j < steps; j++) {
        int m = 0;
        int start = 0;
        for (int p = 0; p < sizes.length; p++) {
          Rows part = Rows.of(slice(IMAGES, start, sizes[p]));
          int from = Schedule.sliceStart(sizes[p], steps, j);
          int to = Schedule.sliceStart(sizes[p], steps, j + 1);
          float[] px = new float[(to - from) * 784];
          part.gather(orders[p], from, to, px);
          System.arraycopy(px, 0, x, m * 784, px.length);
          Rng.keyed(seed, VaeObjective.STREAM_NOISE, e, p, j)
              .fillGaussian(eps, m * h, (to - from) * h);
          m += to - from;
          start += sizes[p];
        }
        Arrays.fill(grad, 0f);
        ws.lossAndGradient(
            params, x, m, eps, obj.klWeight(e + (double) j / steps), grad, new double[3]);
        adam.update(params, grad, Gradients.stepScale(grad, m, 0), state, ++t);
      }
    }
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < params.length; i++) {
      diff = Math.max(diff, Math.abs(params[i] - engine[i]));
      norm = Math.max(norm, Math.abs(params[i]));
    }
    // Only the float summation order differs (per-partition sums vs one product).
    assertTrue(diff < 2e-5 * norm, "max |Δθ| = " + diff + " (max |θ| = " + norm + ")");
  }

  private static ByteRows slice(ByteRows rows, int start, int n) {
    return new ByteRows(
        Arrays.copyOfRange(rows.data(), start * rows.width(), (start + n) * rows.width()),
        n,
        rows.width());
  }

  static List<VaeArchitecture> architectures() {
    return List.of(ARCH, CONV);
  }

  @ParameterizedTest
  @MethodSource("architectures")
  void sameSeedAndPartitioningGiveBitIdenticalModels(VaeArchitecture arch) {
    VaeObjective obj = new VaeObjective(arch, 1.0, 0.5, 2);
    ByteRows images = imagesFor(arch);
    float[][] runs = new float[3][];
    long[] seeds = {9, 9, 10};
    for (int i = 0; i < 3; i++) {
      try (BlockedData data = blocks(images, new int[] {90, 110, 70, 130})) {
        runs[i] = train(data, obj, 2, 16, 3, seeds[i], new Adam(2e-3)).params();
      }
    }
    assertArrayEquals(runs[0], runs[1]);
    assertFalse(Arrays.equals(runs[0], runs[2]), "a different seed gives a different model");
  }

  @Test
  void localStepsHandleUnevenAndEmptyPartitionsAndLearn() {
    VaeObjective obj = new VaeObjective(ARCH);
    try (BlockedData data = blocks(new int[] {400, 0, 150, 250})) {
      assertArrayEquals(new long[] {400, 0, 150, 250}, data.partitionRows());
      TrainerConfig cfg = new TrainerConfig("test", 3, 50, 4, 3, 1, 0, 0);
      Adam adam = new Adam(2e-3);
      TrainingState s = SyncTrainer.initialState(obj, adam, 3);
      double before = SyncTrainer.evaluate(jsc(), obj, s.params(), data, 3, 0, 64, 1)[0];
      new SyncTrainer(jsc(), cfg).fit(obj, adam, data, data, s, null, TrainingListener.NONE);
      for (EpochReport r : s.history()) {
        assertEquals(800, r.rows(), "every row seen once per epoch");
        assertEquals(4, r.rounds(), "16 steps of 50 rows in rounds of 4");
      }
      double after = s.history().get(2).validation()[0];
      assertTrue(after < before - 100, "−ELBO " + before + " -> " + after);
      assertEquals(48, s.updates(), "3 epochs × 16 steps");
    }
  }

  @Test
  void aTreeOfDepthTwoSumsLikeTheDriverUpToFloatRounding() {
    VaeObjective obj = new VaeObjective(ARCH);
    int[] sizes = {50, 60, 40, 70, 30};
    float[] depth1;
    float[] depth2a;
    float[] depth2b;
    try (BlockedData data = blocks(sizes)) {
      TrainerConfig c1 = new TrainerConfig("test", 1, 10, 1, 1, 1, 0, 0);
      TrainerConfig c2 = new TrainerConfig("test", 1, 10, 1, 1, 2, 0, 0);
      Adam adam = new Adam(1e-3);
      depth1 =
          new SyncTrainer(jsc(), c1)
              .fit(
                  obj,
                  adam,
                  data,
                  null,
                  SyncTrainer.initialState(obj, adam, 1),
                  null,
                  TrainingListener.NONE)
              .params();
      depth2a =
          new SyncTrainer(jsc(), c2)
              .fit(
                  obj,
                  adam,
                  data,
                  null,
                  SyncTrainer.initialState(obj, adam, 1),
                  null,
                  TrainingListener.NONE)
              .params();
      depth2b =
          new SyncTrainer(jsc(), c2)
              .fit(
                  obj,
                  adam,
                  data,
                  null,
                  SyncTrainer.initialState(obj, adam, 1),
                  null,
                  TrainingListener.NONE)
              .params();
    }
    assertArrayEquals(depth2a, depth2b, "depth 2 is deterministic too");
    for (int i = 0; i < depth1.length; i++) {
      assertEquals(depth1[i], depth2a[i], 1e-4f);
    }
  }

  @Test
  void syncEveryLargerThanAPartitionsStepsIsAClearError() {
    VaeObjective obj = new VaeObjective(ARCH);
    try (BlockedData data = blocks(new int[] {100, 100})) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> train(data, obj, 1, 20, 11, 1, new Adam(1e-3)));
      assertTrue(
          e.getMessage()
              .contains(
                  "train.sync-every = 11 is larger than the 10 minibatch "
                      + "steps of an epoch (200 rows, batch 20)"),
          e.getMessage());
    }
  }

  /** SGD that makes every weight infinite at update {@code poisonAt}, on every partition. */
  private static final class PoisonedSgd implements io.sparkvae.kernel.Optimizer {
    private static final long serialVersionUID = 1L;
    private final Sgd sgd = new Sgd(1e-3);
    private final long poisonAt;

    PoisonedSgd(long poisonAt) {
      this.poisonAt = poisonAt;
    }

    @Override
    public int stateSize(int numParams) {
      return 0;
    }

    @Override
    public void update(float[] params, float[] grad, float gradScale, float[] state, long t) {
      sgd.update(params, grad, gradScale, state, t);
      if (t == poisonAt) {
        Arrays.fill(params, Float.POSITIVE_INFINITY);
      }
    }

    @Override
    public double learningRate() {
      return sgd.learningRate();
    }

    @Override
    public io.sparkvae.kernel.Optimizer scaled(double factor) {
      return this;
    }

    @Override
    public String describe() {
      return "poisoned sgd";
    }
  }

  @Test
  void divergenceOnARoundsLastLocalStepIsReplayedFromTheRoundsStartAndNamesThatStep() {
    VaeObjective obj = new VaeObjective(ARCH);
    try (BlockedData data = blocks(new int[] {100, 100})) {
      // k = 2: the first round's second and last step makes the weights infinite. Its losses are
      // finite, so only the averaged result shows it; the replay must start from the round's
      // start (step 1 fine, step 2 not), not from the infinite average (step 1 already bad).
      DivergenceException e =
          assertThrows(
              DivergenceException.class, () -> train(data, obj, 1, 20, 2, 1, new PoisonedSgd(2)));
      assertEquals(1, e.epoch());
      assertEquals(1, e.round(), e.getMessage());
      assertTrue(e.partition() >= 0, "names the partition: " + e.getMessage());
      assertTrue(e.getMessage().contains("at step 2"), e.getMessage());
      assertTrue(e.getMessage().contains("local parameters are not finite"), e.getMessage());
    }
  }

  @Test
  void aBatchSmallerThanThePartitionsSkipsTheStepsWithNoRowsInsteadOfFailing() {
    VaeObjective obj = new VaeObjective(ARCH);
    try (BlockedData data = blocks(new int[] {3, 3})) {
      // Batch 1 over 6 rows: 6 steps an epoch, each partition's 3 rows spread over them, so
      // steps 1, 3 and 5 have a row on both partitions and steps 0, 2 and 4 on neither.
      TrainingState s = train(data, obj, 2, 1, 1, 1, new Adam(1e-3));
      assertEquals(6, s.updates(), "three steps with rows in each of two epochs");
      assertEquals(2, s.history().size());
      assertTrue(Double.isFinite(s.history().get(1).train()[0]));
    }
  }

  @Test
  void divergenceNamesEpochRoundAndPartition() {
    VaeObjective obj = new VaeObjective(ARCH);
    try (BlockedData data = blocks(new int[] {100, 100})) {
      DivergenceException e =
          assertThrows(
              DivergenceException.class, () -> train(data, obj, 2, 20, 1, 1, new Sgd(1e9)));
      assertEquals(1, e.epoch());
      assertTrue(e.partition() >= 0, "names the partition: " + e.getMessage());
      assertTrue(e.round() >= 1 && e.round() <= 5, e.getMessage());
      assertTrue(e.getMessage().contains("epoch 1, round " + e.round()), e.getMessage());
      assertTrue(e.getMessage().contains("learning-rate"), e.getMessage());
    }
  }
}
