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
import java.util.Locale;
import java.util.function.LongSupplier;
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
 * returns its parameters and the carried part of its optimizer state, weighted by the rows it
 * used), together with its loss sums and row count; the contributions are summed in a fixed order
 * ({@link DeterministicReduce}); the driver applies the update (k = 1: one inner step; k > 1: the
 * {@link OuterOptimizer}); the broadcast is destroyed.
 *
 * <p>An epoch is S = ⌈N / B⌉ steps with a global batch ({@link Schedule}), max ⌈nₚ / B⌉ with a
 * batch per partition ({@link ScaleOut.BatchMode}), so ⌈S / k⌉ rounds. Each partition walks its
 * rows in an order drawn from (seed, epoch, partition): there is no shuffle over the network. With
 * one partition and k = 1 this is exactly {@link io.sparkvae.kernel.LocalTrainer}.
 *
 * <p>Everything a round needs is in the broadcast and the task's spec, and everything that lasts
 * (outer momentum, early stopping's best parameters) is on the driver, in {@link TrainingState}: a
 * task re-run on another executor computes the same bits, and a checkpoint holds the whole run.
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
    int batch = cfg.scaleOut().globalBatch(sizes, cfg.batchSize());
    int steps = cfg.scaleOut().batchMode().stepsPerEpoch(sizes, batch);
    ScaleOut.Rates rates = cfg.scaleOut().rates(sizes, cfg.batchSize());
    ScaleOut so =
        cfg.scaleOut().resolve(cfg.syncEvery(steps, sizes.length), sizes.length, rates.grows());
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
              + batch
              + "); set it to at most "
              + steps
              + ", or use a smaller batch");
    }
    TrainerConfig.EarlyStopping stopping = cfg.earlyStopping();
    if (stopping.enabled() && validation == null) {
      throw new IllegalArgumentException(
          "train.early-stopping watches the validation loss: it needs validation data "
              + "(data.test)");
    }
    Round round = new Round(objective, optimizer, train, so, rates, steps, batch);
    state.requireOuterState(round.outer.stateSize(objective.numParams()));
    long totalRows = train.rows();
    LOG.info(
        "{}: {} rows in {} partitions (largest {}, smallest {}); an epoch is {} steps of {} "
            + "rows ({} batch) in rounds of k={} local steps{}; outer rule {}, inner state {}",
        cfg.name(),
        totalRows,
        sizes.length,
        Arrays.stream(sizes).max().orElse(0),
        Arrays.stream(sizes).min().orElse(0),
        steps,
        batch,
        so.batchMode().configName()
            + (batch != cfg.batchSize() ? ", grown from " + cfg.batchSize() : ""),
        cfg.syncEvery(steps, sizes.length),
        so.syncWarmupEpochs() > 0 ? " (k=1 for the first " + so.syncWarmupEpochs() + ")" : "",
        so.outer().configName()
            + (so.outerWarmupEpochs() > 0 && so.outer() != OuterOptimizer.Kind.AVERAGE
                ? " after " + so.outerWarmupEpochs() + " epoch(s) of plain averaging"
                : ""),
        so.innerState().configName());

    if (cfg.syncEvery(steps, sizes.length) == 1
        && (so.outer() != OuterOptimizer.Kind.AVERAGE
            || so.innerState() != ScaleOut.InnerState.AVERAGE)) {
      // Rounds of one step are exact inner steps on the union batch: nothing to average.
      LOG.warn(
          "{}: train.outer-optimizer and train.optimizer-state act on rounds of local steps; "
              + "with k = 1 they have no effect",
          cfg.name());
    }
    String emaWarning = cfg.emaWarning(steps);
    if (emaWarning != null) {
      LOG.warn("{}: {}", cfg.name(), emaWarning);
    }
    long checkpointEveryNanos = Math.round(cfg.checkpointEveryMinutes() * 60e9);
    long lastSave = nanoTime.getAsLong();
    while (state.position().epoch() < cfg.epochs()
        && !stoppedEarly(state)
        && !listener.stopRequested()) {
      long epochStart = System.nanoTime();
      int k = cfg.syncEvery(state.position().epoch(), steps, sizes.length);
      int rounds = (steps + k - 1) / k;
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
        long updatesBefore = state.updates();
        runRound(round, state, k);
        if (cfg.emaDecay() > 0) {
          state.foldAverage(cfg.emaDecay(), state.updates() - updatesBefore);
        }
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
                state.currentModel(),
                validation,
                cfg.seed(),
                epoch,
                cfg.batchSize(),
                cfg.aggregationDepth());
        if (stopping.enabled()) {
          state.recordValidation(valMeans[0], stopping.minDelta());
        }
      }
      EpochReport report = state.finishEpoch(objective.lossNames(), trainMeans, valMeans);
      LOG.debug("epoch wall time {} s", (System.nanoTime() - epochStart) / 1e9);
      if (checkpointer != null) {
        save(checkpointer, state);
        lastSave = nanoTime.getAsLong();
      }
      listener.onEpoch(report, cfg.epochs());
    }
    if (stoppedEarly(state)) {
      LOG.info(
          "{}: stopped early after epoch {}: no improvement of the validation {} by more than {} "
              + "in {} epochs; keeping epoch {}'s parameters",
          cfg.name(),
          state.position().epoch(),
          objective.lossNames().get(0),
          stopping.minDelta(),
          stopping.patience(),
          state.bestEpoch());
    }
    sc.setJobDescription(null);
    return state;
  }

  /** Whether early stopping's patience has run out (a resumed state may arrive so). */
  private boolean stoppedEarly(TrainingState state) {
    TrainerConfig.EarlyStopping e = cfg.earlyStopping();
    return e.enabled() && state.epochsSinceBest() >= e.patience();
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
      boolean checkGradients,
      ScaleOut.Rates rates,
      ScaleOut.InnerState innerState,
      int[] carried)
      implements Serializable {}

  /** What stays the same for every round of a fit. */
  private static final class Round {
    final Objective objective;
    final Optimizer optimizer;
    final BlockedData train;
    final ScaleOut.Rates rates;
    final ScaleOut.InnerState innerState;
    final int[] carried;
    final OuterOptimizer outer;
    final ScaleOut scaleOut;
    final int steps;
    final int batch;

    Round(
        Objective objective,
        Optimizer optimizer,
        BlockedData train,
        ScaleOut so,
        ScaleOut.Rates rates,
        int steps,
        int batch) {
      this.objective = objective;
      this.optimizer = optimizer;
      this.train = train;
      this.rates = rates;
      this.innerState = so.innerState();
      this.carried = innerState.carriedRanges(optimizer, objective.numParams());
      this.outer = OuterOptimizer.of(so.outer(), so.outerLearningRate(), so.outerMomentum());
      this.scaleOut = so;
      this.steps = steps;
      this.batch = batch;
    }
  }

  private RoundSpec spec(Round r, TrainingState state, int k, long updatesBefore, boolean check) {
    TrainingState.Position at = state.position();
    return new RoundSpec(
        r.objective,
        r.optimizer,
        cfg.seed(),
        at.epoch(),
        at.round(),
        r.steps,
        k,
        updatesBefore,
        r.batch,
        r.train.width(),
        cfg.clipNorm(),
        check,
        r.rates,
        r.innerState,
        r.carried);
  }

  private void runRound(Round r, TrainingState state, int k) {
    TrainingState.Position at = state.position();
    int first = at.round() * k;
    int last = Math.min(first + k, r.steps);
    long updatesBefore = state.updates();
    RoundSpec spec = spec(r, state, k, updatesBefore, false);
    Contribution total = roundJob(r.train, state, spec);
    String problem = null;
    if (total.badPartition >= 0) {
      throw new DivergenceException(
          at.epoch() + 1,
          at.round() + 1,
          total.badPartition,
          total.badWhat + " at step " + (total.badStep + 1));
    }
    if (total.rows == 0) {
      // No partition had a row for these steps (a batch smaller than the partitions holding rows
      // spreads each partition's few rows over more steps than it has): nothing to apply.
      LOG.debug("epoch {} round {}: no rows, no update", at.epoch() + 1, at.round() + 1);
    } else if (k == 1) {
      float scale = Gradients.stepScale(total.vector, total.rows, cfg.clipNorm());
      if (Float.isNaN(scale)
          || (cfg.clipNorm() == 0 && !Double.isFinite(Gradients.norm(total.vector)))) {
        problem = "the gradient is not finite";
      } else {
        state.applyUpdate(r.rates.at(r.optimizer, at.epoch(), first, r.steps), total.vector, scale);
      }
    } else if (!Double.isFinite(Gradients.norm(total.vector))) {
      // Checked before the state changes: the replay below must start where this round started.
      problem = "a partition's parameters or optimizer state are not finite at the round's end";
    } else {
      // SlowMo's γ: the inner rate of the round's last step.
      double gamma = r.rates.at(r.optimizer, at.epoch(), last - 1, r.steps).learningRate();
      OuterOptimizer outer = r.scaleOut.outerAt(at.epoch(), r.outer);
      state.endLocalRound(
          total.vector, (float) (1.0 / total.rows), last - first, r.carried, outer, gamma);
      if (!Double.isFinite(Gradients.norm(state.liveParams()))) {
        // Every partition ended finite, so no partition is to blame; a replay would start from
        // the changed state and blame the wrong step.
        throw new DivergenceException(
            at.epoch() + 1,
            at.round() + 1,
            -1,
            "the outer step made the averaged parameters non-finite");
      }
    }
    if (problem != null) {
      // Rounds are deterministic: replay this one with per-partition checks to say where.
      Contribution diag = roundJob(r.train, state, spec(r, state, k, updatesBefore, true));
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
    // The live arrays, not copies: the broadcast serializes them now, and the driver changes them
    // only after the job, when no task reads them any more.
    float[][] shared =
        spec.k() == 1
            ? new float[][] {state.liveParams()}
            : new float[][] {state.liveParams(), carriedState(state.liveOptimizerState(), spec)};
    Broadcast<FloatWire.Shared> bc = sc.broadcast(new FloatWire.Shared(shared));
    long t1 = System.nanoTime();
    try {
      Contribution c =
          DeterministicReduce.sum(
              train.rdd(),
              (part, it) -> {
                long w0 = System.nanoTime();
                float[][] v = bc.value().vectors();
                long w1 = System.nanoTime();
                Contribution one = TrainerWorker.round(PartitionData.single(it), part, spec, v);
                if (PROFILE) {
                  System.err.printf(
                      "  task %d: start +%.1f bc.value %.1f ms, compute %.1f ms, end +%.1f%n",
                      part,
                      (w0 - t1) / 1e6,
                      (w1 - w0) / 1e6,
                      (System.nanoTime() - w1) / 1e6,
                      (System.nanoTime() - t1) / 1e6);
                }
                return one;
              },
              cfg.aggregationDepth());
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

  /** The slices of the optimizer state a round of local steps starts from, concatenated. */
  private static float[] carriedState(float[] state, RoundSpec spec) {
    int[] r = spec.carried();
    if (r.length == 2 && r[0] == 0 && r[1] == state.length) {
      return state; // all of it, as it is
    }
    int n = 0;
    for (int i = 0; i < r.length; i += 2) {
      n += r[i + 1] - r[i];
    }
    float[] out = new float[n];
    int at = 0;
    for (int i = 0; i < r.length; i += 2) {
      System.arraycopy(state, r[i], out, at, r[i + 1] - r[i]);
      at += r[i + 1] - r[i];
    }
    return out;
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
    Broadcast<FloatWire.Shared> bc =
        sc.broadcast(new FloatWire.Shared(new float[][] {params.clone()}));
    try {
      int width = data.width();
      Contribution c =
          DeterministicReduce.sum(
              data.rdd(),
              (part, it) ->
                  TrainerWorker.evaluate(
                      PartitionData.single(it),
                      part,
                      objective,
                      bc.value().vectors()[0],
                      seed,
                      epoch,
                      batchSize,
                      width),
              depth);
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
