// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static io.sparkvae.testing.DataFrameAssertions.assertDataFrameEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.io.Safetensors;
import io.sparkvae.io.SafetensorsContents;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TestFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A convolutional VAE ({@code modelType = conv}) through the Spark ML API, on 12×12 images: saved
 * and loaded every way a model or an estimator is, and warm-started.
 */
class ConvolutionalVaeTest extends SparkTestBase {
  private static Dataset<Row> train;
  private static Dataset<Row> test;

  @BeforeAll
  static void data() {
    train = TestFrames.images(spark(), Samples.shrunk(Samples.trainImages(), 400), 400, 2);
    test = TestFrames.images(spark(), Samples.shrunk(Samples.testImages(), 60), 60, 2);
  }

  /** Two stride-2 convolutions, 12×12 → 6×6×4 → 3×3×8, then one dense layer of 16. */
  static VariationalAutoencoder conv() {
    return new VariationalAutoencoder()
        .setModelType("conv")
        .setConvChannels(new int[] {4, 8})
        .setHiddenLayers(new int[] {16})
        .setLatentSize(3)
        .setEpochs(1)
        .setBatchSize(50)
        .setSyncEvery(2)
        .setSeed(5)
        .setIdCol("id")
        .setImageShape(new int[] {Samples.SMALL, Samples.SMALL, 1});
  }

  @Test
  void aConvModelSavedAndLoadedEveryWayTransformsBitIdentically(@TempDir Path dir)
      throws IOException {
    VariationalAutoencoder est = conv().setConvKernel(4).setConvStride(2).setConvPadding(1);
    // The estimator, alone and in an unfitted Pipeline: the conv params and the image shape.
    est.write().save(dir.resolve("est").toString());
    VariationalAutoencoder est2 = VariationalAutoencoder.load(dir.resolve("est").toString());
    assertEquals("conv", est2.getModelType());
    assertArrayEquals(new int[] {4, 8}, est2.getConvChannels());
    assertEquals(
        List.of(4, 2, 1),
        List.of(est2.getConvKernel(), est2.getConvStride(), est2.getConvPadding()));
    assertArrayEquals(new int[] {12, 12, 1}, est2.getImageShape());
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {est});
    pipeline.write().save(dir.resolve("pipeline").toString());
    Pipeline pipeline2 = Pipeline.load(dir.resolve("pipeline").toString());

    // Fitted twice with the same seed (once from the saved pipeline): the same weights.
    PipelineModel fitted = pipeline.fit(train);
    PipelineModel refitted = pipeline2.fit(train);
    VariationalAutoencoderModel m =
        assertInstanceOf(VariationalAutoencoderModel.class, fitted.stages()[0]);
    VariationalAutoencoderModel m2 = (VariationalAutoencoderModel) refitted.stages()[0];
    assertTrue(m.architecture().isConvolutional(), m.architecture().toString());
    assertArrayEquals(m.weights(), m2.weights(), "bit-identical with the same seed");

    // Our model directory: safetensors with PyTorch's names and layouts, metadata.json.
    String path = dir.resolve("model").toString();
    m.save(path);
    VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(path);
    assertEquals(m.architecture(), loaded.architecture());
    assertArrayEquals(new int[] {12, 12, 1}, loaded.imageShape());
    assertDataFrameEquals(m.transform(test), loaded.transform(test));
    SafetensorsContents w =
        Safetensors.read(Files.readAllBytes(dir.resolve("model/weights.safetensors")), path);
    assertEquals(
        m.architecture().tensors().stream().map(VaeArchitecture.Tensor::name).toList(),
        List.copyOf(w.names()));
    assertArrayEquals(new long[] {4, 1, 4, 4}, w.shape("encoder.conv.0.weight"));
    assertArrayEquals(new long[] {8, 4, 4, 4}, w.shape("decoder.deconv.0.weight"));
    assertArrayEquals(new long[] {4, 1, 4, 4}, w.shape("decoder.out.weight"));

    // Spark ML's PipelineModel.
    fitted.write().save(dir.resolve("pipeline-model").toString());
    PipelineModel back = PipelineModel.load(dir.resolve("pipeline-model").toString());
    assertDataFrameEquals(fitted.transform(test), back.transform(test));
  }

  @Test
  void aWarmStartFromAConvModelContinuesAndAnotherConvArchitectureIsRefused() {
    VariationalAutoencoderModel cold = conv().fit(train);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> conv().setConvChannels(new int[] {4, 16}).setInitialModel(cold).fit(train));
    assertTrue(e.getMessage().contains("model.conv.channels = [4, 16] vs [4, 8]"), e.getMessage());
    IllegalArgumentException mlp =
        assertThrows(
            IllegalArgumentException.class,
            () -> conv().setModelType("mlp").setInitialModel(cold).fit(train));
    assertTrue(mlp.getMessage().contains("model.type = mlp vs conv"), mlp.getMessage());

    VariationalAutoencoderModel warm = conv().setInitialModel(cold).fit(train);
    assertTrue(warm.metadata().training().warmStart());
    double before = cold.metadata().training().epochs().get(0).trainNegElbo();
    double after = warm.metadata().training().epochs().get(0).trainNegElbo();
    assertTrue(after < before, "a warm start continues: " + after + " < " + before);
  }
}
