package io.spikeloop.optim;

/** float64 SGD with momentum in PyTorch's rule (see {@link OptimizerSpec.Sgd}). */
final class SgdOptimizer implements Optimizer {
  private final OptimizerSpec.Sgd spec;
  private final double[][] buf;
  private long t;

  SgdOptimizer(OptimizerSpec.Sgd spec, int[] sizes) {
    this.spec = spec;
    buf = new double[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      buf[i] = new double[sizes[i]];
    }
  }

  @Override
  public void step(double[][] params, double[][] grads) {
    t++;
    double lr = spec.lr();
    double mu = spec.momentum();
    for (int i = 0; i < params.length; i++) {
      double[] w = params[i];
      double[] g = grads[i];
      double[] b = buf[i];
      for (int j = 0; j < w.length; j++) {
        b[j] = mu * b[j] + g[j];
        w[j] -= lr * b[j];
      }
    }
  }

  @Override
  public long steps() {
    return t;
  }
}
