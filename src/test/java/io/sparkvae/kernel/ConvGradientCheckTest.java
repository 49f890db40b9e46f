// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The convolutional VAE's float loss and analytic gradient against an independent double-precision
 * model written as PyTorch defines its layers ({@link ReferenceConvVae}): the loss agrees, so the
 * weights are read in PyTorch's layouts, and central differences agree with several entries of
 * every tensor, for strides 1 to 3, padding 0 to 2, odd sizes and three channels. Tolerances as in
 * {@link GradientCheckTest}.
 */
class ConvGradientCheckTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // height, width, channels, filters, kernel, stride, padding, hidden, likelihood, act
        Arguments.of(
            8,
            8,
            1,
            List.of(3, 4),
            4,
            2,
            1,
            new int[] {6},
            Likelihood.BERNOULLI,
            Activation.LEAKY_RELU),
        Arguments.of(
            7, 5, 3, List.of(2), 3, 2, 0, new int[] {}, Likelihood.GAUSSIAN, Activation.TANH),
        Arguments.of(
            6,
            6,
            3,
            List.of(2, 3),
            3,
            1,
            1,
            new int[] {5},
            Likelihood.GAUSSIAN_LEARNED_VARIANCE,
            Activation.TANH),
        Arguments.of(
            10,
            7,
            1,
            List.of(2),
            5,
            3,
            2,
            new int[] {4, 3},
            Likelihood.BERNOULLI,
            Activation.RELU));
  }

  @ParameterizedTest(name = "{0}x{1}x{2} filters {3} k{4} s{5} p{6} {8} {9}")
  @MethodSource("cases")
  void analyticGradientMatchesFiniteDifferencesOfThePyTorchDefinition(
      int height,
      int width,
      int channels,
      List<Integer> filters,
      int kernel,
      int stride,
      int padding,
      int[] hidden,
      Likelihood lik,
      Activation act) {
    VaeArchitecture arch =
        VaeArchitecture.conv(
            new VaeArchitecture.Conv(height, width, channels, filters, kernel, stride, padding),
            hidden,
            2,
            act,
            lik);
    int n = 3;
    int draws = 2;
    double beta = 0.8;
    VaeObjective obj = new VaeObjective(arch, beta, 0, draws);
    float[] params = new float[arch.numParams()];
    obj.initialize(params, 5);
    Rng rng = new Rng(17);
    for (int i = 0; i < params.length; i++) {
      params[i] += (float) (0.1 * (rng.nextDouble() - 0.5));
    }
    int dim = arch.inputDim();
    float[] x = new float[n * dim];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble();
    }
    float[] eps = new float[draws * n * arch.latent()];
    rng.fillGaussian(eps, 0, eps.length);
    float[] grad = new float[params.length];
    double[] sums = new double[3];
    obj.newWorkspace(n, draws).lossAndGradient(params, x, n, eps, (float) beta, grad, sums);

    ReferenceConvVae ref = new ReferenceConvVae(arch);
    double[] p = new double[params.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = params[i];
    }
    double refLoss = ref.loss(p, x, n, eps, draws, 1.0);
    assertEquals(refLoss, sums[0], 1e-4 * Math.abs(refLoss), "−ELBO sum");

    int checked = 0;
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      for (int e = 0; e < Math.min(5, t.size()); e++) {
        int i = t.offset() + (int) ((long) e * 7919 % t.size());
        double h = 1e-6;
        double keep = p[i];
        p[i] = keep + h;
        double up = ref.loss(p, x, n, eps, draws, beta);
        p[i] = keep - h;
        double down = ref.loss(p, x, n, eps, draws, beta);
        p[i] = keep;
        double numeric = (up - down) / (2 * h);
        double tol = Math.max(2e-4, 2e-3 * Math.abs(numeric));
        assertEquals(numeric, grad[i], tol, () -> t.name() + " entry " + (i - t.offset()));
        checked++;
      }
    }
    assertTrue(checked >= 2 * arch.tensors().size(), "checked entries of every tensor");
  }
}
