package io.spikeloop.sim.learning;

import static io.spikeloop.sim.learning.LearningFixedPoint.bitLength;
import static io.spikeloop.sim.learning.LearningFixedPoint.divideFloor;
import static io.spikeloop.sim.learning.LearningFixedPoint.shiftClamp;
import static io.spikeloop.sim.learning.LearningFixedPoint.shiftRound;
import static io.spikeloop.sim.learning.LearningFixedPoint.sqrtRound;

import java.util.Arrays;

/**
 * One quantized Adam step on one tensor, integer arithmetic only, exactly as
 * {@code docs/learning-engine.md} specifies (the C firmware re-implements this method bit for
 * bit). Works in place on primitive arrays; its only allocations are two block-sized scratch
 * arrays made once here and the small successor state record per step. Not thread-safe: use one
 * instance per thread.
 */
public final class QuantizedAdam {
  /** Largest gradient integer magnitude (the gradient is int16 without -32768). */
  public static final int MAX_GRADIENT = 32767;
  /** Gradient exponents outside this range are rejected. */
  public static final int MAX_GRADIENT_EXP = 1000;
  /** |m_hat / (sqrt(v_hat) + eps)| is clamped to 2^24 in Q16, i.e. to 256. */
  static final long RATIO_LIMIT_Q16 = 1L << 24;
  /** The eps term of the denominator saturates at 2^40 (Q8 units of the block's sqrt(v) scale). */
  static final long EPS_LIMIT = 1L << 40;
  /** Catch-up: the geometric sum S_k (Q0.20) saturates at 2^31 - 1 (2048). */
  static final long CATCH_UP_SUM_LIMIT = (1L << 31) - 1;
  /** Catch-up: FS = F * S_k (Q16.16) saturates at 2^38, so FS * ratio stays below 2^62. */
  static final long CATCH_UP_STEP_LIMIT = 1L << 38;

  private final QuantizedAdamConfig config;
  private final TinyFloatCode momentCode;
  private final TinyFloatCode rootCode;
  private final TinyFloatRounder momentRounder;
  private final TinyFloatRounder rootRounder;
  private final long[] scratchM;
  private final long[] scratchR;
  /** Decoded value of every code (a lookup instead of decoding in the loops). */
  private final long[] momentValue;
  private final long[] rootValue;
  /**
   * sqrt(v) after a step without gradient, per stored sqrt(v) code: a pure function of the code
   * and the frame shift ev - 2 s_r, valid for the shift in {@link #decayedRootShift}
   * (Integer.MIN_VALUE: not yet computed).
   */
  private final long[] decayedRoot;
  private final int[] decayedRootShift;
  /** Catch-up: r = beta1 / sqrt(beta2), Q0.30 (0 under the other schedules). */
  private final long ratioQ30;
  /** Catch-up factors of the last k computed (k = 0: none yet): beta1^k, beta2^k (Q0.20), FS. */
  private int catchUpK;
  private long catchUpDecay1;
  private long catchUpDecay2;
  private long catchUpStep;
  /** The F (Q16.16) the catch-up factor FS was computed with. */
  private long catchUpF;

  public QuantizedAdam(QuantizedAdamConfig config) {
    this.config = config;
    this.momentCode = config.momentCode();
    this.rootCode = config.rootCode();
    this.momentRounder = new TinyFloatRounder(momentCode);
    this.rootRounder = new TinyFloatRounder(rootCode);
    this.scratchM = new long[config.blockSize()];
    this.scratchR = new long[config.blockSize()];
    this.momentValue = new long[1 << momentCode.bits()];
    this.rootValue = new long[1 << rootCode.bits()];
    this.decayedRoot = new long[rootValue.length];
    this.decayedRootShift = new int[rootValue.length];
    Arrays.fill(decayedRootShift, Integer.MIN_VALUE);
    for (int c = 0; c < momentValue.length; c++) {
      momentValue[c] = momentCode.decode(c);
    }
    this.ratioQ30 = config.schedule() == AdamSchedule.CATCH_UP
        ? QuantizedAdamConfig.catchUpRatioQ30(config.beta1Q20(), config.beta2Q20()) : 0;
    for (int c = 0; c < rootValue.length; c++) {
      rootValue[c] = rootCode.decode(c);
    }
  }

  public QuantizedAdamConfig config() {
    return config;
  }

  /**
   * Applies one Adam step for the gradient {@code grad[i] * 2^gradExp}: updates the state's codes
   * and scales, the master weights and the core weights in place, and returns the successor
   * state (the argument is spent).
   *
   * @param grad    gradient integers, |grad[i]| <= 32767
   * @param gradExp the tensor's gradient exponent for this step
   * @param master  master weights in [masterMin, masterMax], updated in place
   * @param weights core weights, overwritten with shiftRound(master, masterFracBits)
   */
  public QuantizedAdamState step(QuantizedAdamState state, int[] grad, int gradExp, int[] master,
      int[] weights) {
    check(state, grad, gradExp, master, weights);
    return stepBlocks(state, grad, gradExp, master, weights, null, 0);
  }

  /**
   * The lazy step for a caller that knows which blocks may hold a nonzero gradient: identical to
   * {@link #step} under the {@code lazy} schedule provided every block with a nonzero gradient is
   * listed (listed blocks whose gradient is all 0 are skipped, as {@code step} skips them), but its
   * cost follows the listed blocks only: unlisted blocks are not visited at all, and the arrays
   * are checked only where listed. This is the event-driven entry the learning engine uses.
   *
   * @param blocks ascending, distinct block indices; {@code blocks[0..count)} are used
   */
  public QuantizedAdamState stepListedBlocks(QuantizedAdamState state, int[] grad, int gradExp,
      int[] master, int[] weights, int[] blocks, int count) {
    if (!config.schedule().lazy()) {
      throw new IllegalStateException("listed blocks need the lazy or catchup schedule, this "
          + "optimizer is " + config.schedule().cliName());
    }
    checkState(state, grad, gradExp, master, weights);
    int nBlocks = (state.length() + config.blockSize() - 1) / config.blockSize();
    for (int k = 0; k < count; k++) {
      int b = blocks[k];
      if (b < 0 || b >= nBlocks || (k > 0 && b <= blocks[k - 1])) {
        throw new IllegalArgumentException("listed blocks must be ascending, distinct and in [0, "
            + nBlocks + "), got " + b + " at " + k);
      }
      int lo = b * config.blockSize();
      checkElements(grad, master, lo, Math.min(lo + config.blockSize(), state.length()));
    }
    return stepBlocks(state, grad, gradExp, master, weights, blocks, count);
  }

  /** The step over every block ({@code blocks == null}) or the listed ones. */
  private QuantizedAdamState stepBlocks(QuantizedAdamState state, int[] grad, int gradExp,
      int[] master, int[] weights, int[] blocks, int count) {
    final int bits = config.stateBits();
    final int block = config.blockSize();
    final long b1 = config.beta1Q20();
    final long b2 = config.beta2Q20();
    final long one = QuantizedAdamConfig.ONE_Q20;
    final long oneQ30 = QuantizedAdamState.ONE_Q30;

    // Per-step scalars: beta powers (floored, so they reach 0 and bias correction saturates at 1),
    // sqrt(1 - beta2^t) in Q0.30, and F = lr * sqrt(1 - beta2^t) / (1 - beta1^t) in Q16.16.
    int beta1Pow = (int) ((state.beta1Pow() * b1) >> 20);
    int beta2Pow = (int) ((state.beta2Pow() * b2) >> 20);
    long s2 = sqrtRound((oneQ30 - beta2Pow) << 30);
    long f = (config.lrQ16() * s2) / (oneQ30 - beta1Pow);
    long rng = state.rngState();
    final int masterMin = config.masterMin();
    final int masterMax = config.masterMax();
    final int fracBits = config.masterFracBits();
    final int topM = momentCode.topBits();
    final int topR = rootCode.topBits();
    byte[] mCodes = state.mCodes();
    byte[] rCodes = state.rCodes();
    byte[] mScales = state.mScales();
    byte[] rScales = state.rScales();

    final boolean lazy = config.schedule().lazy();
    final boolean catchUp = config.schedule() == AdamSchedule.CATCH_UP;
    final int[] blockSteps = state.blockSteps();
    final int t = state.step() + 1;
    // Catch-up brings a block to update t - 1 with that update's bias corrections (state's powers).
    long s2Prev = 0;
    long fPrev = 0;
    if (catchUp && state.step() > 0) {
      s2Prev = sqrtRound((oneQ30 - state.beta2Pow()) << 30);
      fPrev = (config.lrQ16() * s2Prev) / (oneQ30 - state.beta1Pow());
    }
    int nBlocks = blocks == null ? (state.length() + block - 1) / block : count;
    for (int k = 0; k < nBlocks; k++) {
      int b = blocks == null ? k : blocks[k];
      int lo = b * block;
      int hi = Math.min(lo + block, state.length());
      if (lazy && allZero(grad, lo, hi)) {
        continue; // lazy: a block without gradient keeps codes, scales and masters, draws nothing
      }
      int sm = mScales[b];
      int sr = rScales[b];
      int skipped = 0;
      if (catchUp) {
        int last = blockSteps[b];
        if (last < 0 || last >= t) {
          throw new IllegalStateException("block " + b + " last stepped at " + last
              + ", outside [0, " + state.step() + "]");
        }
        skipped = t - 1 - last;
        blockSteps[b] = t;
        if (skipped > 0) {
          prepareCatchUp(skipped, fPrev);
          // Pass 0: the momentum moves of the skipped updates, from the stored (old) codes.
          long epsPrev = shiftClamp(s2Prev, config.epsExp() - sr - 22, EPS_LIMIT);
          for (int i = lo; i < hi; i++) {
            rng = Xorshift64Star.advance(rng);
            long dm = momentValue[QuantizedAdamState.readCode(mCodes, i, bits)];
            if (dm == 0) {
              continue; // move = (0 + u) >> 32 = 0 for every 32-bit u: drawn, nothing moves
            }
            long den = (rootValue[QuantizedAdamState.readCode(rCodes, i, bits)] << 8) + epsPrev;
            long q = dm > 0 ? divideFloor(dm << 32, den) : -divideFloor(-dm << 32, den);
            long ratio = shiftClamp(q, sm - sr - 8, RATIO_LIMIT_Q16);
            long u = Integer.toUnsignedLong(Xorshift64Star.output(rng));
            long move = (catchUpStep * ratio + u) >> 32;
            master[i] = (int) Math.max(masterMin, Math.min(masterMax, master[i] - move));
          }
        }
      }
      // Pass 1: decode the stored block (caught up: m times beta1^k, exponent sm - 20), find the
      // magnitudes that fix the wide frames.
      long maxDm = 0;
      long maxDr = 0;
      long maxG = 0;
      for (int i = lo; i < hi; i++) {
        long dm = momentValue[QuantizedAdamState.readCode(mCodes, i, bits)];
        long dr = rootValue[QuantizedAdamState.readCode(rCodes, i, bits)];
        scratchM[i - lo] = skipped > 0 ? dm * catchUpDecay1 : dm;
        scratchR[i - lo] = dr;
        maxDm = Math.max(maxDm, Math.abs(scratchM[i - lo]));
        maxDr = Math.max(maxDr, dr);
        maxG = Math.max(maxG, Math.abs(grad[i]));
      }
      // Wide frames: m at exponent em with |m| < 2^30, v at even exponent ev with v < 2^40.
      // Frames follow the nonzero terms only (a block without gradient decays freely).
      final int mExp = skipped > 0 ? sm - 20 : sm;
      int em = 0;
      if (maxDm != 0 || maxG != 0) {
        em = Math.max(maxDm == 0 ? Integer.MIN_VALUE : mExp + bitLength(maxDm),
            maxG == 0 ? Integer.MIN_VALUE : gradExp + bitLength(maxG)) - 30;
      }
      // v = sqrt(v)^2 at exponent 2 sr (caught up: times beta2^k, exponent 2 sr - 20).
      final long maxV = skipped > 0 ? maxDr * maxDr * catchUpDecay2 : maxDr * maxDr;
      final int vExp = skipped > 0 ? 2 * sr - 20 : 2 * sr;
      int ev = Math.max(maxV == 0 ? Integer.MIN_VALUE : vExp + bitLength(maxV),
          maxG == 0 ? Integer.MIN_VALUE : 2 * gradExp + bitLength(maxG * maxG)) - 40;
      if ((ev & 1) != 0) {
        ev++;
      }
      int er = ev / 2;
      // Pass 2: the moment updates in the wide frames.
      final int vShift = ev - vExp;
      long maxM = 0;
      long maxR = 0;
      for (int i = lo; i < hi; i++) {
        long g = grad[i];
        long mOld = shiftRound(scratchM[i - lo], em - mExp);
        long gWide = shiftRound(g, em - gradExp);
        long m = shiftRound(b1 * mOld + (one - b1) * gWide, 20);
        long r;
        if (skipped > 0) {
          long dr = scratchR[i - lo];
          long vOld = shiftRound(dr * dr * catchUpDecay2, vShift);
          long g2 = g == 0 ? 0 : shiftRound(g * g, ev - 2 * gradExp);
          r = sqrtRound(shiftRound(b2 * vOld + (one - b2) * g2, 20));
        } else if (g == 0) {
          // v only decays: r is a function of the stored code and the frame shift, memoised
          // (most of a spiking layer's gradient elements are 0 at any step).
          int code = QuantizedAdamState.readCode(rCodes, i, bits);
          if (decayedRootShift[code] != vShift) {
            long dr = scratchR[i - lo];
            decayedRoot[code] = sqrtRound(shiftRound(b2 * shiftRound(dr * dr, vShift), 20));
            decayedRootShift[code] = vShift;
          }
          r = decayedRoot[code];
        } else {
          long dr = scratchR[i - lo];
          long vOld = shiftRound(dr * dr, vShift);
          long g2 = shiftRound(g * g, ev - 2 * gradExp);
          r = sqrtRound(shiftRound(b2 * vOld + (one - b2) * g2, 20));
        }
        scratchM[i - lo] = m;
        scratchR[i - lo] = r;
        maxM = Math.max(maxM, Math.abs(m));
        maxR = Math.max(maxR, r);
      }
      // New block scales put the block maximum just below the code's 2^T.
      int smNew = maxM == 0 ? QuantizedAdamState.EMPTY_SCALE : clampScale(em + bitLength(maxM) - topM);
      int srNew = maxR == 0 ? QuantizedAdamState.EMPTY_SCALE : clampScale(er + bitLength(maxR) - topR);
      mScales[b] = (byte) smNew;
      rScales[b] = (byte) srNew;
      // eps * sqrt(1 - beta2^t) in Q8 units of 2^srNew.
      long epsTerm = shiftClamp(s2, config.epsExp() - srNew - 22, EPS_LIMIT);
      // Pass 3: per element draw m, r, w in this order; store codes; update from stored codes.
      for (int i = lo; i < hi; i++) {
        rng = Xorshift64Star.advance(rng);
        int cm = momentRounder.roundStochastic(scratchM[i - lo], smNew - em, Xorshift64Star.output(rng));
        rng = Xorshift64Star.advance(rng);
        int cr = rootRounder.roundStochastic(scratchR[i - lo], srNew - er, Xorshift64Star.output(rng));
        QuantizedAdamState.writeCode(mCodes, i, bits, cm);
        QuantizedAdamState.writeCode(rCodes, i, bits, cr);
        long dm = momentValue[cm];
        long den = (rootValue[cr] << 8) + epsTerm;
        long q = dm >= 0 ? divideFloor(dm << 32, den) : -divideFloor(-dm << 32, den);
        long ratio = shiftClamp(q, smNew - srNew - 8, RATIO_LIMIT_Q16);
        rng = Xorshift64Star.advance(rng);
        long u = Integer.toUnsignedLong(Xorshift64Star.output(rng));
        long delta = (f * ratio + u) >> 32;
        long updated = Math.max(masterMin, Math.min(masterMax, master[i] - delta));
        master[i] = (int) updated;
        weights[i] = (int) shiftRound(updated, fracBits);
      }
    }
    return new QuantizedAdamState(config, state.length(), mCodes, mScales, rCodes, rScales,
        state.step() + 1, beta1Pow, beta2Pow, rng, blockSteps);
  }

  /**
   * The catch-up factors of {@code k > 0} skipped updates: beta1^k and beta2^k (Q0.20), and FS =
   * min(floor(F * S_k / 2^20), 2^38), S_k = sum_{i=1..k} r^i = r (1 - r^k) / (1 - r) in Q0.20
   * (floored, capped at 2^31 - 1), F the Q16.16 step factor of update t - 1.
   */
  private void prepareCatchUp(int k, long f) {
    if (k == catchUpK && f == catchUpF) {
      return;
    }
    catchUpK = k;
    catchUpF = f;
    catchUpDecay1 = LearningFixedPoint.powFloor(config.beta1Q20(), k, 20);
    catchUpDecay2 = LearningFixedPoint.powFloor(config.beta2Q20(), k, 20);
    long oneQ30 = QuantizedAdamState.ONE_Q30;
    long rk = LearningFixedPoint.powFloor(ratioQ30, k, 30);
    long sumQ20 = Math.min(((ratioQ30 - ((ratioQ30 * rk) >> 30)) << 20) / (oneQ30 - ratioQ30),
        CATCH_UP_SUM_LIMIT);
    catchUpStep = Math.min((f * sumQ20) >> 20, CATCH_UP_STEP_LIMIT);
  }

  private static boolean allZero(int[] grad, int lo, int hi) {
    for (int i = lo; i < hi; i++) {
      if (grad[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int clampScale(int s) {
    return Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, s));
  }

  private void check(QuantizedAdamState state, int[] grad, int gradExp, int[] master,
      int[] weights) {
    checkState(state, grad, gradExp, master, weights);
    checkElements(grad, master, 0, state.length());
  }

  private void checkState(QuantizedAdamState state, int[] grad, int gradExp, int[] master,
      int[] weights) {
    if (!state.config().equals(config)) {
      throw new IllegalArgumentException("state was made for " + state.config()
          + ", this optimizer uses " + config);
    }
    if (state.step() == Integer.MAX_VALUE) {
      throw new IllegalStateException("step counter is at its limit 2^31 - 1");
    }
    int n = state.length();
    checkLength("gradient", grad, n);
    checkLength("master weights", master, n);
    checkLength("core weights", weights, n);
    if (gradExp < -MAX_GRADIENT_EXP || gradExp > MAX_GRADIENT_EXP) {
      throw new IllegalArgumentException("gradient exponent " + gradExp + " outside ["
          + -MAX_GRADIENT_EXP + ", " + MAX_GRADIENT_EXP + "]");
    }
  }

  private void checkElements(int[] grad, int[] master, int lo, int hi) {
    for (int i = lo; i < hi; i++) {
      if (grad[i] < -MAX_GRADIENT || grad[i] > MAX_GRADIENT) {
        throw new IllegalArgumentException("gradient integer " + grad[i] + " at " + i
            + " outside [-32767, 32767]");
      }
      if (master[i] < config.masterMin() || master[i] > config.masterMax()) {
        throw new IllegalArgumentException("master weight " + master[i] + " at " + i
            + " outside [" + config.masterMin() + ", " + config.masterMax() + "]");
      }
    }
  }

  private static void checkLength(String what, int[] array, int n) {
    if (array == null || array.length != n) {
      throw new IllegalArgumentException(what + " needs " + n + " values, got "
          + (array == null ? "none" : array.length));
    }
  }
}
