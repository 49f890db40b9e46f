// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.io.Json;
import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed {@code metadata.json}. The resource {@code models/v1-2026-12/} is a tiny model (4
 * inputs, hidden 3, latent 2, with validation, image shape and test metrics) saved by the code
 * before {@link ModelMetadata} existed, when the file was assembled from string keys: it pins the
 * layout on disk.
 */
class ModelMetadataTest extends SparkTestBase {
  private static final String OLD = "/models/v1-2026-12/";

  private static String resource(String name) throws IOException {
    try (InputStream in = ModelMetadataTest.class.getResourceAsStream(OLD + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ModelMetadata full() {
    var params = Json.object().put("seed", 7).put("featuresCol", "features");
    var trainingParams = Json.object().put("activation", "tanh");
    trainingParams.putArray("hiddenLayers").add(3);
    return new ModelMetadata(
        ModelFiles.FORMAT,
        ModelFiles.VERSION,
        VariationalAutoencoderModel.CLASS,
        "vae_1",
        ModelMetadata.Architecture.of(
            new VaeArchitecture(4, new int[] {3}, 2, Activation.TANH, Likelihood.BERNOULLI)),
        params,
        new ModelMetadata.Input("features", "uint8", "pixel / 255", 4, List.of(2, 2, 1)),
        new ModelMetadata.Training(
            trainingParams,
            null,
            40,
            2,
            8,
            1.5,
            true,
            false,
            List.of(
                new ModelMetadata.Epoch(1, 3.1, 2.9, 0.2, 3.2, 3.0, 0.2, 0.5, 80.0, 4, 4),
                new ModelMetadata.Epoch(
                    2, 3.0, 2.8, 0.2, null, null, null, 0.5, Double.NaN, 4, 8))),
        Provenance.current(),
        new ModelMetadata.Metrics(new ModelMetadata.TestMetrics(3.1, 2.9, 0.2, 40, 3.0, 5, 10L)),
        new ModelMetadata.Weights(
            "weights.safetensors", "ab", 1024, "F32", List.of("encoder.0.weight")));
  }

  @Test
  void metadataWrittenThenReadIsEqualToTheOriginal() throws IOException {
    ModelMetadata m = full();
    assertEquals(m, ModelMetadata.read(m.toJson(), "test"));
    ModelMetadata bare =
        m.withMetrics(null).withInput(new ModelMetadata.Input("f", "float", "none", 4, null));
    ModelMetadata back = ModelMetadata.read(bare.toJson(), "test");
    assertEquals(bare, back);
    assertNull(back.input().imageShape());
    assertFalse(bare.toJson().contains("\"metrics\""), "absent sections are left out");
    assertTrue(bare.toJson().contains("\"data\" : null"), "data is written even when null");
  }

  @Test
  void aConvolutionalArchitectureIsWrittenWithItsTypeAndGeometryAndReadBackEqual()
      throws IOException {
    VaeArchitecture conv =
        VaeArchitecture.conv(
            new VaeArchitecture.Conv(12, 12, 3, List.of(4, 8), 4, 2, 1),
            new int[] {16},
            2,
            Activation.RELU,
            Likelihood.BERNOULLI);
    ModelMetadata m =
        full()
            .forModel("vae_c", conv, Json.object().put("seed", 7))
            .withInput(new ModelMetadata.Input("features", "uint8", "x", 432, List.of(12, 12, 3)));
    String json = m.toJson();
    ModelMetadata back = ModelMetadata.read(json, "test");
    assertEquals(m, back);
    assertEquals("conv", back.architecture().type());
    assertEquals(
        new ModelMetadata.Architecture.ConvPart(12, 12, 3, List.of(4, 8), 4, 2, 1),
        back.architecture().conv());
    assertEquals(conv, back.architecture().toArchitecture("test"));
    assertTrue(json.contains("\"type\" : \"conv\""), json);

    // An MLP is written as before convolutions existed: no type, no conv.
    assertFalse(full().toJson().contains("\"type\""), full().toJson());
    assertFalse(full().toJson().contains("\"conv\""), full().toJson());

    // A type this version does not know, or conv without its geometry, is a clear error.
    for (String bad : List.of("\"type\" : \"rnn\"", "\"type\" : \"conv\"")) {
      String broken =
          json.replace("\"type\" : \"conv\"", bad)
              .replaceAll("(?s),\\s*\"conv\" : \\{[^}]*\\}", "");
      IOException e =
          assertThrows(
              IOException.class,
              () -> ModelMetadata.read(broken, "m.json").architecture().toArchitecture("m.json"));
      assertTrue(e.getMessage().contains("m.json: invalid architecture: type"), e.getMessage());
    }
  }

  @Test
  void aMetadataFileInThePreviousLayoutReadsAndWritesBackUnchanged() throws IOException {
    String old = resource("metadata.json");
    ModelMetadata m = ModelMetadata.read(old, "old");
    assertEquals(4, m.architecture().inputDim());
    assertNull(m.architecture().type(), "written before convolutions: an MLP without a type");
    assertFalse(m.architecture().toArchitecture("old").isConvolutional());
    assertEquals(List.of(3), m.architecture().hidden());
    assertArrayEquals(new int[] {2, 2, 1}, m.input().imageShape());
    assertEquals("four random numbers per row", m.training().data());
    assertEquals(2, m.training().epochs().size());
    assertEquals(8, m.training().epochs().get(1).updates());
    assertTrue(m.training().epochs().get(1).valNegElbo() > 0);
    assertEquals(10L, m.metrics().test().iwaeRows());
    assertEquals("4.1.0", m.provenance().sparkVersion());
    assertEquals(1024, m.weights().bytes());
    assertEquals("relu", m.training().params().path("activation").asText());
    // Same names, same order, same numbers: a file rewritten now is the file written then.
    assertEquals(old, m.toJson());
  }

  @Test
  void fieldsAnOlderFileLacksTakeDefaultsAndUnknownFieldsAreIgnored() throws IOException {
    var tree =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Json.read(resource("metadata.json"), "old");
    tree.remove(List.of("provenance", "metrics"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("training"))
        .remove(List.of("warm_start", "epochs"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("input")).remove("shape");
    tree.put("from_the_future", 1);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("training")).put("gpu", "none");
    ModelMetadata m = ModelMetadata.read(Json.write(tree), "older");
    assertFalse(m.training().warmStart());
    assertEquals(List.of(), m.training().epochs());
    assertNull(m.input().imageShape());
    assertNull(m.metrics());
    assertNull(m.provenance().sparkVersion());
    assertEquals(40, m.training().rows());
  }

  @Test
  void aNewerFormatVersionIsRefusedBeforeItsFieldsAreRead() {
    String newer = "{\"format\": \"spark-vae-model\", \"format_version\": 2, \"training\": 5}";
    IOException e = assertThrows(IOException.class, () -> ModelMetadata.read(newer, "m.json"));
    assertTrue(e.getMessage().contains("format version 2 is newer"), e.getMessage());
  }

  @Test
  void aModelSavedInThePreviousLayoutStillLoadsAndScores(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    for (String f : List.of("metadata.json", "weights.safetensors")) {
      try (InputStream in = getClass().getResourceAsStream(OLD + f)) {
        Files.copy(in, model.resolve(f));
      }
    }
    spark(); // MLReader needs an active session
    VariationalAutoencoderModel m = VariationalAutoencoderModel.load(model.toString());
    assertEquals("vae_b8af771e3c7a", m.uid());
    assertEquals(56, m.architecture().numParams());
    assertArrayEquals(new int[] {2, 2, 1}, m.imageShape());
    assertEquals(7L, m.getSeed());
    assertEquals(2, m.metadata().training().history().size());
    assertEquals(3.1188110074488256, m.metadata().metrics().test().negElbo());

    // Saved again, it is the same model.
    Path again = dir.resolve("again");
    m.save(again.toString());
    ModelMetadata before = ModelMetadata.read(resource("metadata.json"), "old");
    ModelMetadata after =
        ModelMetadata.read(Files.readString(again.resolve("metadata.json")), "new");
    assertEquals(before, after);
    assertArrayEquals(m.weights(), VariationalAutoencoderModel.load(again.toString()).weights());
  }
}
