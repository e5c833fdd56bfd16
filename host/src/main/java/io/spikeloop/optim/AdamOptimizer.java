package io.spikeloop.optim;

import io.spikeloop.checkpoint.StateMap;

/** float64 Adam in PyTorch's exact order of operations (see {@link OptimizerSpec.Adam}). */
final class AdamOptimizer implements Optimizer {
  private final OptimizerSpec.Adam spec;
  private final double[][] m;
  private final double[][] v;
  private long t;

  AdamOptimizer(OptimizerSpec.Adam spec, int[] sizes) {
    this.spec = spec;
    m = new double[sizes.length][];
    v = new double[sizes.length][];
    for (int i = 0; i < sizes.length; i++) {
      m[i] = new double[sizes[i]];
      v[i] = new double[sizes[i]];
    }
  }

  @Override
  public void step(double[][] params, double[][] grads) {
    t++;
    double b1 = spec.beta1();
    double b2 = spec.beta2();
    double stepSize = spec.stepSize(t);
    double bc2Sqrt = spec.biasCorrection2Sqrt(t);
    double eps = spec.eps();
    for (int i = 0; i < params.length; i++) {
      double[] w = params[i];
      double[] g = grads[i];
      double[] mi = m[i];
      double[] vi = v[i];
      for (int j = 0; j < w.length; j++) {
        mi[j] = b1 * mi[j] + (1 - b1) * g[j];
        vi[j] = b2 * vi[j] + (1 - b2) * g[j] * g[j];
        w[j] -= stepSize * mi[j] / (Math.sqrt(vi[j]) / bc2Sqrt + eps);
      }
    }
  }

  @Override
  public long steps() {
    return t;
  }

  @Override
  public void saveState(StateMap out, String prefix) {
    out.putLong(prefix + "adam.t", t);
    for (int i = 0; i < m.length; i++) {
      out.putDoubles(prefix + "adam.m" + i, m[i]);
      out.putDoubles(prefix + "adam.v" + i, v[i]);
    }
  }

  @Override
  public void restoreState(StateMap in, String prefix) {
    long steps = in.getLong(prefix + "adam.t");
    for (int i = 0; i < m.length; i++) {
      in.doublesInto(prefix + "adam.m" + i, m[i]);
      in.doublesInto(prefix + "adam.v" + i, v[i]);
    }
    t = steps;
  }
}
