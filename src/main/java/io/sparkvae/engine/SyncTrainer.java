// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import io.sparkvae.kernel.Gradients;
import io.sparkvae.kernel.Objective;
import io.sparkvae.kernel.Optimizer;
import io.sparkvae.kernel.Schedule;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous data-parallel loop of src/site/markdown/training.md, "The models" §3, for any
 * {@link Objective}.
 *
 * <p>One round: the driver broadcasts the flat parameters; every partition takes k minibatch steps
 * on its own cached rows (k = 1: it returns its summed gradient; k > 1: it steps locally and
 * returns its parameters and optimizer state weighted by the rows it used), together with its loss
 * sums and row count; the contributions are summed in a fixed order ({@link DeterministicReduce});
 * the driver applies the update; the broadcast is destroyed.
 *
 * <p>An epoch is S = max ⌈nₚ / B⌉ steps ({@link Schedule}), so ⌈S / k⌉ rounds. Each partition walks
 * its rows in an order drawn from (seed, epoch, partition): there is no shuffle over the network.
 * With one partition and k = 1 this is exactly {@link io.sparkvae.kernel.LocalTrainer}.
 */
public final class SyncTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SyncTrainer.class);

  private final JavaSparkContext sc;
  private final TrainerConfig cfg;
  private final LongSupplier nanoTime;

  public SyncTrainer(JavaSparkContext sc, TrainerConfig cfg) {
    this(sc, cfg, System::nanoTime);
  }

  /**
   * @param nanoTime the clock of round times and of {@link TrainerConfig#checkpointEveryMinutes} (a
   *     test's fake clock; {@code System::nanoTime} otherwise)
   */
  public SyncTrainer(JavaSparkContext sc, TrainerConfig cfg, LongSupplier nanoTime) {
    this.sc = sc;
    this.cfg = cfg;
    this.nanoTime = nanoTime;
  }

  /** Fresh state: parameters from the objective's seeded initializer, zero optimizer state. */
  public static TrainingState initialState(Objective objective, Optimizer optimizer, long seed) {
    float[] params = new float[objective.numParams()];
    objective.initialize(params, seed);
    return new TrainingState(
        params, new float[optimizer.stateSize(params.length)], objective.lossNames().size());
  }

  /**
   * Trains until {@code cfg.epochs()} epochs are done, starting from {@code state} (fresh or
   * resumed), and returns the state at the end. {@code validation} and {@code checkpointer} may be
   * null.
   *
   * @throws DivergenceException when a loss, gradient or parameter stops being finite
   */
  public TrainingState fit(
      Objective objective,
      Optimizer optimizer,
      BlockedData train,
      BlockedData validation,
      TrainingState state,
      Checkpointer checkpointer,
      TrainingListener listener) {
    if (train.width() != objective.rowWidth()) {
      throw new IllegalArgumentException(
          train.name()
              + " has rows of width "
              + train.width()
              + " but the model expects "
              + objective.rowWidth());
    }
    if (validation != null && validation.width() != objective.rowWidth()) {
      throw new IllegalArgumentException(
          validation.name()
              + " has rows of width "
              + validation.width()
              + " but the model expects "
              + objective.rowWidth());
    }
    long[] sizes = train.partitionRows();
    state.requirePartitioning(sizes);
    int steps = Schedule.stepsPerEpoch(sizes, cfg.batchSize());
    if (cfg.syncEvery() > steps) { // an explicit k; 0 (auto) always fits
      throw new IllegalArgumentException(
          "train.sync-every = "
              + cfg.syncEvery()
              + " is larger "
              + "than the "
              + steps
              + " minibatch steps of an epoch ("
              + totalRows(sizes)
              + " rows, batch "
              + cfg.batchSize()
              + "); set it to at most "
              + steps
              + ", or use a smaller batch");
    }
    int k = cfg.syncEvery(steps);
    int rounds = (steps + k - 1) / k;
    long totalRows = train.rows();
    LOG.info(
        "{}: {} rows in {} partitions (largest {}, smallest {}); an epoch is {} steps of {} "
            + "rows (about {} per partition) in {} rounds of k={} local steps",
        cfg.name(),
        totalRows,
        sizes.length,
        Arrays.stream(sizes).max().orElse(0),
        Arrays.stream(sizes).min().orElse(0),
        steps,
        cfg.batchSize(),
        (cfg.batchSize() + sizes.length - 1) / sizes.length,
        rounds,
        k);

    long checkpointEveryNanos = Math.round(cfg.checkpointEveryMinutes() * 60e9);
    long lastSave = nanoTime.getAsLong();
    while (state.position().epoch() < cfg.epochs()) {
      long epochStart = System.nanoTime();
      while (state.position().round() < rounds) {
        long t0 = nanoTime.getAsLong();
        TrainingState.Position at = state.position();
        sc.setJobDescription(
            String.format(
                Locale.ROOT,
                "%s epoch %d/%d round %d/%d",
                cfg.name(),
                at.epoch() + 1,
                cfg.epochs(),
                at.round() + 1,
                rounds));
        runRound(objective, optimizer, train, state, steps, k);
        double secs = (nanoTime.getAsLong() - t0) / 1e9;
        state.finishRound(secs);
        int done = state.position().round();
        listener.onRound(
            new TrainingListener.Round(
                at.epoch(),
                cfg.epochs(),
                done,
                rounds,
                state.epochProgress().rows(),
                totalRows,
                secs));
        boolean epochEnd = done == rounds;
        // By wall time as well as by rounds: either way only the state is saved, so a resume
        // from it gives the uninterrupted run's result.
        boolean byRounds =
            cfg.checkpointEveryRounds() > 0 && done % cfg.checkpointEveryRounds() == 0;
        boolean byTime =
            checkpointEveryNanos > 0 && nanoTime.getAsLong() - lastSave >= checkpointEveryNanos;
        if (checkpointer != null && !epochEnd && (byRounds || byTime)) {
          save(checkpointer, state);
          lastSave = nanoTime.getAsLong();
        }
      }
      int epoch = state.position().epoch();
      double[] trainMeans = state.epochMeans();
      double[] valMeans = null;
      if (validation != null) {
        sc.setJobDescription(
            String.format(
                Locale.ROOT, "%s epoch %d/%d validation", cfg.name(), epoch + 1, cfg.epochs()));
        valMeans =
            evaluate(
                sc,
                objective,
                state.liveParams(),
                validation,
                cfg.seed(),
                epoch,
                cfg.batchSize(),
                cfg.aggregationDepth());
      }
      EpochReport report = state.finishEpoch(objective.lossNames(), trainMeans, valMeans);
      LOG.debug("epoch wall time {} s", (System.nanoTime() - epochStart) / 1e9);
      if (checkpointer != null) {
        save(checkpointer, state);
        lastSave = nanoTime.getAsLong();
      }
      listener.onEpoch(report, cfg.epochs());
    }
    sc.setJobDescription(null);
    return state;
  }

  private static long totalRows(long[] sizes) {
    long n = 0;
    for (long s : sizes) {
      n += s;
    }
    return n;
  }

  private static void save(Checkpointer c, TrainingState s) {
    try {
      c.save(s);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write checkpoint: " + e.getMessage(), e);
    }
  }

  /** What every task of a round needs besides the broadcast vectors. */
  record RoundSpec(
      Objective objective,
      Optimizer optimizer,
      long seed,
      int epoch,
      int round,
      int steps,
      int k,
      long updatesBefore,
      int batchSize,
      int width,
      double clipNorm,
      boolean checkGradients)
      implements Serializable {}

  private void runRound(
      Objective objective,
      Optimizer optimizer,
      BlockedData train,
      TrainingState state,
      int steps,
      int k) {
    TrainingState.Position at = state.position();
    int first = at.round() * k;
    int stepsThisRound = Math.min(first + k, steps) - first;
    RoundSpec spec =
        new RoundSpec(
            objective,
            optimizer,
            cfg.seed(),
            at.epoch(),
            at.round(),
            steps,
            k,
            state.updates(),
            cfg.batchSize(),
            train.width(),
            cfg.clipNorm(),
            false);
    Contribution total = roundJob(train, state, spec);
    String problem = null;
    if (total.badPartition >= 0) {
      throw new DivergenceException(
          at.epoch() + 1,
          at.round() + 1,
          total.badPartition,
          total.badWhat + " at step " + (total.badStep + 1));
    }
    if (k == 1) {
      float scale = Gradients.stepScale(total.vector, total.rows, cfg.clipNorm());
      if (Float.isNaN(scale)
          || (cfg.clipNorm() == 0 && !Double.isFinite(Gradients.norm(total.vector)))) {
        problem = "the gradient is not finite";
      } else {
        state.applyUpdate(optimizer, total.vector, scale);
      }
    } else {
      state.replaceWithAverage(total.vector, (float) (1.0 / total.rows), stepsThisRound);
      if (!Double.isFinite(Gradients.norm(state.liveParams()))) {
        problem = "the averaged parameters are not finite";
      }
    }
    if (problem != null) {
      // Rounds are deterministic: replay this one with per-partition checks to say where.
      Contribution diag =
          roundJob(
              train,
              state,
              new RoundSpec(
                  objective,
                  optimizer,
                  cfg.seed(),
                  at.epoch(),
                  at.round(),
                  steps,
                  k,
                  spec.updatesBefore(),
                  cfg.batchSize(),
                  train.width(),
                  cfg.clipNorm(),
                  true));
      throw new DivergenceException(
          at.epoch() + 1,
          at.round() + 1,
          diag.badPartition,
          diag.badPartition >= 0 ? diag.badWhat + " at step " + (diag.badStep + 1) : problem);
    }
    state.addLosses(total.losses, total.rows);
  }

  static final boolean PROFILE = Boolean.getBoolean("sparkvae.profile");

  private Contribution roundJob(BlockedData train, TrainingState state, RoundSpec spec) {
    long t0 = System.nanoTime();
    float[][] shared =
        spec.k() == 1
            ? new float[][] {state.params()}
            : new float[][] {state.params(), state.liveOptimizerState().clone()};
    Broadcast<float[][]> bc = sc.broadcast(shared);
    long t1 = System.nanoTime();
    try {
      JavaRDD<DeterministicReduce.Leaf> leaves =
          train
              .rdd()
              .mapPartitionsWithIndex(
                  (part, it) -> {
                    long w0 = System.nanoTime();
                    float[][] v = bc.value();
                    long w1 = System.nanoTime();
                    Contribution c = TrainerWorker.round(it.next(), part, spec, v);
                    if (PROFILE) {
                      System.err.printf(
                          "  task %d: bc.value %.1f ms, compute %.1f ms%n",
                          part, (w1 - w0) / 1e6, (System.nanoTime() - w1) / 1e6);
                    }
                    return List.of(new DeterministicReduce.Leaf(part, c)).iterator();
                  },
                  true);
      Contribution c =
          DeterministicReduce.sum(leaves, train.numPartitions(), cfg.aggregationDepth());
      if (PROFILE) {
        System.err.printf(
            "round: broadcast %.1f ms, job %.1f ms%n",
            (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
      }
      return c;
    } finally {
      bc.destroy(false);
    }
  }

  /**
   * Mean loss parts of {@code params} over all rows of {@code data}, without gradients; noise is
   * keyed by (seed, epoch, partition, block) so the figure is reproducible.
   */
  public static double[] evaluate(
      JavaSparkContext sc,
      Objective objective,
      float[] params,
      BlockedData data,
      long seed,
      int epoch,
      int batchSize,
      int depth) {
    Broadcast<float[]> bc = sc.broadcast(params.clone());
    try {
      int width = data.width();
      JavaRDD<DeterministicReduce.Leaf> leaves =
          data.rdd()
              .mapPartitionsWithIndex(
                  (part, it) -> {
                    PartitionData pd = it.next();
                    return List.of(
                            new DeterministicReduce.Leaf(
                                part,
                                TrainerWorker.evaluate(
                                    pd,
                                    part,
                                    objective,
                                    bc.value(),
                                    seed,
                                    epoch,
                                    batchSize,
                                    width)))
                        .iterator();
                  },
                  true);
      Contribution c = DeterministicReduce.sum(leaves, data.numPartitions(), depth);
      double[] means = new double[c.losses.length];
      for (int i = 0; i < means.length; i++) {
        means[i] = c.losses[i] / c.rows;
      }
      return means;
    } finally {
      bc.destroy(false);
    }
  }
}
