package io.spikeloop.target.sl1;

/**
 * The SL-1 integer helpers of {@code docs/core-spec.md}, on 64-bit signed integers. Every device
 * implementation and the host's mapper share these definitions.
 */
public final class FixedPoint {
  /** 1.0 in the Q0.12 decay format. */
  public static final int Q12_ONE = 4096;

  private FixedPoint() {}

  public static long maxSigned(int bits) {
    return (1L << (bits - 1)) - 1;
  }

  public static long minSigned(int bits) {
    return -(1L << (bits - 1));
  }

  /** Clamp {@code x} to the signed range of {@code bits} (saturation, not wrap-around). */
  public static long sat(long x, int bits) {
    long max = maxSigned(bits);
    long min = -max - 1;
    return x > max ? max : (x < min ? min : x);
  }

  /**
   * {@code s > 0}: floor((x + 2^(s-1)) / 2^s), i.e. round half up (towards +inf) also for
   * negative x; {@code s <= 0}: x * 2^(-s).
   */
  public static long rshiftRound(long x, int s) {
    if (s > 0) {
      return (x + (1L << (s - 1))) >> s;
    }
    return x << (-s);
  }

  /** {@code e >= 0}: acc * 2^e; {@code e < 0}: rshiftRound(acc, -e). */
  public static long scale(long acc, int e) {
    return e >= 0 ? acc << e : rshiftRound(acc, -e);
  }

  /** Leak by a Q0.12 factor: rshiftRound(v * a, 12). */
  public static long decay(long v, int a) {
    return rshiftRound(v * a, 12);
  }
}
