package io.spikeloop.sim.learning;

/**
 * The reference square root of docs/learning-engine.md, digit by digit (restoring), kept in the
 * tests so that the fast Java and C square roots can be checked against it.
 */
public final class DigitByDigitSqrt {
  private DigitByDigitSqrt() {}

  /** Square root of {@code 0 <= x < 2^62} rounded to nearest (ties cannot occur). */
  public static long sqrtRound(long x) {
    long rest = x;
    long root = 0;
    long bit = x == 0 ? 0 : 1L << ((63 - Long.numberOfLeadingZeros(x)) & ~1);
    while (bit != 0) {
      if (rest >= root + bit) {
        rest -= root + bit;
        root = (root >> 1) + bit;
      } else {
        root >>= 1;
      }
      bit >>= 2;
    }
    return rest > root ? root + 1 : root;
  }
}
