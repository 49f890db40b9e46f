// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.List;

/**
 * An independent double-precision VAE loss, written per row with plain loops and read from the
 * documented tensor layout ({@link VaeArchitecture#tensors()}). Gradient checks difference this,
 * not the float kernel, so the numerical gradient is accurate to ~1e-9.
 */
final class ReferenceVae {
  private final VaeArchitecture arch;

  ReferenceVae(VaeArchitecture arch) {
    this.arch = arch;
  }

  /** Σ_r [ (1/L) Σ_l −log p(x_r | z_rl) + klWeight · KL_r ] with z_rl = μ + σ ε_{l·n+r}. */
  double loss(double[] p, float[] x, int n, float[] eps, int draws, double klWeight) {
    List<VaeArchitecture.Tensor> t = arch.tensors();
    int k = arch.hidden().length;
    int d = arch.inputDim();
    int h = arch.latent();
    double total = 0;
    for (int r = 0; r < n; r++) {
      double[] a = new double[d];
      for (int j = 0; j < d; j++) {
        a[j] = x[r * d + j];
      }
      for (int i = 0; i <= k; i++) {
        a = dense(p, t.get(2 * i), t.get(2 * i + 1), a, i < k);
      }
      double kl = 0;
      for (int j = 0; j < h; j++) {
        kl += -0.5 * (1 + a[h + j] - a[j] * a[j] - Math.exp(a[h + j]));
      }
      double recon = 0;
      for (int l = 0; l < draws; l++) {
        double[] zz = new double[h];
        for (int j = 0; j < h; j++) {
          zz[j] = a[j] + Math.exp(0.5 * a[h + j]) * eps[(l * n + r) * h + j];
        }
        double[] y = zz;
        for (int i = 0; i <= k; i++) {
          int ti = 2 * (k + 1) + 2 * i;
          y = dense(p, t.get(ti), t.get(ti + 1), y, i < k);
        }
        recon += nll(p, x, r, y);
      }
      total += recon / draws + klWeight * kl;
    }
    return total;
  }

  private double nll(double[] p, float[] x, int r, double[] y) {
    int d = arch.inputDim();
    double s = 0;
    switch (arch.likelihood()) {
      case BERNOULLI:
        for (int j = 0; j < d; j++) {
          double l = y[j];
          s += Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l))) - x[r * d + j] * l;
        }
        return s;
      case GAUSSIAN:
        for (int j = 0; j < d; j++) {
          double diff = x[r * d + j] - y[j];
          s += 0.5 * diff * diff + 0.5 * Math.log(2 * Math.PI);
        }
        return s;
      case GAUSSIAN_LEARNED_VARIANCE:
        {
          VaeArchitecture.Tensor lv = arch.tensors().get(arch.tensors().size() - 1);
          for (int j = 0; j < d; j++) {
            double v = Math.max(p[lv.offset() + j], Likelihood.MIN_LOG_VARIANCE);
            double diff = x[r * d + j] - y[j];
            s += 0.5 * (diff * diff * Math.exp(-v) + v + Math.log(2 * Math.PI));
          }
          return s;
        }
      default:
        throw new AssertionError();
    }
  }

  private double[] dense(
      double[] p, VaeArchitecture.Tensor w, VaeArchitecture.Tensor b, double[] in, boolean hidden) {
    int out = w.shape()[0];
    int inDim = w.shape()[1];
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = p[b.offset() + o];
      for (int i = 0; i < inDim; i++) {
        s += p[w.offset() + o * inDim + i] * in[i];
      }
      y[o] = hidden ? act(s) : s;
    }
    return y;
  }

  private double act(double v) {
    switch (arch.activation()) {
      case RELU:
        return Math.max(v, 0);
      case LEAKY_RELU:
        return v > 0 ? v : Activation.LEAK * v;
      case TANH:
        return Math.tanh(v);
      default:
        throw new AssertionError();
    }
  }
}
