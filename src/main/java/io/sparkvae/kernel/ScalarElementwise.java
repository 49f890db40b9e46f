package io.sparkvae.kernel;

/** Plain loops: the fallback when the Vector API is not available. */
final class ScalarElementwise extends Elementwise {

  @Override
  String name() {
    return "scalar";
  }

  @Override
  double bernoulliRow(float[] out, int ob, float[] x, int xb, int dim, boolean withGrad,
      float scale) {
    double nll = 0;
    for (int j = 0; j < dim; j++) {
      float y = out[ob + j];
      float xv = x[xb + j];
      double e = Math.exp(-Math.abs(y));
      double onePlus = 1.0 + e;
      // softplus(y) − x·y with log1p(e) as log(1 + e): e ≤ 1, so the precision lost for tiny e
      // is far below float resolution of the row sum.
      nll += Math.max(y, 0f) + Math.log(onePlus) - (double) xv * y;
      if (withGrad) {
        double sig = y >= 0 ? 1.0 / onePlus : e / onePlus;
        out[ob + j] = Kernel.flush((float) (sig - xv) * scale);
      }
    }
    return nll;
  }

  @Override
  void adam(float[] params, float[] grad, float gradScale, float[] state, float b1, float b2,
      float stepSize, float invSqrtBc2, float eps) {
    int n = params.length;
    float c1 = 1f - b1;
    float c2 = 1f - b2;
    for (int i = 0; i < n; i++) {
      float g = grad[i] * gradScale;
      float m = Kernel.flush(b1 * state[i] + c1 * g);
      float v = Kernel.flush(b2 * state[n + i] + c2 * g * g);
      state[i] = m;
      state[n + i] = v;
      params[i] -= stepSize * m / ((float) Math.sqrt(v) * invSqrtBc2 + eps);
    }
  }

  @Override
  double sumOfSquares(float[] a) {
    double s = 0;
    for (float v : a) {
      s += (double) v * v;
    }
    return s;
  }
}
