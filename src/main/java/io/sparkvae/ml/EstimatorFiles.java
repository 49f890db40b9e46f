// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.AtomicFiles;
import io.sparkvae.io.FileSystems;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * The estimator's directory: Spark ML's {@code metadata/} (so the estimator loads as a stage of a
 * saved {@code Pipeline} or {@code CrossValidator}) and {@code estimator.json}, our record of the
 * params with provenance, and the image shape when one was given ({@code image_shape}: height,
 * width, channels), which a convolutional model is built for. Directories saved before {@code
 * metadata/} existed still load, from {@code estimator.json} alone.
 */
final class EstimatorFiles {
  private EstimatorFiles() {}

  static MLWriter writer(VariationalAutoencoder self) {
    return new SparkMetadata.AtomicDirWriter(self) {
      @Override
      String what() {
        return "the estimator";
      }

      @Override
      void writeFiles(FileSystem fs, Path dir) throws IOException {
        ObjectNode o = Json.object();
        o.put("format", "spark-vae-estimator");
        o.put("format_version", 1);
        o.put("class", VariationalAutoencoder.CLASS);
        o.put("uid", self.uid());
        o.set("params", ParamsJson.toJson(self));
        int[] shape = self.getImageShape();
        if (shape != null) {
          // Not a param (the data give it), but a convolutional model is built for it.
          ArrayNode a = o.putArray("image_shape");
          for (int v : shape) {
            a.add(v);
          }
        }
        o.set("provenance", Json.MAPPER.valueToTree(Provenance.current()));
        AtomicFiles.writeAtomically(
            fs, new Path(dir, "estimator.json"), Json.write(o).getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  static MLReader<VariationalAutoencoder> reader() {
    return new MLReader<VariationalAutoencoder>() {
      @Override
      public VariationalAutoencoder load(String path) {
        Path p = new Path(path, "estimator.json");
        try {
          FileSystem fs = FileSystems.of(p, sparkSession().sparkContext().hadoopConfiguration());
          AtomicFiles.recover(fs, new Path(path)); // the directory is replaced whole on save
          JsonNode o =
              Json.read(
                  new String(AtomicFiles.readAll(fs, p, 1 << 20), StandardCharsets.UTF_8),
                  p.toString());
          if (!VariationalAutoencoder.CLASS.equals(o.path("class").asText())
              || o.path("format_version").asInt() != 1) {
            throw new IOException(p + ": not a spark-vae estimator (format version 1)");
          }
          VariationalAutoencoder v = new VariationalAutoencoder(o.path("uid").asText());
          Path dir = new Path(path);
          if (SparkMetadata.isIn(fs, dir)) {
            SparkMetadata.readInto(v, fs, dir, sparkSession(), VariationalAutoencoder.CLASS);
          } else {
            // Saved before the Spark ML metadata/ was added: the params are estimator.json's.
            ParamsJson.apply(v, o.path("params"), p.toString());
          }
          JsonNode shape = o.path("image_shape");
          if (shape.isArray()) {
            int[] hwc = new int[shape.size()];
            for (int i = 0; i < hwc.length; i++) {
              hwc[i] = shape.get(i).asInt();
            }
            try {
              v.setImageShape(hwc);
            } catch (IllegalArgumentException e) {
              throw new IOException(p + ": " + e.getMessage(), e);
            }
          }
          return v;
        } catch (IOException e) {
          throw new UncheckedIOException(e.getMessage(), e);
        }
      }
    };
  }
}
