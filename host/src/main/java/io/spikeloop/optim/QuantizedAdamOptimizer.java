package io.spikeloop.optim;

import io.spikeloop.checkpoint.StateMap;

import io.spikeloop.sim.learning.GradientQuantizer;
import io.spikeloop.sim.learning.QuantizedAdam;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;

/**
 * {@link OptimizerSpec.QuantizedAdam} on float64 tensors. At the first step each tensor adopts
 * its current values: its weight LSB becomes the power of two that gives {@code headroom} times
 * the largest magnitude (or 1 for an all-zero tensor) as range, and its master weights the
 * rounded values. Each step quantizes the gradient per tensor ({@link GradientQuantizer}), runs
 * the integer update and writes the master values back as floats.
 */
final class QuantizedAdamOptimizer implements Optimizer {
  private final OptimizerSpec.QuantizedAdam spec;
  private final int[] sizes;
  private final QuantizedAdam[] adam;
  private final QuantizedAdamState[] state;
  private final int[][] master;
  private final int[][] core;
  private final int[][] gradient;
  /** Float value of one master LSB per tensor. */
  private final double[] masterLsb;
  private long steps;

  QuantizedAdamOptimizer(OptimizerSpec.QuantizedAdam spec, int[] sizes) {
    this.spec = spec;
    this.sizes = sizes.clone();
    int n = sizes.length;
    adam = new QuantizedAdam[n];
    state = new QuantizedAdamState[n];
    master = new int[n][];
    core = new int[n][];
    masterLsb = new double[n];
    gradient = new int[n][];
    for (int i = 0; i < n; i++) {
      gradient[i] = new int[sizes[i]];
    }
  }

  private void adopt(double[][] params) {
    for (int i = 0; i < params.length; i++) {
      double max = 0;
      for (double w : params[i]) {
        max = Math.max(max, Math.abs(w));
      }
      double range = max > 0 ? max * spec.headroom() : 1.0;
      // smallest power-of-two LSB whose largest core weight covers the range
      int exp = Math.getExponent(range / ((1 << (spec.weightBits() - 1)) - 1)) + 1;
      masterLsb[i] = Math.scalb(1.0, exp - spec.masterFracBits());
      QuantizedAdamConfig config = configFor(i, masterLsb[i]);
      adam[i] = new QuantizedAdam(config);
      state[i] = QuantizedAdamState.initial(config, sizes[i], spec.seed() + i);
      master[i] = new int[sizes[i]];
      core[i] = new int[sizes[i]];
      for (int j = 0; j < sizes[i]; j++) {
        long m = Math.round(params[i][j] / masterLsb[i]);
        master[i][j] = (int) Math.max(config.masterMin(), Math.min(config.masterMax(), m));
        params[i][j] = master[i][j] * masterLsb[i];
      }
    }
  }

  @Override
  public void step(double[][] params, double[][] grads) {
    if (steps == 0) {
      adopt(params);
    }
    steps++;
    for (int i = 0; i < params.length; i++) {
      int n = sizes[i];
      int[] g = gradient[i];
      int exp = GradientQuantizer.quantize(grads[i], g);
      state[i] = adam[i].step(state[i], g, exp, master[i], core[i]);
      double lsb = masterLsb[i];
      double[] p = params[i];
      int[] m = master[i];
      for (int j = 0; j < n; j++) {
        p[j] = m[j] * lsb;
      }
    }
  }

  @Override
  public long steps() {
    return steps;
  }

  private QuantizedAdamConfig configFor(int tensor, double lsb) {
    double lrMasterLsb = spec.lr() / lsb;
    if (lrMasterLsb > QuantizedAdamConfig.MAX_LR_Q16 / 65536.0) {
      throw new IllegalArgumentException("tensor " + tensor + ": lr " + spec.lr() + " is " + lrMasterLsb
          + " master LSBs (LSB " + lsb + "), above the limit 256;"
          + " lower lr or the master fraction bits");
    }
    return QuantizedAdamConfig.fromFloat(spec.stateBits(), spec.blockSize(), lrMasterLsb,
        spec.beta1(), spec.beta2(), spec.eps(), spec.weightBits(), spec.masterFracBits());
  }

  /**
   * Before the first step there is nothing but the counter; after it, per tensor the master
   * LSB, master and core weights and the whole {@link QuantizedAdamState} (codes, scales,
   * counters, beta powers and the stochastic-rounding generator).
   */
  @Override
  public void saveState(StateMap out, String prefix) {
    out.putLong(prefix + "qadam.steps", steps);
    if (steps == 0) {
      return;
    }
    for (int i = 0; i < sizes.length; i++) {
      String p = prefix + "qadam." + i + ".";
      QuantizedAdamState s = state[i];
      out.putDouble(p + "masterLsb", masterLsb[i]);
      out.putInts(p + "master", master[i]);
      out.putInts(p + "core", core[i]);
      out.putBytes(p + "mCodes", s.mCodes());
      out.putBytes(p + "mScales", s.mScales());
      out.putBytes(p + "rCodes", s.rCodes());
      out.putBytes(p + "rScales", s.rScales());
      out.putLongs(p + "counters", new long[] {s.step(), s.beta1Pow(), s.beta2Pow(),
          s.rngState()});
    }
  }

  @Override
  public void restoreState(StateMap in, String prefix) {
    long saved = in.getLong(prefix + "qadam.steps");
    if (saved == 0) {
      steps = 0;
      return;
    }
    for (int i = 0; i < sizes.length; i++) {
      String p = prefix + "qadam." + i + ".";
      double lsb = in.getDouble(p + "masterLsb");
      QuantizedAdamConfig config = configFor(i, lsb);
      int n = sizes[i];
      int codeBytes = QuantizedAdamState.codeBytes(n, config.stateBits());
      int blocks = QuantizedAdamState.blocks(n, config.blockSize());
      long[] c = in.longs(p + "counters", 4);
      state[i] = new QuantizedAdamState(config, n, in.bytes(p + "mCodes", codeBytes),
          in.bytes(p + "mScales", blocks), in.bytes(p + "rCodes", codeBytes),
          in.bytes(p + "rScales", blocks), Math.toIntExact(c[0]), Math.toIntExact(c[1]),
          Math.toIntExact(c[2]), c[3]);
      adam[i] = new QuantizedAdam(config);
      masterLsb[i] = lsb;
      master[i] = in.ints(p + "master", n);
      core[i] = in.ints(p + "core", n);
    }
    steps = saved;
  }
}
