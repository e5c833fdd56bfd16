package io.spikeloop.sim.learning;

/**
 * Integer helpers of the learning engine, on 64-bit signed integers. They differ from the forward
 * pass's {@code FixedPoint} only where the learning path needs more: shifts of any size are
 * defined (the forward pass never shifts by 63 or more), and there is an integer square root.
 */
public final class LearningFixedPoint {
  private LearningFixedPoint() {}

  /** Number of significant bits of {@code x >= 0}: 0 for 0, else floor(log2(x)) + 1. */
  public static int bitLength(long x) {
    return 64 - Long.numberOfLeadingZeros(x);
  }

  /**
   * {@code s > 0}: floor((x + 2^(s-1)) / 2^s), round half up, with {@code s} capped at 62 (every
   * operand here is below 2^61 in magnitude, so larger shifts give 0 exactly as the formula
   * would); {@code s <= 0}: x * 2^(-s), which the caller guarantees not to overflow.
   */
  public static long shiftRound(long x, int s) {
    if (s <= 0) {
      return x << -s;
    }
    int c = Math.min(s, 62);
    return (x + (1L << (c - 1))) >> c;
  }

  /** {@code s > 0}: floor(x / 2^s) with s capped at 63; {@code s <= 0}: x * 2^(-s). */
  public static long shiftFloor(long x, int s) {
    if (s <= 0) {
      return x << -s;
    }
    return x >> Math.min(s, 63);
  }

  /**
   * x * 2^k clamped to [-limit, limit], for {@code 0 < limit <= 2^62}; {@code k < 0} rounds as
   * {@link #shiftRound}. Never overflows.
   */
  public static long shiftClamp(long x, int k, long limit) {
    long r;
    if (k <= 0) {
      r = shiftRound(x, -k);
    } else if (x == 0) {
      r = 0;
    } else if (k >= 62 || Math.abs(x) > (limit >> k)) {
      r = x > 0 ? limit : -limit;
    } else {
      r = x << k;
    }
    return Math.max(-limit, Math.min(limit, r));
  }

  /**
   * Square root of {@code 0 <= x < 2^62} rounded to nearest: r = floor(sqrt(x)), then r + 1 when
   * x - r^2 > r (no ties exist). The result is unique, so any exact method conforms; this one
   * rounds the double square root and corrects it with integer arithmetic. Why one correction
   * suffices: (double) x, Math.sqrt and the addition of 1/2 each round with a relative error of at
   * most 2^-53, so {@code sqrt(x) + 1/2} (below 2^32) is known to within 2^-20; truncated, it is
   * the nearest integer r, or off by one when sqrt(x) lies that close to a half-integer. The
   * nearest integer r is the one with {@code r^2 - r < x <= r^2 + r} (r > 0; x = 0 gives 0).
   */
  public static long sqrtRound(long x) {
    if (x < 0 || x >= (1L << 62)) {
      throw sqrtOutOfRange(x);
    }
    long r = (long) (Math.sqrt((double) x) + 0.5);
    long r2 = r * r;
    if (x > r2 + r) {
      r++;
    } else if (x <= r2 - r && r > 0) {
      r--;
    }
    return r;
  }

  private static IllegalArgumentException sqrtOutOfRange(long x) {
    return new IllegalArgumentException("sqrtRound needs 0 <= x < 2^62, got " + x);
  }

  /**
   * floor(a / b) for {@code 0 <= a < 2^52} and {@code 0 < b < 2^52}, i.e. {@code a / b}: the
   * double quotient (both operands exact, one rounding, error at most 2^-53 * a/b < 1/2)
   * truncated, then corrected by one with integer arithmetic when a/b lies that close to an
   * integer. Cheaper than a 64-bit integer division, which is not pipelined.
   */
  public static long divideFloor(long a, long b) {
    long q = (long) ((double) a / (double) b);
    long rest = a - q * b;
    if (rest < 0) {
      q--;
    } else if (rest >= b) {
      q++;
    }
    return q;
  }

  /**
   * x^k in unsigned Q0.{@code frac} ({@code 0 <= x <= 2^frac}, {@code frac <= 30}, {@code k >= 0}),
   * by binary exponentiation from the lowest bit of k with every product floored: {@code r = 2^frac;
   * while k > 0: if k odd: r = (r * x) >> frac; k >>= 1; if k > 0: x = (x * x) >> frac}. The
   * products stay below 2^60. The rounding follows this exact order (firmware: slq_pow_floor).
   */
  public static long powFloor(long x, int k, int frac) {
    long r = 1L << frac;
    while (k > 0) {
      if ((k & 1) != 0) {
        r = (r * x) >> frac;
      }
      k >>>= 1;
      if (k > 0) {
        x = (x * x) >> frac;
      }
    }
    return r;
  }
}
