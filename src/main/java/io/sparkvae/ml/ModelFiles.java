// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.Checksums;
import io.sparkvae.io.Safetensors;
import io.sparkvae.io.SafetensorsContents;
import io.sparkvae.kernel.VaeArchitecture;
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
 * {@code metadata.json} ({@link ModelMetadata}: format version, architecture, input, params,
 * training, provenance, metrics and the weights' SHA-256). Both are parsed as data: no Java
 * deserialization, and no class name from a file is ever instantiated.
 */
final class ModelFiles {
  static final String FORMAT = "spark-vae-model";
  static final int VERSION = 1;
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "weights.safetensors";

  private ModelFiles() {}

  /**
   * Writes both files into {@code dir}, weights first: the metadata's presence marks a whole model.
   * Returns the metadata as written, with its {@link ModelMetadata.Weights} entry.
   */
  static ModelMetadata write(
      FileSystem fs, Path dir, ModelMetadata metadata, VaeArchitecture arch, float[] params)
      throws IOException {
    List<Safetensors.Tensor> tensors = new ArrayList<>();
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      tensors.add(Safetensors.Tensor.f32(t.name(), params, t.offset(), t.shape()));
    }
    Map<String, String> stMeta = new LinkedHashMap<>();
    stMeta.put("format", FORMAT);
    stMeta.put("architecture", arch.describe());
    stMeta.put(
        "layout",
        "weights are [out, in] row-major (torch.nn.Linear); encoder.out rows "
            + "0..H-1 give mu, rows H..2H-1 give log sigma^2");
    byte[] weights = Safetensors.toBytes(tensors, stMeta);
    ModelMetadata written =
        metadata.withWeights(
            new ModelMetadata.Weights(
                WEIGHTS,
                Checksums.sha256Hex(weights),
                weights.length,
                "F32",
                arch.tensors().stream().map(VaeArchitecture.Tensor::name).toList()));
    fs.mkdirs(dir);
    AtomicFiles.writeDurably(fs, new Path(dir, WEIGHTS), weights);
    AtomicFiles.writeDurably(
        fs, new Path(dir, METADATA), written.toJson().getBytes(StandardCharsets.UTF_8));
    return written;
  }

  /** A loaded model directory. */
  record Loaded(ModelMetadata metadata, VaeArchitecture arch, float[] params) {}

  /**
   * Reads and verifies a model directory: format, version, class, architecture, checksum, and every
   * tensor's name and shape.
   */
  static Loaded read(FileSystem fs, Path dir, String expectedClass) throws IOException {
    AtomicFiles.recover(fs, dir);
    Path metaPath = new Path(dir, METADATA);
    String source = "model " + dir;
    if (!fs.exists(dir)) {
      throw new IOException(source + ": no such directory");
    }
    if (!fs.exists(metaPath)) {
      throw new IOException(
          source
              + ": no "
              + METADATA
              + " (not a spark-vae model, or a save "
              + "that never finished)");
    }
    ModelMetadata m =
        ModelMetadata.read(
            new String(AtomicFiles.readAll(fs, metaPath, 64L << 20), StandardCharsets.UTF_8),
            source + "/" + METADATA);
    if (!expectedClass.equals(m.className())) {
      throw new IOException(
          source + ": holds a '" + m.className() + "', expected '" + expectedClass + "'");
    }
    if (m.architecture() == null) {
      throw new IOException(source + ": " + METADATA + " has no architecture");
    }
    VaeArchitecture arch = m.architecture().toArchitecture(source);
    if (m.weights() == null || m.weights().sha256() == null) {
      throw new IOException(source + ": " + METADATA + " has no SHA-256 for the weights");
    }
    Path wPath = new Path(dir, WEIGHTS);
    if (!fs.exists(wPath)) {
      throw new IOException(source + ": " + WEIGHTS + " is missing");
    }
    byte[] bytes;
    try {
      bytes = AtomicFiles.readAll(fs, wPath, Integer.MAX_VALUE - 64);
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw new IOException(
          source
              + "/"
              + WEIGHTS
              + " is corrupt or was modified (the file "
              + "system's checksum does not match at byte "
              + e.getPos()
              + ")",
          e);
    }
    Checksums.verifySha256(bytes, m.weights().sha256(), source + "/" + WEIGHTS);
    SafetensorsContents c = Safetensors.read(bytes, source + "/" + WEIGHTS);
    float[] params = new float[arch.numParams()];
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      long[] shape = c.shape(t.name());
      long[] want = Arrays.stream(t.shape()).asLongStream().toArray();
      if (!Arrays.equals(shape, want)) {
        throw new IOException(
            source
                + "/"
                + WEIGHTS
                + ": tensor '"
                + t.name()
                + "' has shape "
                + Arrays.toString(shape)
                + ", the architecture needs "
                + Arrays.toString(want));
      }
      c.floatsInto(t.name(), params, t.offset());
    }
    return new Loaded(m, arch, params);
  }
}
