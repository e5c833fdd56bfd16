package io.spikeloop.sim.learning;

import java.util.Arrays;

/**
 * Quantized Adam state of one tensor, as an explicit value that can be checkpointed or sent to a
 * device. {@link QuantizedAdam#step} overwrites the arrays in place and returns the successor
 * record (same arrays, next counters); the record passed in is spent.
 *
 * @param config    the hyper-parameters the state belongs to
 * @param length    number of parameters in the tensor
 * @param mCodes    {@code m} codes: one byte each at 8 bits; at 4 bits two per byte, element
 *                  {@code i} in byte {@code i/2}, even {@code i} in the low nibble
 * @param mScales   per block, the power-of-two exponent {@code s_m} (int8): m = code value * 2^s_m
 * @param rCodes    {@code sqrt(v)} codes, packed like {@code mCodes}
 * @param rScales   per block, the exponent {@code s_r} (int8): sqrt(v) = code value * 2^s_r
 * @param step      completed steps t (0..2^31 - 1)
 * @param beta1Pow  beta1^t as unsigned Q0.30 (2^30 at t = 0), floored each step, reaching 0
 * @param beta2Pow  beta2^t as unsigned Q0.30
 * @param rngState  xorshift64* state, never 0
 * @param blockSteps catch-up schedule only (else null): per block, the step count {@code t} after
 *                  the block last stepped (0 initially), int32; {@code docs/learning-engine.md}
 *                  section 10
 */
public record QuantizedAdamState(QuantizedAdamConfig config, int length, byte[] mCodes,
    byte[] mScales, byte[] rCodes, byte[] rScales, int step, int beta1Pow, int beta2Pow,
    long rngState, int[] blockSteps) {
  public static final int ONE_Q30 = 1 << 30;
  /** Block scale of an untouched block: the smallest int8, so its values are ~0. */
  public static final byte EMPTY_SCALE = Byte.MIN_VALUE;

  /** A dense or lazy state (no per-block step counters). */
  public QuantizedAdamState(QuantizedAdamConfig config, int length, byte[] mCodes, byte[] mScales,
      byte[] rCodes, byte[] rScales, int step, int beta1Pow, int beta2Pow, long rngState) {
    this(config, length, mCodes, mScales, rCodes, rScales, step, beta1Pow, beta2Pow, rngState,
        null);
  }

  public QuantizedAdamState {
    if (config == null) {
      throw new IllegalArgumentException("quantized Adam state needs a config");
    }
    if (config.schedule() == AdamSchedule.CATCH_UP) {
      int blocks = blocks(length, config.blockSize());
      if (blockSteps == null || blockSteps.length != blocks) {
        throw new IllegalArgumentException("a catch-up quantized Adam state needs " + blocks
            + " per-block step counters, got " + (blockSteps == null ? "none"
                : blockSteps.length));
      }
      // (the counters' range, 0..step, is checked where a block steps: a record is made per step)
    } else if (blockSteps != null) {
      throw new IllegalArgumentException("per-block step counters belong to the catch-up "
          + "schedule, this state is " + config.schedule().cliName());
    }
    if (length < 0) {
      throw new IllegalArgumentException("tensor length must be >= 0, got " + length);
    }
    int codeBytes = codeBytes(length, config.stateBits());
    int blocks = blocks(length, config.blockSize());
    checkLength("m codes", mCodes, codeBytes);
    checkLength("m scales", mScales, blocks);
    checkLength("sqrt(v) codes", rCodes, codeBytes);
    checkLength("sqrt(v) scales", rScales, blocks);
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (beta1Pow < 0 || beta1Pow > ONE_Q30 || beta2Pow < 0 || beta2Pow > ONE_Q30) {
      throw new IllegalArgumentException("beta powers (Q0.30) must be in [0, 2^30], got "
          + beta1Pow + ", " + beta2Pow);
    }
    if (rngState == 0) {
      throw new IllegalArgumentException("xorshift64* state must not be 0");
    }
  }

  private static void checkLength(String what, byte[] array, int expected) {
    if (array == null || array.length != expected) {
      throw new IllegalArgumentException("quantized Adam " + what + " need " + expected
          + " bytes, got " + (array == null ? "none" : array.length));
    }
  }

  /** Fresh state: m = 0, every code at its smallest value, scales {@link #EMPTY_SCALE}. */
  public static QuantizedAdamState initial(QuantizedAdamConfig config, int length, long seed) {
    int codeBytes = codeBytes(length, config.stateBits());
    int blocks = blocks(length, config.blockSize());
    byte[] mScales = new byte[blocks];
    byte[] rScales = new byte[blocks];
    Arrays.fill(mScales, EMPTY_SCALE);
    Arrays.fill(rScales, EMPTY_SCALE);
    return new QuantizedAdamState(config, length, new byte[codeBytes], mScales,
        new byte[codeBytes], rScales, 0, ONE_Q30, ONE_Q30, Xorshift64Star.seed(seed),
        config.schedule() == AdamSchedule.CATCH_UP ? new int[blocks] : null);
  }

  public static int codeBytes(int length, int stateBits) {
    return stateBits == 8 ? length : (length + 1) / 2;
  }

  public static int blocks(int length, int blockSize) {
    return (length + blockSize - 1) / blockSize;
  }

  public int blocks() {
    return mScales.length;
  }

  /** The {@code m} code of element {@code i}. */
  public int mCode(int i) {
    return readCode(mCodes, i, config.stateBits());
  }

  /** The {@code sqrt(v)} code of element {@code i}. */
  public int rCode(int i) {
    return readCode(rCodes, i, config.stateBits());
  }

  /** Decoded m of element {@code i} as a double (for tests and reports, not the update path). */
  public double m(int i) {
    return Math.scalb((double) config.momentCode().decode(mCode(i)),
        mScales[i / config.blockSize()]);
  }

  /** Decoded sqrt(v) of element {@code i} as a double (for tests and reports). */
  public double rootV(int i) {
    return Math.scalb((double) config.rootCode().decode(rCode(i)),
        rScales[i / config.blockSize()]);
  }

  static int readCode(byte[] codes, int i, int bits) {
    if (bits == 8) {
      return codes[i] & 0xFF;
    }
    return (codes[i >> 1] >>> ((i & 1) << 2)) & 0xF;
  }

  static void writeCode(byte[] codes, int i, int bits, int code) {
    if (bits == 8) {
      codes[i] = (byte) code;
    } else {
      int shift = (i & 1) << 2;
      codes[i >> 1] = (byte) ((codes[i >> 1] & ~(0xF << shift)) | (code & 0xF) << shift);
    }
  }

  /**
   * Bytes this state occupies: codes, scales, 20 bytes of counters and RNG state, and 4 bytes per
   * block of step counter under the catch-up schedule.
   */
  public long stateBytes() {
    return 2L * mCodes.length + mScales.length + rScales.length + 4 + 4 + 4 + 8
        + (blockSteps == null ? 0 : 4L * blockSteps.length);
  }

  /** Deep copy (a checkpoint). */
  public QuantizedAdamState copy() {
    return new QuantizedAdamState(config, length, mCodes.clone(), mScales.clone(), rCodes.clone(),
        rScales.clone(), step, beta1Pow, beta2Pow, rngState,
        blockSteps == null ? null : blockSteps.clone());
  }

  /** True when every stored bit equals {@code other}'s (records compare arrays by identity). */
  public boolean sameBits(QuantizedAdamState other) {
    return config.equals(other.config) && length == other.length && step == other.step
        && beta1Pow == other.beta1Pow && beta2Pow == other.beta2Pow
        && rngState == other.rngState && Arrays.equals(mCodes, other.mCodes)
        && Arrays.equals(mScales, other.mScales) && Arrays.equals(rCodes, other.rCodes)
        && Arrays.equals(rScales, other.rScales) && Arrays.equals(blockSteps, other.blockSteps);
  }
}
