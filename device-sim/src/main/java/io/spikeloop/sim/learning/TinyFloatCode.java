package io.spikeloop.sim.learning;

/**
 * A tiny floating-point code for one optimizer-state element, relative to its block's
 * power-of-two scale. Two kinds:
 *
 * <ul>
 *   <li>{@code signed} (the {@code m} code): sign bit, {@code expBits} exponent bits {@code e},
 *       {@code mantBits} mantissa bits {@code f}; magnitude {@code f} when {@code e = 0}
 *       (subnormal, so zero exists), else {@code (2^M + f) << (e - 1)}. Code layout
 *       {@code sign << (E+M) | e << M | f}; zero is always code 0 (no negative zero).
 *   <li>unsigned (the {@code sqrt(v)} code): no sign bit, an implicit leading one for every
 *       exponent, magnitude {@code (2^M + f) << e}. The smallest magnitude is {@code 2^M}: the
 *       code never decodes to zero, so {@code 1/sqrt(v)} stays bounded.
 * </ul>
 *
 * <p>{@link #topBits()} T: every magnitude below {@code 2^T} encodes without saturation even after
 * rounding up, so a block scale puts the block maximum just below {@code 2^T}.
 */
public record TinyFloatCode(int expBits, int mantBits, boolean signed) {
  /** 8-bit {@code m}: sign + E4M3 with subnormals (magnitudes 0 .. 15*2^14). */
  public static final TinyFloatCode M8 = new TinyFloatCode(4, 3, true);
  /**
   * 4-bit {@code m}: sign + E3M0, a signed power-of-two code (magnitudes 0, 1, 2, 4, .., 64); its
   * range beat E2M1 (0 .. 12) on tensors whose elements differ in scale.
   */
  public static final TinyFloatCode M4 = new TinyFloatCode(3, 0, true);
  /** 8-bit {@code sqrt(v)}: unsigned E4M4, magnitudes 16 .. 31*2^15. */
  public static final TinyFloatCode R8 = new TinyFloatCode(4, 4, false);
  /** 4-bit {@code sqrt(v)}: unsigned E3M1, magnitudes 2 .. 3*2^7. */
  public static final TinyFloatCode R4 = new TinyFloatCode(3, 1, false);

  public TinyFloatCode {
    if (expBits < 1 || mantBits < 0 || bits(expBits, mantBits, signed) > 8) {
      throw new IllegalArgumentException("tiny float code E" + expBits + "M" + mantBits
          + (signed ? " signed" : " unsigned") + " must have E >= 1, M >= 0 and fit 8 bits");
    }
  }

  private static int bits(int e, int m, boolean signed) {
    return e + m + (signed ? 1 : 0);
  }

  /** Width of one code in bits. */
  public int bits() {
    return bits(expBits, mantBits, signed);
  }

  private int maxExponentField() {
    return (1 << expBits) - 1;
  }

  /** T such that every magnitude below 2^T (and 2^T itself) is representable. */
  public int topBits() {
    return signed ? mantBits + maxExponentField() - 1 : mantBits + maxExponentField();
  }

  /** Largest magnitude. */
  public long maxMagnitude() {
    long mant = (2L << mantBits) - 1;
    return signed ? mant << (maxExponentField() - 1) : mant << maxExponentField();
  }

  /** Smallest magnitude: 0 for the signed code, 2^M for the unsigned one. */
  public long minMagnitude() {
    return signed ? 0 : 1L << mantBits;
  }

  /** Signed integer value of {@code code} (the low {@link #bits()} bits are used). */
  public long decode(int code) {
    int f = code & ((1 << mantBits) - 1);
    int e = (code >>> mantBits) & maxExponentField();
    if (!signed) {
      return ((1L << mantBits) + f) << e;
    }
    long magnitude = e == 0 ? f : ((1L << mantBits) + f) << (e - 1);
    boolean negative = ((code >>> (expBits + mantBits)) & 1) != 0;
    return negative ? -magnitude : magnitude;
  }

  /**
   * Code of {@code value}, which must lie on this code's grid (as {@link #roundStochastic}
   * produces) apart from saturation: magnitudes above the maximum saturate to it, and for the
   * unsigned code magnitudes below the minimum (including zero) become the minimum.
   */
  public int encodeExact(long value) {
    long magnitude = Math.min(Math.abs(value), maxMagnitude());
    if (!signed) {
      magnitude = Math.max(magnitude, minMagnitude());
      int e = LearningFixedPoint.bitLength(magnitude) - (mantBits + 1);
      int f = (int) ((magnitude >> e) - (1L << mantBits));
      return e << mantBits | f;
    }
    int code;
    if (magnitude < (1L << mantBits)) {
      code = (int) magnitude;
    } else {
      int e = LearningFixedPoint.bitLength(magnitude) - mantBits;
      int f = (int) ((magnitude >> (e - 1)) - (1L << mantBits));
      code = e << mantBits | f;
    }
    return value < 0 && magnitude != 0 ? code | 1 << (expBits + mantBits) : code;
  }

  /**
   * Stochastically rounds {@code x * 2^(-shift)} (x at a wide exponent, {@code shift} = block
   * scale minus that exponent) onto this code's grid and returns the code. The grid step at
   * magnitude {@code t = floor(|x| * 2^-shift)} is {@code 2^k}, {@code k = max(0, bitLength(t) -
   * (M+1))}; with {@code d = shift + k}, the number of steps is {@code floor((|x| + U) / 2^d)}
   * where {@code U} is the top {@code d} bits of {@code random32} ({@code d <= 32}), or
   * {@code random32 << (d - 32)} ({@code 32 < d <= 62}); {@code d > 62} gives 0 steps, and
   * {@code d <= 0} is exact. Unbiased: the expected decoded magnitude is |x| * 2^-shift.
   */
  public int roundStochastic(long x, int shift, int random32) {
    long a = Math.abs(x);
    if (shift < 0 && LearningFixedPoint.bitLength(a) - shift > 62) {
      return encodeExact(x < 0 ? -maxMagnitude() : maxMagnitude());
    }
    long t = LearningFixedPoint.shiftFloor(a, shift);
    int k = Math.max(0, LearningFixedPoint.bitLength(t) - (mantBits + 1));
    long magnitude = stochasticSteps(a, shift + k, random32) << k;
    return encodeExact(x < 0 ? -magnitude : magnitude);
  }

  /**
   * floor((a + U) / 2^d), the number of grid steps of {@link #roundStochastic}: U is the top
   * {@code d} bits of {@code random32} ({@code d <= 32}) or {@code random32 << (d - 32)}
   * ({@code 32 < d <= 62}); {@code d > 62} gives 0 and {@code d <= 0} is exact ({@code a << -d}).
   */
  static long stochasticSteps(long a, int d, int random32) {
    if (d <= 0) {
      return a << -d;
    }
    if (d > 62) {
      return 0;
    }
    long u = Integer.toUnsignedLong(random32);
    long offset = d <= 32 ? u >>> (32 - d) : u << (d - 32);
    return (a + offset) >> d;
  }
}
