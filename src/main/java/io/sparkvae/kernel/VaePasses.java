// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

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
  final Network encoder;
  final Network decoder;
  final float[] sigma;
  final float[] eps;
  final float[] z;
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
    int h = arch.latent();
    encoder = new Network(arch.encoder(), arch.activation(), maxRows, false);
    decoder = new Network(arch.decoder(), arch.activation(), maxDecoderRows, true);
    sigma = new float[maxRows * h];
    eps = new float[maxDecoderRows * h];
    z = new float[maxDecoderRows * h];
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
    return encoder.forward(p, x, n);
  }

  /** z = μ + σ ⊙ ε for {@code draws} draws per row; also σ and the per-row KL. */
  void sampleLatent(int n, int draws, float[] noise) {
    int h = arch.latent();
    float[] o = encoder.output();
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
    return decoder.forward(p, latents, m);
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

  /**
   * Backward through the decoder from the output gradient; leaves ∂/∂z in {@code decoder.delta}.
   */
  void backwardDecoder(float[] p, int m, float[] grad) {
    decoder.backward(p, z, m, decoder.output(), grad, true);
  }

  /**
   * From ∂/∂z (in {@code decoder.delta}) to ∂/∂[μ | log σ²] (in {@code dOut}), through the
   * reparameterization (∂z/∂μ = 1, ∂z/∂log σ² = ½ σ ε) plus the weighted KL gradient (∂KL/∂μ = μ,
   * ∂KL/∂log σ² = ½ (σ² − 1)).
   */
  void latentGradient(float[] o, int n, float[] noise, float klWeight) {
    int h = arch.latent();
    float[] delta = decoder.delta;
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
    encoder.backward(p, x, n, dOut, grad, false);
  }
}
