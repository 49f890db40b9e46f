package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.Checksums;
import io.sparkvae.io.Safetensors;
import io.sparkvae.io.SafetensorsContents;
import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The on-disk model: a directory with {@code weights.safetensors} (every tensor of the flat
 * parameter vector, named and shaped as {@link VaeArchitecture#tensors()}, little-endian F32) and
 * {@code metadata.json} (format version, architecture, input, params, training, provenance,
 * metrics and the weights' SHA-256). Both are parsed as data: no Java deserialization, and no
 * class name from a file is ever instantiated.
 */
final class ModelFiles {
  static final String FORMAT = "spark-vae-model";
  static final int VERSION = 1;
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "weights.safetensors";

  private ModelFiles() {}

  /** Writes both files into {@code dir}, weights first: the metadata's presence marks a whole model. */
  static void write(FileSystem fs, Path dir, ObjectNode metadata, VaeArchitecture arch,
      float[] params) throws IOException {
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      tensors.add(Safetensors.Tensor.f32(t.name(), params, t.offset(), t.shape()));
    }
    Map<String, String> stMeta = new LinkedHashMap<>();
    stMeta.put("format", FORMAT);
    stMeta.put("architecture", arch.describe());
    stMeta.put("layout", "weights are [out, in] row-major (torch.nn.Linear); encoder.out rows "
        + "0..H-1 give mu, rows H..2H-1 give log sigma^2");
    byte[] weights = Safetensors.toBytes(tensors, stMeta);
    ObjectNode w = metadata.putObject("weights");
    w.put("file", WEIGHTS);
    w.put("sha256", Checksums.sha256Hex(weights));
    w.put("bytes", weights.length);
    w.put("dtype", "F32");
    ArrayNode names = w.putArray("tensors");
    arch.tensors().forEach(t -> names.add(t.name()));
    fs.mkdirs(dir);
    try (var out = fs.create(new Path(dir, WEIGHTS), true)) {
      out.write(weights);
    }
    try (var out = fs.create(new Path(dir, METADATA), true)) {
      out.write(Json.write(metadata).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Architecture JSON. */
  static ObjectNode architectureJson(VaeArchitecture a) {
    ObjectNode o = Json.object();
    o.put("input_dim", a.inputDim());
    ArrayNode h = o.putArray("hidden");
    for (int x : a.hidden()) {
      h.add(x);
    }
    o.put("latent", a.latent());
    o.put("activation", a.activation().configName());
    o.put("likelihood", a.likelihood().configName());
    o.put("num_params", a.numParams());
    return o;
  }

  static VaeArchitecture architectureFrom(JsonNode o, String source) throws IOException {
    try {
      JsonNode h = o.path("hidden");
      int[] hidden = new int[h.size()];
      for (int i = 0; i < hidden.length; i++) {
        hidden[i] = h.get(i).asInt();
      }
      VaeArchitecture a = new VaeArchitecture(o.path("input_dim").asInt(), hidden,
          o.path("latent").asInt(), Activation.fromName(o.path("activation").asText()),
          Likelihood.fromName(o.path("likelihood").asText()));
      if (o.has("num_params") && o.path("num_params").asInt() != a.numParams()) {
        throw new IOException(source + ": metadata says " + o.path("num_params").asInt()
            + " parameters but its architecture has " + a.numParams());
      }
      return a;
    } catch (IllegalArgumentException e) {
      throw new IOException(source + ": invalid architecture: " + e.getMessage(), e);
    }
  }

  /** A loaded model directory. */
  record Loaded(JsonNode metadata, VaeArchitecture arch, float[] params) {}

  /**
   * Reads and verifies a model directory: format, version, class, architecture, checksum, and
   * every tensor's name and shape.
   */
  static Loaded read(FileSystem fs, Path dir, String expectedClass) throws IOException {
    AtomicFiles.recover(fs, dir);
    Path metaPath = new Path(dir, METADATA);
    String source = "model " + dir;
    if (!fs.exists(dir)) {
      throw new IOException(source + ": no such directory");
    }
    if (!fs.exists(metaPath)) {
      throw new IOException(source + ": no " + METADATA + " (not a spark-vae model, or a save "
          + "that never finished)");
    }
    JsonNode m = Json.read(new String(AtomicFiles.readAll(fs, metaPath, 64L << 20),
        StandardCharsets.UTF_8), source + "/" + METADATA);
    if (!FORMAT.equals(m.path("format").asText())) {
      throw new IOException(source + ": " + METADATA + " is not a spark-vae model (format '"
          + m.path("format").asText() + "')");
    }
    int version = m.path("format_version").asInt(-1);
    if (version != VERSION) {
      throw new IOException(source + ": model format version " + m.path("format_version")
          + (version > VERSION ? " is newer than" : " is not") + " the version this spark-vae "
          + "reads (" + VERSION + "); use the spark-vae release that wrote it");
    }
    if (!expectedClass.equals(m.path("class").asText())) {
      throw new IOException(source + ": holds a '" + m.path("class").asText() + "', expected '"
          + expectedClass + "'");
    }
    VaeArchitecture arch = architectureFrom(m.path("architecture"), source);
    JsonNode w = m.path("weights");
    Path wPath = new Path(dir, WEIGHTS);
    if (!fs.exists(wPath)) {
      throw new IOException(source + ": " + WEIGHTS + " is missing");
    }
    byte[] bytes;
    try {
      bytes = AtomicFiles.readAll(fs, wPath, Integer.MAX_VALUE - 64);
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw new IOException(source + "/" + WEIGHTS + " is corrupt or was modified (the file "
          + "system's checksum does not match at byte " + e.getPos() + ")", e);
    }
    Checksums.verifySha256(bytes, w.path("sha256").asText(), source + "/" + WEIGHTS);
    SafetensorsContents c = Safetensors.read(bytes, source + "/" + WEIGHTS);
    float[] params = new float[arch.numParams()];
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      long[] shape = c.shape(t.name());
      long[] want = Arrays.stream(t.shape()).asLongStream().toArray();
      if (!Arrays.equals(shape, want)) {
        throw new IOException(source + "/" + WEIGHTS + ": tensor '" + t.name() + "' has shape "
            + Arrays.toString(shape) + ", the architecture needs " + Arrays.toString(want));
      }
      c.floatsInto(t.name(), params, t.offset());
    }
    return new Loaded(m, arch, params);
  }
}
