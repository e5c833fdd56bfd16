package io.spikeloop.sim.learning;

/**
 * {@link TinyFloatCode#roundStochastic} for the optimizer's inner loop: the same integer
 * procedure, with the final encoding read from a table instead of recomputed.
 *
 * <p>Why a table covers every case: with {@code t = floor(|x| * 2^-shift)} of bit length
 * {@code L} and {@code k = max(0, L - (M+1))}, the rounded number of grid steps is
 * {@code floor(t / 2^k)} or one more, so {@code steps <= 2^(M+1)}; and {@code L <= 62} gives
 * {@code k <= 61 - M}. The magnitude {@code steps << k} therefore has at most
 * {@code (62 - M) * (2^(M+1) + 1)} values, and {@code codes[k][steps]} holds
 * {@code encodeExact(steps << k)} (saturation and the unsigned minimum included) for each.
 */
final class TinyFloatRounder {
  private final TinyFloatCode code;
  private final int mantBits;
  private final int stepsPerK;
  private final int[] codes;
  private final int signBit;
  private final int maxCode;
  private final int minusMaxCode;

  TinyFloatRounder(TinyFloatCode code) {
    this.code = code;
    this.mantBits = code.mantBits();
    this.stepsPerK = (2 << mantBits) + 1;
    int ks = 62 - mantBits;
    this.codes = new int[ks * stepsPerK];
    for (int k = 0; k < ks; k++) {
      for (int steps = 0; steps < stepsPerK; steps++) {
        codes[k * stepsPerK + steps] = code.encodeExact((long) steps << k);
      }
    }
    this.signBit = code.signed() ? 1 << (code.expBits() + mantBits) : 0;
    this.maxCode = code.encodeExact(code.maxMagnitude());
    this.minusMaxCode = code.encodeExact(-code.maxMagnitude());
  }

  TinyFloatCode code() {
    return code;
  }

  /** Exactly {@code code().roundStochastic(x, shift, random32)}. */
  int roundStochastic(long x, int shift, int random32) {
    long a = Math.abs(x);
    if (shift < 0 && LearningFixedPoint.bitLength(a) - shift > 62) {
      return x < 0 ? minusMaxCode : maxCode;
    }
    long t = LearningFixedPoint.shiftFloor(a, shift);
    int k = Math.max(0, LearningFixedPoint.bitLength(t) - (mantBits + 1));
    long steps = TinyFloatCode.stochasticSteps(a, shift + k, random32); // < 2^(M+1) + 1
    int c = codes[k * stepsPerK + (int) steps];
    return x < 0 && c != 0 ? c | signBit : c;
  }
}
