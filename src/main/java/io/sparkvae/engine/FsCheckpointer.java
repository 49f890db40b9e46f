// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.Checksums;
import io.sparkvae.io.FileSystems;
import io.sparkvae.io.Json;
import io.sparkvae.io.Safetensors;
import io.sparkvae.io.SafetensorsContents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints in a directory on any Hadoop file system: {@code state.safetensors} (parameters,
 * optimizer state, the outer optimizer's momentum, early stopping's best parameters, the moving
 * average of the weights, the current epoch's partial loss sums, rows per partition) and {@code
 * state.json} (epoch, round, step count, early stopping's best loss, epoch and patience counter,
 * the moving average's weight, finished epochs, the settings fingerprint and the weights' SHA-256).
 * Version 1 checkpoints (before outer optimizers and early stopping) still load. The directory is
 * replaced as a whole ({@link AtomicFiles}), so a crash while saving leaves the previous checkpoint
 * intact, and the two files always belong together.
 */
public final class FsCheckpointer implements Checkpointer {
  static final String STATE_JSON = "state.json";
  static final String STATE_WEIGHTS = "state.safetensors";
  static final int VERSION = 2;

  private final Configuration conf;
  private final Path dir;
  private final Map<String, String> fingerprint;
  private final Set<String> mayChange;

  /**
   * @param fingerprint the settings a resumed run must share with the run that saved (changing the
   *     learning rate, say, would not give the uninterrupted run's result)
   * @param mayChange fingerprint keys allowed to differ on resume (e.g. the epoch count)
   */
  public FsCheckpointer(
      Configuration conf, String dir, Map<String, String> fingerprint, Set<String> mayChange) {
    this.conf = conf;
    this.dir = new Path(dir);
    this.fingerprint = new LinkedHashMap<>(fingerprint);
    this.mayChange = mayChange;
  }

  public Path directory() {
    return dir;
  }

  @Override
  public void save(TrainingState s) throws IOException {
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    tensors.add(Safetensors.Tensor.f32("params", s.liveParams()));
    tensors.add(Safetensors.Tensor.f32("optimizer_state", s.liveOptimizerState()));
    tensors.add(Safetensors.Tensor.f64("epoch_losses", s.epochLosses()));
    tensors.add(Safetensors.Tensor.i64("partition_rows", s.partitionRows()));
    tensors.add(Safetensors.Tensor.f32("outer_state", s.liveOuterState()));
    TrainingState.Best best = s.best();
    if (best != null) {
      tensors.add(Safetensors.Tensor.f32("best_params", best.params()));
    }
    TrainingState.Average average = s.average();
    if (average != null) {
      tensors.add(Safetensors.Tensor.f32("weight_average", average.sum()));
    }
    byte[] weights = Safetensors.toBytes(tensors, Map.of("format", "spark-vae-checkpoint"));

    ObjectNode j = Json.object();
    j.put("format", "spark-vae-checkpoint");
    j.put("format_version", VERSION);
    TrainingState.EpochProgress progress = s.epochProgress();
    j.put("epoch", s.position().epoch());
    j.put("round", s.position().round());
    j.put("updates", s.updates());
    j.put("epoch_rows", progress.rows());
    j.put("epoch_rounds", progress.rounds());
    j.put("epoch_seconds", progress.seconds());
    if (best != null) {
      ObjectNode b = j.putObject("early_stopping");
      b.put("best_loss", best.loss());
      b.put("best_epoch", best.epoch());
      b.put("epochs_since_best", best.epochsSince());
    }
    if (average != null) {
      j.put("weight_average_weight", average.weight());
    }
    ObjectNode fp = j.putObject("settings");
    fingerprint.forEach(fp::put);
    ArrayNode hist = j.putArray("history");
    for (EpochReport r : s.history()) {
      hist.add(toJson(r));
    }
    j.put("weights_sha256", Checksums.sha256Hex(weights));
    byte[] json = Json.write(j).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    FileSystem fs = FileSystems.of(dir, conf);
    AtomicFiles.replaceDirectoryAtomically(
        fs,
        dir,
        tmp -> {
          AtomicFiles.writeDurably(fs, new Path(tmp, STATE_WEIGHTS), weights);
          AtomicFiles.writeDurably(fs, new Path(tmp, STATE_JSON), json);
        });
  }

  @Override
  public TrainingState load() throws IOException {
    FileSystem fs = FileSystems.of(dir, conf);
    AtomicFiles.recover(fs, dir);
    Path jsonPath = new Path(dir, STATE_JSON);
    if (!fs.exists(jsonPath)) {
      return null;
    }
    String source = "checkpoint " + jsonPath;
    JsonNode j =
        Json.read(
            new String(
                AtomicFiles.readAll(fs, jsonPath, 64L << 20),
                java.nio.charset.StandardCharsets.UTF_8),
            source);
    if (!"spark-vae-checkpoint".equals(j.path("format").asText())) {
      throw new IOException(source + ": not a spark-vae checkpoint");
    }
    int version = j.path("format_version").asInt();
    if (version != VERSION && version != 1) {
      throw new IOException(
          source
              + ": checkpoint format version "
              + j.path("format_version").asText()
              + "; this spark-vae reads version "
              + VERSION);
    }
    List<String> changed = new ArrayList<>();
    JsonNode saved = j.path("settings");
    for (Map.Entry<String, String> e : fingerprint.entrySet()) {
      String was = saved.has(e.getKey()) ? saved.get(e.getKey()).asText() : null;
      if (!mayChange.contains(e.getKey()) && !e.getValue().equals(was)) {
        changed.add(e.getKey() + " was " + was + ", now " + e.getValue());
      }
    }
    // A setting the fingerprint names only away from its old default: saved, and absent now,
    // means it went back to that default (a moving average switched off, say).
    saved
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!fingerprint.containsKey(k) && !mayChange.contains(k)) {
                changed.add(k + " was " + saved.get(k).asText() + ", now its default");
              }
            });
    if (!changed.isEmpty()) {
      throw new IllegalStateException(
          "cannot resume from "
              + dir
              + ": the settings changed since "
              + "it was written ("
              + String.join("; ", changed)
              + "). Resume with the same settings, "
              + "or start a new run in another output directory.");
    }
    byte[] weights = AtomicFiles.readAll(fs, new Path(dir, STATE_WEIGHTS), Integer.MAX_VALUE - 64);
    Checksums.verifySha256(
        weights, j.path("weights_sha256").asText(), "checkpoint " + new Path(dir, STATE_WEIGHTS));
    SafetensorsContents c = Safetensors.read(weights, "checkpoint " + dir);
    double[] losses = c.doubles("epoch_losses");
    List<EpochReport> history = new ArrayList<>();
    for (Iterator<JsonNode> it = j.path("history").elements(); it.hasNext(); ) {
      history.add(fromJson(it.next()));
    }
    JsonNode es = j.path("early_stopping");
    TrainingState.Best best =
        es.isObject()
            ? new TrainingState.Best(
                es.path("best_loss").asDouble(),
                es.path("best_epoch").asInt(),
                c.floats("best_params"),
                es.path("epochs_since_best").asInt())
            : null;
    return TrainingState.restored(
        c.floats("params"),
        c.floats("optimizer_state"),
        losses,
        c.longs("partition_rows"),
        new TrainingState.Position(j.path("epoch").asInt(), j.path("round").asInt()),
        j.path("updates").asLong(),
        new TrainingState.EpochProgress(
            j.path("epoch_rows").asLong(),
            j.path("epoch_rounds").asInt(),
            j.path("epoch_seconds").asDouble()),
        history,
        c.names().contains("outer_state") ? c.floats("outer_state") : new float[0],
        best,
        c.names().contains("weight_average")
            ? new TrainingState.Average(
                c.floats("weight_average"), j.path("weight_average_weight").asDouble())
            : null);
  }

  static ObjectNode toJson(EpochReport r) {
    ObjectNode o = Json.object();
    o.put("epoch", r.epoch());
    ArrayNode names = o.putArray("loss_names");
    r.lossNames().forEach(names::add);
    ArrayNode train = o.putArray("train");
    for (double v : r.train()) {
      train.add(v);
    }
    if (r.validation() != null) {
      ArrayNode val = o.putArray("validation");
      for (double v : r.validation()) {
        val.add(v);
      }
    }
    o.put("rows", r.rows());
    o.put("rounds", r.rounds());
    o.put("updates", r.updates());
    o.put("seconds", r.seconds());
    return o;
  }

  static EpochReport fromJson(JsonNode o) {
    List<String> names = new ArrayList<>();
    o.path("loss_names").forEach(n -> names.add(n.asText()));
    double[] train = doubles(o.path("train"));
    double[] val = o.has("validation") ? doubles(o.path("validation")) : null;
    return new EpochReport(
        o.path("epoch").asInt(),
        names,
        train,
        val,
        o.path("rows").asLong(),
        o.path("rounds").asInt(),
        o.path("updates").asLong(),
        o.path("seconds").asDouble());
  }

  private static double[] doubles(JsonNode a) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.get(i).asDouble();
    }
    return d;
  }
}
