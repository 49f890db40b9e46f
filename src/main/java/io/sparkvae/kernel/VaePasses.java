// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import io.sparkvae.kernel.VaeArchitecture.Layer;

/**
 * The forward and backward passes of {@link VaeObjective}, with every buffer they need allocated
 * once per thread, so a training step allocates nothing. Decoder buffers hold {@code maxRows ·
 * max(L, …)} rows so that evaluation with many draws per row (the importance-weighted bound) runs
 * in chunks through the same buffers.
 *
 * <p>The steps share buffers and must run in order: {@link #encode}, {@link #sampleLatent}, {@link
 * #decode}, {@link #reconstruction}, then backwards {@link #backwardDecoder}, {@link
 * #latentGradient}, {@link #backwardEncoder}. Each step's loops are the single source of its
 * floating-point order; the determinism tests compare results bit for bit.
 */
abstract class VaePasses {
  final VaeArchitecture arch;

  /** L, the z draws per row in training. */
  final int samples;

  final int maxRows;
  final int maxDecoderRows;
  final float[][] enc;
  final float[][] dec;
  final float[] sigma;
  final float[] eps;
  final float[] z;
  final float[] delta;
  final float[] dOut;
  final double[] rowRecon;
  final double[] rowKl;
  final float[] invVar;
  final double[] evalRecon;
  final double[] evalKl;

  VaePasses(VaeArchitecture arch, int samples, int maxRows, int maxSamplesPerRow) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
    }
    this.arch = arch;
    this.samples = samples;
    this.maxRows = maxRows;
    this.maxDecoderRows = maxRows * Math.max(samples, maxSamplesPerRow);
    Layer[] e = arch.encoderLayers();
    Layer[] d = arch.decoderLayers();
    int h = arch.latent();
    enc = new float[e.length][];
    for (int i = 0; i < e.length; i++) {
      enc[i] = new float[maxRows * e[i].out()];
    }
    dec = new float[d.length][];
    for (int i = 0; i < d.length; i++) {
      dec[i] = new float[maxDecoderRows * d[i].out()];
    }
    sigma = new float[maxRows * h];
    eps = new float[maxDecoderRows * h];
    z = new float[maxDecoderRows * h];
    delta = new float[maxDecoderRows * arch.maxWidth()];
    dOut = new float[maxRows * 2 * h];
    rowRecon = new double[maxDecoderRows];
    rowKl = new double[maxRows];
    invVar = new float[arch.inputDim()];
    evalRecon = new double[maxRows];
    evalKl = new double[maxRows];
  }

  /** The most rows one call takes. */
  public int maxRows() {
    return maxRows;
  }

  static void checkParams(VaeArchitecture arch, float[] params) {
    if (params.length != arch.numParams()) {
      throw new IllegalArgumentException(
          "parameter vector has "
              + params.length
              + " floats; "
              + arch.describe()
              + " needs "
              + arch.numParams());
    }
  }

  void checkParams(float[] params) {
    checkParams(arch, params);
  }

  void checkRows(int n, int draws) {
    if (n < 1 || n > maxRows) {
      throw new IllegalArgumentException(
          "block of " + n + " rows; this workspace holds 1.." + maxRows);
    }
    if ((long) n * draws > maxDecoderRows) {
      throw new IllegalArgumentException(
          "block of "
              + n
              + " rows × "
              + draws
              + " draws exceeds the workspace's "
              + maxDecoderRows
              + " decoder rows");
    }
  }

  /** Runs the encoder; returns its output buffer, [μ | log σ²] per row. */
  float[] encode(float[] p, float[] x, int n) {
    Layer[] e = arch.encoderLayers();
    float[] in = x;
    for (int i = 0; i < e.length; i++) {
      Layer l = e[i];
      Kernel.linearForward(in, n, l.in(), p, l.weightOffset(), l.out(), enc[i]);
      Kernel.addBias(enc[i], n, l.out(), p, l.biasOffset());
      if (i < e.length - 1) {
        arch.activation().forward(enc[i], n * l.out());
      }
      in = enc[i];
    }
    return enc[e.length - 1];
  }

  /** z = μ + σ ⊙ ε for {@code draws} draws per row; also σ and the per-row KL. */
  void sampleLatent(int n, int draws, float[] noise) {
    int h = arch.latent();
    float[] o = enc[enc.length - 1];
    for (int r = 0; r < n; r++) {
      double kl = 0;
      int ob = r * 2 * h;
      for (int j = 0; j < h; j++) {
        float mu = o[ob + j];
        float lv = o[ob + h + j];
        float s = (float) Math.exp(0.5 * lv);
        sigma[r * h + j] = s;
        kl += -0.5 * (1.0 + lv - (double) mu * mu - (double) s * s);
      }
      rowKl[r] = kl;
    }
    for (int l = 0; l < draws; l++) {
      for (int r = 0; r < n; r++) {
        int zb = (l * n + r) * h;
        int ob = r * 2 * h;
        for (int j = 0; j < h; j++) {
          z[zb + j] = o[ob + j] + sigma[r * h + j] * noise[zb + j];
        }
      }
    }
  }

  /** Runs the decoder on {@code m} latent rows; returns the raw output buffer (m × D). */
  float[] decode(float[] p, float[] latents, int m) {
    Layer[] d = arch.decoderLayers();
    float[] in = latents;
    for (int i = 0; i < d.length; i++) {
      Layer l = d[i];
      Kernel.linearForward(in, m, l.in(), p, l.weightOffset(), l.out(), dec[i]);
      Kernel.addBias(dec[i], m, l.out(), p, l.biasOffset());
      if (i < d.length - 1) {
        arch.activation().forward(dec[i], m * l.out());
      }
      in = dec[i];
    }
    return dec[d.length - 1];
  }

  /**
   * −log p(x | z) per decoder row into {@code rowRecon}; with {@code withGrad}, overwrites the
   * output buffer with ∂(recon averaged over draws)/∂output and adds the pixel log-variance
   * gradient into {@code grad}.
   */
  void reconstruction(
      float[] p, float[] x, int n, int draws, float[] out, boolean withGrad, float[] grad) {
    int dim = arch.inputDim();
    float invDraws = 1f / draws;
    switch (arch.likelihood()) {
      case BERNOULLI:
        for (int l = 0; l < draws; l++) {
          for (int r = 0; r < n; r++) {
            rowRecon[l * n + r] =
                Elementwise.INSTANCE.bernoulliRow(
                    out, (l * n + r) * dim, x, r * dim, dim, withGrad, invDraws);
          }
        }
        break;
      case GAUSSIAN:
        {
          double constant = dim * Likelihood.HALF_LOG_2PI;
          for (int l = 0; l < draws; l++) {
            for (int r = 0; r < n; r++) {
              int ob = (l * n + r) * dim;
              int xb = r * dim;
              double sq = 0;
              for (int j = 0; j < dim; j++) {
                float diff = out[ob + j] - x[xb + j];
                sq += (double) diff * diff;
                if (withGrad) {
                  out[ob + j] = Kernel.flush(diff * invDraws);
                }
              }
              rowRecon[l * n + r] = 0.5 * sq + constant;
            }
          }
          break;
        }
      case GAUSSIAN_LEARNED_VARIANCE:
        {
          int lvOff = arch.logVarianceOffset();
          double logVarSum = 0;
          for (int j = 0; j < dim; j++) {
            float s = Math.max(p[lvOff + j], Likelihood.MIN_LOG_VARIANCE);
            invVar[j] = (float) Math.exp(-s);
            logVarSum += s;
          }
          double constant = dim * Likelihood.HALF_LOG_2PI + 0.5 * logVarSum;
          for (int l = 0; l < draws; l++) {
            for (int r = 0; r < n; r++) {
              int ob = (l * n + r) * dim;
              int xb = r * dim;
              double sq = 0;
              for (int j = 0; j < dim; j++) {
                float diff = out[ob + j] - x[xb + j];
                float d2 = diff * diff;
                sq += (double) d2 * invVar[j];
                if (withGrad) {
                  out[ob + j] = Kernel.flush(diff * invVar[j] * invDraws);
                  if (p[lvOff + j] > Likelihood.MIN_LOG_VARIANCE) {
                    grad[lvOff + j] += 0.5f * (1f - d2 * invVar[j]) * invDraws;
                  }
                }
              }
              rowRecon[l * n + r] = 0.5 * sq + constant;
            }
          }
          break;
        }
      default:
        throw new AssertionError(arch.likelihood());
    }
  }

  /** Backward through the decoder from the output gradient; leaves ∂/∂z in {@code delta}. */
  void backwardDecoder(float[] p, int m, float[] grad) {
    Layer[] d = arch.decoderLayers();
    float[] dy = dec[d.length - 1];
    for (int i = d.length - 1; i >= 0; i--) {
      Layer l = d[i];
      float[] in = i == 0 ? z : dec[i - 1];
      Kernel.linearWeightGrad(in, m, l.in(), dy, l.out(), grad, l.weightOffset());
      Kernel.biasGrad(dy, m, l.out(), grad, l.biasOffset());
      Kernel.linearInputGrad(dy, m, l.out(), p, l.weightOffset(), l.in(), delta);
      if (i > 0) {
        arch.activation().backward(dec[i - 1], delta, dec[i - 1], m * l.in());
        dy = dec[i - 1];
      }
    }
  }

  /**
   * From ∂/∂z (in {@code delta}) to ∂/∂[μ | log σ²] (in {@code dOut}), through the
   * reparameterization (∂z/∂μ = 1, ∂z/∂log σ² = ½ σ ε) plus the weighted KL gradient (∂KL/∂μ = μ,
   * ∂KL/∂log σ² = ½ (σ² − 1)).
   */
  void latentGradient(float[] o, int n, float[] noise, float klWeight) {
    int h = arch.latent();
    for (int r = 0; r < n; r++) {
      int ob = r * 2 * h;
      for (int j = 0; j < h; j++) {
        float s = sigma[r * h + j];
        float dMu = 0f;
        float dLv = 0f;
        for (int l = 0; l < samples; l++) {
          int q = (l * n + r) * h + j;
          dMu += delta[q];
          dLv += delta[q] * 0.5f * s * noise[q];
        }
        dMu += klWeight * o[ob + j];
        dLv += klWeight * 0.5f * (s * s - 1f);
        dOut[ob + j] = Kernel.flush(dMu);
        dOut[ob + h + j] = Kernel.flush(dLv);
      }
    }
  }

  void backwardEncoder(float[] p, float[] x, int n, float[] grad) {
    Layer[] e = arch.encoderLayers();
    float[] dy = dOut;
    for (int i = e.length - 1; i >= 0; i--) {
      Layer l = e[i];
      float[] in = i == 0 ? x : enc[i - 1];
      Kernel.linearWeightGrad(in, n, l.in(), dy, l.out(), grad, l.weightOffset());
      Kernel.biasGrad(dy, n, l.out(), grad, l.biasOffset());
      if (i > 0) {
        Kernel.linearInputGrad(dy, n, l.out(), p, l.weightOffset(), l.in(), delta);
        arch.activation().backward(enc[i - 1], delta, enc[i - 1], n * l.in());
        dy = enc[i - 1];
      }
    }
  }
}
