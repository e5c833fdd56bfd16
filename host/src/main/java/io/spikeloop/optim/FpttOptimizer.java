package io.spikeloop.optim;

import io.spikeloop.checkpoint.StateMap;

/**
 * The float64 FPTT decorator ({@link Fptt}): adds the regulariser's gradient before the wrapped
 * optimizer's step and updates {@code lambda} and {@code Wbar} after it. {@code Wbar} is taken
 * from the parameters at the first step (they have not moved before it).
 */
final class FpttOptimizer implements Optimizer {
  private final Optimizer inner;
  private final double alpha;
  private final double beta;
  private double[][] wbar;
  private double[][] lambda;
  private double[][] total;

  FpttOptimizer(Optimizer inner, Fptt fptt) {
    this.inner = inner;
    this.alpha = fptt.alpha();
    this.beta = fptt.beta();
  }

  @Override
  public void step(double[][] params, double[][] grads) {
    if (wbar == null) {
      wbar = new double[params.length][];
      lambda = new double[params.length][];
      for (int i = 0; i < params.length; i++) {
        wbar[i] = params[i].clone();
        lambda[i] = new double[params[i].length];
      }
    }
    if (total == null) {
      total = new double[params.length][];
      for (int i = 0; i < params.length; i++) {
        total[i] = new double[params[i].length];
      }
    }
    for (int i = 0; i < params.length; i++) {
      double[] w = params[i];
      double[] wb = wbar[i];
      double[] lam = lambda[i];
      double[] g = grads[i];
      double[] gt = total[i];
      for (int j = 0; j < w.length; j++) {
        gt[j] = g[j] + (alpha * (w[j] - wb[j]) - lam[j]);
      }
    }
    inner.step(params, total);
    for (int i = 0; i < params.length; i++) {
      double[] w = params[i];
      double[] wb = wbar[i];
      double[] lam = lambda[i];
      for (int j = 0; j < w.length; j++) {
        lam[j] = lam[j] - alpha * (w[j] - wb[j]);
        wb[j] = (1 - beta) * wb[j] + beta * w[j] - (beta / alpha) * lam[j];
      }
    }
  }

  @Override
  public void flush(double[][] params) {
    inner.flush(params);
  }

  @Override
  public long steps() {
    return inner.steps();
  }

  @Override
  public void saveState(StateMap out, String prefix) {
    inner.saveState(out, prefix);
    // Before the first step there is no Wbar yet: 0 tensors.
    int n = wbar == null ? 0 : wbar.length;
    out.putLong(prefix + "fptt.tensors", n);
    for (int i = 0; i < n; i++) {
      out.putDoubles(prefix + "fptt.wbar" + i, wbar[i]);
      out.putDoubles(prefix + "fptt.lambda" + i, lambda[i]);
    }
  }

  @Override
  public void restoreState(StateMap in, String prefix) {
    if (!in.has(prefix + "fptt.tensors")) {
      throw new IllegalArgumentException("the checkpoint has no FPTT state (its run was trained "
          + "without --fptt-alpha)");
    }
    int n = Math.toIntExact(in.getLong(prefix + "fptt.tensors"));
    // Read everything first: a state of the wrong shape must not leave this half-restored.
    double[][] wb = new double[n][];
    double[][] lam = new double[n][];
    for (int i = 0; i < n; i++) {
      wb[i] = in.doubles(prefix + "fptt.wbar" + i);
      lam[i] = in.doubles(prefix + "fptt.lambda" + i, wb[i].length);
    }
    inner.restoreState(in, prefix);
    wbar = n == 0 ? null : wb;
    lambda = n == 0 ? null : lam;
  }
}
