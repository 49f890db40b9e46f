// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * An independent double-precision convolutional VAE loss, written as PyTorch defines its layers:
 * the row is read as an {@code H × W × C} image and turned channels-first, {@code nn.Conv2d} and
 * {@code nn.ConvTranspose2d} are the textbook sums over {@code [out, in, k, k]} and {@code [in,
 * out, k, k]} weights, flatten is channels-first. Tensors are found by their names, so this also
 * checks that the file layout is PyTorch's.
 */
final class ReferenceConvVae {
  private final VaeArchitecture arch;
  private final Map<String, VaeArchitecture.Tensor> byName = new HashMap<>();

  ReferenceConvVae(VaeArchitecture arch) {
    this.arch = arch;
    for (VaeArchitecture.Tensor t : arch.tensors()) {
      byName.put(t.name(), t);
    }
  }

  /** A channels-first image. */
  record Image(int c, int h, int w, double[] v) {
    double at(int ch, int y, int x) {
      return v[(ch * h + y) * w + x];
    }
  }

  /** Σ_r [ (1/L) Σ_l −log p(x_r | z_rl) + klWeight · KL_r ]. */
  double loss(double[] p, float[] x, int n, float[] eps, int draws, double klWeight) {
    VaeArchitecture.Conv c = arch.conv();
    int d = arch.inputDim();
    int h = arch.latent();
    int layers = c.filters().size();
    int dense = arch.hidden().length;
    double total = 0;
    for (int r = 0; r < n; r++) {
      double[] chw = new double[d];
      for (int y = 0; y < c.height(); y++) {
        for (int xx = 0; xx < c.width(); xx++) {
          for (int ch = 0; ch < c.channels(); ch++) {
            chw[(ch * c.height() + y) * c.width() + xx] =
                x[r * d + (y * c.width() + xx) * c.channels() + ch];
          }
        }
      }
      Image img = new Image(c.channels(), c.height(), c.width(), chw);
      for (int i = 0; i < layers; i++) {
        img = conv(p, "encoder.conv." + i, img, c.kernel(), c.stride(), c.padding(), true);
      }
      Image last = img;
      double[] a = img.v();
      for (int i = 0; i < dense; i++) {
        a = linear(p, "encoder.dense." + i, a, true);
      }
      a = linear(p, "encoder.out", a, false);
      double kl = 0;
      for (int j = 0; j < h; j++) {
        kl += -0.5 * (1 + a[h + j] - a[j] * a[j] - Math.exp(a[h + j]));
      }
      double recon = 0;
      for (int l = 0; l < draws; l++) {
        double[] y = new double[h];
        for (int j = 0; j < h; j++) {
          y[j] = a[j] + Math.exp(0.5 * a[h + j]) * eps[(l * n + r) * h + j];
        }
        for (int i = 0; i <= dense; i++) {
          y = linear(p, "decoder.dense." + i, y, true);
        }
        Image u = new Image(last.c(), last.h(), last.w(), y);
        for (int i = 0; i < layers; i++) {
          String name = i < layers - 1 ? "decoder.deconv." + i : "decoder.out";
          u = convT(p, name, u, c.kernel(), c.stride(), c.padding(), i < layers - 1);
        }
        recon += nll(p, x, r, u);
      }
      total += recon / draws + klWeight * kl;
    }
    return total;
  }

  private Image conv(double[] p, String name, Image in, int k, int s, int pad, boolean act) {
    VaeArchitecture.Tensor w = byName.get(name + ".weight");
    VaeArchitecture.Tensor b = byName.get(name + ".bias");
    int co = w.shape()[0];
    int ci = w.shape()[1];
    int oh = (in.h() + 2 * pad - k) / s + 1;
    int ow = (in.w() + 2 * pad - k) / s + 1;
    double[] out = new double[co * oh * ow];
    for (int o = 0; o < co; o++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          double sum = p[b.offset() + o];
          for (int i = 0; i < ci; i++) {
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = y * s - pad + ky;
                int ix = x * s - pad + kx;
                if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                  sum += p[w.offset() + ((o * ci + i) * k + ky) * k + kx] * in.at(i, iy, ix);
                }
              }
            }
          }
          out[(o * oh + y) * ow + x] = act ? act(sum) : sum;
        }
      }
    }
    return new Image(co, oh, ow, out);
  }

  private Image convT(double[] p, String name, Image in, int k, int s, int pad, boolean act) {
    VaeArchitecture.Tensor w = byName.get(name + ".weight");
    VaeArchitecture.Tensor b = byName.get(name + ".bias");
    int ci = w.shape()[0];
    int co = w.shape()[1];
    int oh = (in.h() - 1) * s - 2 * pad + k;
    int ow = (in.w() - 1) * s - 2 * pad + k;
    double[] out = new double[co * oh * ow];
    for (int o = 0; o < co; o++) {
      for (int q = 0; q < oh * ow; q++) {
        out[o * oh * ow + q] = p[b.offset() + o];
      }
    }
    for (int i = 0; i < ci; i++) {
      for (int y = 0; y < in.h(); y++) {
        for (int x = 0; x < in.w(); x++) {
          double v = in.at(i, y, x);
          for (int o = 0; o < co; o++) {
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int oy = y * s - pad + ky;
                int ox = x * s - pad + kx;
                if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) {
                  out[(o * oh + oy) * ow + ox] +=
                      p[w.offset() + ((i * co + o) * k + ky) * k + kx] * v;
                }
              }
            }
          }
        }
      }
    }
    if (act) {
      for (int q = 0; q < out.length; q++) {
        out[q] = act(out[q]);
      }
    }
    return new Image(co, oh, ow, out);
  }

  private double[] linear(double[] p, String name, double[] in, boolean act) {
    VaeArchitecture.Tensor w = byName.get(name + ".weight");
    VaeArchitecture.Tensor b = byName.get(name + ".bias");
    int out = w.shape()[0];
    int inDim = w.shape()[1];
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = p[b.offset() + o];
      for (int i = 0; i < inDim; i++) {
        s += p[w.offset() + o * inDim + i] * in[i];
      }
      y[o] = act ? act(s) : s;
    }
    return y;
  }

  /** The likelihood on the channels-first output against the channels-last row. */
  private double nll(double[] p, float[] x, int r, Image u) {
    int d = arch.inputDim();
    double s = 0;
    for (int ch = 0; ch < u.c(); ch++) {
      for (int y = 0; y < u.h(); y++) {
        for (int xx = 0; xx < u.w(); xx++) {
          int j = (y * u.w() + xx) * u.c() + ch;
          double l = u.at(ch, y, xx);
          double t = x[r * d + j];
          switch (arch.likelihood()) {
            case BERNOULLI:
              s += Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l))) - t * l;
              break;
            case GAUSSIAN:
              s += 0.5 * (t - l) * (t - l) + 0.5 * Math.log(2 * Math.PI);
              break;
            case GAUSSIAN_LEARNED_VARIANCE:
              {
                VaeArchitecture.Tensor lv = byName.get("decoder.log_var");
                double v = Math.max(p[lv.offset() + j], Likelihood.MIN_LOG_VARIANCE);
                s += 0.5 * ((t - l) * (t - l) * Math.exp(-v) + v + Math.log(2 * Math.PI));
                break;
              }
            default:
              throw new AssertionError();
          }
        }
      }
    }
    return s;
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
