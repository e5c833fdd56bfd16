package io.spikeloop.optim;

import io.spikeloop.checkpoint.StateMap;

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

  @Override
  public void saveState(StateMap out, String prefix) {
    out.putLong(prefix + "sgd.t", t);
    for (int i = 0; i < buf.length; i++) {
      out.putDoubles(prefix + "sgd.buf" + i, buf[i]);
    }
  }

  @Override
  public void restoreState(StateMap in, String prefix) {
    long steps = in.getLong(prefix + "sgd.t");
    for (int i = 0; i < buf.length; i++) {
      in.doublesInto(prefix + "sgd.buf" + i, buf[i]);
    }
    t = steps;
  }
}
