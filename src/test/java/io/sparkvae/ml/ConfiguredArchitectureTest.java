// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfiguredArchitectureTest {
  private static final VaeArchitecture MLP =
      new VaeArchitecture(784, new int[] {400}, 20, Activation.RELU, Likelihood.BERNOULLI);

  private static VaeArchitecture conv(int firstFilters) {
    return VaeArchitecture.conv(
        new VaeArchitecture.Conv(28, 28, 1, List.of(firstFilters, 64), 4, 2, 1),
        new int[] {256},
        20,
        Activation.RELU,
        Likelihood.BERNOULLI);
  }

  @Test
  void equalArchitecturesHaveNoDifferences() {
    assertEquals(List.of(), ConfiguredArchitecture.differences(MLP, MLP));
    assertEquals(List.of(), ConfiguredArchitecture.differences(conv(32), conv(32)));
  }

  @Test
  void eachDifferenceNamesItsConfigKeyConfiguredValueFirst() {
    VaeArchitecture other =
        new VaeArchitecture(784, new int[] {256, 128}, 16, Activation.RELU, Likelihood.GAUSSIAN);
    assertEquals(
        List.of(
            "model.hidden = [400] vs [256, 128]",
            "model.latent = 20 vs 16",
            "model.likelihood = bernoulli vs gaussian"),
        ConfiguredArchitecture.differences(MLP, other));
  }

  @Test
  void aConvModelAgainstAnMlpSaysSoAndAFilterChangeIsNamed() {
    assertTrue(
        ConfiguredArchitecture.differences(conv(32), MLP).contains("model.type = conv vs mlp"));
    assertEquals(
        List.of("model.conv.channels = [32, 64] vs [16, 64]"),
        ConfiguredArchitecture.differences(conv(32), conv(16)));
  }

  @Test
  void aConvShapeThatDoesNotMatchTheRowsIsRefusedNamingTheDataKeys() {
    VariationalAutoencoder est = new VariationalAutoencoder().setModelType("conv");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfiguredArchitecture.of(est, new int[] {28, 28, 3}, 784));
    assertTrue(
        e.getMessage().contains("28×28×3 has 2352 values but the rows have 784"), e.getMessage());
    assertTrue(e.getMessage().contains("data.channels"), e.getMessage());
  }

  @Test
  void theParamsAreComparedWithASavedModelBeforeTheDataGiveTheGeometry() {
    VariationalAutoencoder est =
        new VariationalAutoencoder().setHiddenLayers(new int[] {64}).setLatentSize(20);
    assertEquals(
        List.of("model.hidden = [64] vs [400]", "model.likelihood = gaussian vs bernoulli"),
        ConfiguredArchitecture.settingDifferences(est.setLikelihood("gaussian"), MLP));
    assertEquals(
        List.of("model.type = conv vs mlp", "model.hidden = [64] vs [400]"),
        ConfiguredArchitecture.settingDifferences(
            est.setModelType("conv").setLikelihood("bernoulli"), MLP));
    assertEquals(
        List.of(),
        ConfiguredArchitecture.settingDifferences(
            new VariationalAutoencoder()
                .setModelType("conv")
                .setConvChannels(new int[] {32, 64})
                .setConvKernel(4)
                .setConvStride(2)
                .setConvPadding(1)
                .setHiddenLayers(new int[] {256})
                .setLatentSize(20)
                .setLikelihood("bernoulli"),
            conv(32)));
  }
}
