package io.spikeloop.sim.learning;

/** PyTorch's Adam in float64 (eps added after the square root), the reference for the tests. */
final class FloatAdam {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double[] m;
  private final double[] v;
  private int t;

  FloatAdam(int n, double lr, double beta1, double beta2, double eps) {
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.m = new double[n];
    this.v = new double[n];
  }

  /** Same hyper-parameters as the quantized config (its rounded betas, eps and lr). */
  static FloatAdam matching(QuantizedAdamConfig c, int n) {
    return new FloatAdam(n, c.lrMasterLsb(), c.beta1(), c.beta2(), c.eps());
  }

  /** Writes the step (the amount subtracted from the parameters) into {@code delta}. */
  void step(double[] g, double[] delta) {
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < g.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      delta[i] = lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
    }
  }

  double m(int i) {
    return m[i];
  }

  double v(int i) {
    return v[i];
  }
}
