package io.spikeloop.optim;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.sim.learning.AdamSchedule;

/**
 * float64 Adam in PyTorch's exact order of operations (see {@link OptimizerSpec.Adam}), under the
 * spec's schedule: dense, lazy (zero-gradient elements skipped) or catch-up (skipped updates
 * applied in closed form later, {@code docs/learning-engine.md} section 10).
 */
final class AdamOptimizer implements Optimizer {
  private final OptimizerSpec.Adam spec;
  private final double[][] m;
  private final double[][] v;
  /** Catch-up only: per element the update at which it was last brought current. */
  private final long[][] last;
  private long t;

  AdamOptimizer(OptimizerSpec.Adam spec, int[] sizes) {
    this.spec = spec;
    m = new double[sizes.length][];
    v = new double[sizes.length][];
    last = spec.schedule() == AdamSchedule.CATCH_UP ? new long[sizes.length][] : null;
    for (int i = 0; i < sizes.length; i++) {
      m[i] = new double[sizes[i]];
      v[i] = new double[sizes[i]];
      if (last != null) {
        last[i] = new long[sizes[i]];
      }
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
    boolean lazy = spec.schedule().lazy();
    for (int i = 0; i < params.length; i++) {
      double[] w = params[i];
      double[] g = grads[i];
      double[] mi = m[i];
      double[] vi = v[i];
      for (int j = 0; j < w.length; j++) {
        if (lazy && g[j] == 0) {
          continue;
        }
        if (last != null) {
          catchUp(w, i, j, t - 1);
          last[i][j] = t;
        }
        mi[j] = b1 * mi[j] + (1 - b1) * g[j];
        vi[j] = b2 * vi[j] + (1 - b2) * g[j] * g[j];
        w[j] -= stepSize * mi[j] / (Math.sqrt(vi[j]) / bc2Sqrt + eps);
      }
    }
  }

  /** Catch-up: every element brought to the last update (the end of a training batch). */
  @Override
  public void flush(double[][] params) {
    if (last == null || t == 0) {
      return;
    }
    for (int i = 0; i < params.length; i++) {
      for (int j = 0; j < params[i].length; j++) {
        catchUp(params[i], i, j, t);
      }
    }
  }

  /** Brings element j of tensor i from update {@code last} to update {@code s} (no gradient). */
  private void catchUp(double[] w, int i, int j, long s) {
    long k = s - last[i][j];
    if (k <= 0) {
      return;
    }
    double mj = m[i][j];
    double vj = v[i][j];
    if (mj != 0) {
      w[j] -= spec.stepSize(s) * mj * spec.catchUpSum(k)
          / (Math.sqrt(vj) / spec.biasCorrection2Sqrt(s) + spec.eps());
    }
    m[i][j] = mj * Math.pow(spec.beta1(), k);
    v[i][j] = vj * Math.pow(spec.beta2(), k);
    last[i][j] = s;
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
      if (last != null) {
        out.putLongs(prefix + "adam.last" + i, last[i]);
      }
    }
  }

  @Override
  public void restoreState(StateMap in, String prefix) {
    long steps = in.getLong(prefix + "adam.t");
    long[][] lastRead = last == null ? null : new long[m.length][];
    for (int i = 0; i < m.length && lastRead != null; i++) {
      lastRead[i] = in.longs(prefix + "adam.last" + i, m[i].length);
    }
    for (int i = 0; i < m.length; i++) {
      in.doublesInto(prefix + "adam.m" + i, m[i]);
      in.doublesInto(prefix + "adam.v" + i, v[i]);
      if (lastRead != null) {
        System.arraycopy(lastRead[i], 0, last[i], 0, lastRead[i].length);
      }
    }
    t = steps;
  }
}
