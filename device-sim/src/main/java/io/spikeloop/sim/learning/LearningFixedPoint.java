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
   * Square root of {@code 0 <= x < 2^62} rounded to nearest: r = floor(sqrt(x)) by the
   * digit-by-digit (restoring) method, then r + 1 when x - r^2 > r.
   */
  public static long sqrtRound(long x) {
    if (x < 0 || x >= (1L << 62)) {
      throw new IllegalArgumentException("sqrtRound needs 0 <= x < 2^62, got " + x);
    }
    long rest = x;
    long root = 0;
    // start at the highest power of four not above x (0 when x = 0)
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
