// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

/**
 * What a trained VAE is evaluated and used with, on top of {@link VaePasses}: per-row −ELBO parts,
 * the importance-weighted bound on log p(x), encoding to the latent posterior, and decoding to
 * pixel means. None of these touch a gradient.
 */
abstract class VaeEvaluation extends VaePasses {
  VaeEvaluation(VaeArchitecture arch, int samples, int maxRows, int maxSamplesPerRow) {
    super(arch, samples, maxRows, maxSamplesPerRow);
  }

  /**
   * Per-row −ELBO parts without gradient: {@code recon[r]} (averaged over L draws) and {@code
   * kl[r]}, with noise from {@code rng}.
   */
  public void rowLosses(
      float[] params, float[] rows, int n, Rng noise, double[] recon, double[] kl) {
    checkParams(params);
    checkRows(n, samples);
    encode(params, rows, n);
    noise.fillGaussian(eps, 0, samples * n * arch.latent());
    sampleLatent(n, samples, eps);
    float[] out = decode(params, z, samples * n);
    reconstruction(params, rows, n, samples, out, false, null);
    for (int r = 0; r < n; r++) {
      double rr = 0;
      for (int l = 0; l < samples; l++) {
        rr += rowRecon[l * n + r];
      }
      recon[r] = rr / samples;
      kl[r] = rowKl[r];
    }
  }

  /**
   * The importance-weighted estimate of log p(x) with K draws per row
   * (src/site/markdown/training.md, "The models" §2): log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), by
   * log-sum-exp, written into {@code out[r]}.
   */
  public void importanceWeighted(
      float[] params, float[] rows, int n, int k, Rng noise, double[] out) {
    checkParams(params);
    if (k < 1) {
      throw new IllegalArgumentException("IWAE needs K >= 1 samples, got " + k);
    }
    checkRows(n, 1);
    int h = arch.latent();
    encode(params, rows, n);
    int chunk = Math.max(1, Math.min(k, maxDecoderRows / n));
    double[] logW = new double[n * k];
    float[] o = encoder.output();
    for (int k0 = 0; k0 < k; k0 += chunk) {
      int c = Math.min(chunk, k - k0);
      noise.fillGaussian(eps, 0, c * n * h);
      sampleLatent(n, c, eps);
      float[] raw = decode(params, z, c * n);
      reconstruction(params, rows, n, c, raw, false, null);
      for (int s = 0; s < c; s++) {
        for (int r = 0; r < n; r++) {
          int q = s * n + r;
          double logPzMinusLogQ = 0;
          for (int j = 0; j < h; j++) {
            double zj = z[q * h + j];
            double ej = eps[q * h + j];
            double lv = o[r * 2 * h + h + j];
            logPzMinusLogQ += -0.5 * (zj * zj - ej * ej - lv);
          }
          logW[r * k + k0 + s] = -rowRecon[q] + logPzMinusLogQ;
        }
      }
    }
    double logK = Math.log(k);
    for (int r = 0; r < n; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int s = 0; s < k; s++) {
        max = Math.max(max, logW[r * k + s]);
      }
      double sum = 0;
      for (int s = 0; s < k; s++) {
        sum += Math.exp(logW[r * k + s] - max);
      }
      out[r] = max + Math.log(sum) - logK;
    }
  }

  /** Latent means and log-variances of the rows: {@code mu[r·H + j]}, {@code logVar[r·H + j]}. */
  public void encodeInto(float[] params, float[] rows, int n, float[] mu, float[] logVar) {
    checkParams(params);
    checkRows(n, 1);
    float[] o = encode(params, rows, n);
    int h = arch.latent();
    for (int r = 0; r < n; r++) {
      System.arraycopy(o, r * 2 * h, mu, r * h, h);
      System.arraycopy(o, r * 2 * h + h, logVar, r * h, h);
    }
  }

  /** Decoder means x̂ for latent rows {@code latents[n × H]}, into {@code out[n × D]}. */
  public void decodeMean(float[] params, float[] latents, int n, float[] out) {
    checkParams(params);
    if (n > maxDecoderRows) {
      throw new IllegalArgumentException(
          "block of " + n + " rows exceeds the workspace's " + maxDecoderRows);
    }
    float[] raw = decode(params, latents, n);
    int len = n * arch.inputDim();
    Likelihood lik = arch.likelihood();
    for (int i = 0; i < len; i++) {
      out[i] = lik.mean(raw[i]);
    }
  }

  /** Reconstructions x̂ = decoder mean at z = μ (no noise), into {@code out[n × D]}. */
  public void reconstructMean(float[] params, float[] rows, int n, float[] out) {
    checkParams(params);
    checkRows(n, 1);
    float[] o = encode(params, rows, n);
    int h = arch.latent();
    for (int r = 0; r < n; r++) {
      System.arraycopy(o, r * 2 * h, z, r * h, h);
    }
    decodeMean(params, z, n, out);
  }
}
