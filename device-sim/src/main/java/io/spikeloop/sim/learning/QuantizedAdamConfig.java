package io.spikeloop.sim.learning;

/**
 * The fixed-point hyper-parameters of quantized Adam for one tensor (see
 * {@code docs/learning-engine.md}).
 *
 * @param stateBits      width of each {@code m} and {@code sqrt(v)} code: 8 or 4
 * @param blockSize      elements sharing one pair of block scales, 1..4096 (default 64)
 * @param beta1Q20       beta1 as unsigned Q0.20, at most 0.99 (1038090) so that
 *                       1/(1 - beta1^t) <= 100 keeps every product inside 63 bits
 * @param beta2Q20       beta2 as unsigned Q0.20, below 1.0 (at most 2^20 - 1)
 * @param lrQ16          learning rate in master-weight LSBs per unit of m_hat/sqrt(v_hat),
 *                       unsigned Q16.16, at most 2^24 (256 master LSBs)
 * @param epsExp         Adam's eps (in gradient units) is 2^epsExp, -200..64
 * @param weightBits     signed width of the core weight, 2..16
 * @param masterFracBits fraction bits the master weight keeps below the core weight's LSB,
 *                       0..15; the master is a (weightBits + masterFracBits)-bit integer
 */
public record QuantizedAdamConfig(int stateBits, int blockSize, int beta1Q20, int beta2Q20,
    int lrQ16, int epsExp, int weightBits, int masterFracBits, AdamSchedule schedule) {
  public static final int ONE_Q20 = 1 << 20;
  public static final int MAX_BETA1_Q20 = 1038090;
  public static final int MAX_LR_Q16 = 1 << 24;
  public static final int DEFAULT_BLOCK = 64;

  /** A dense configuration (every block steps at every step). */
  public QuantizedAdamConfig(int stateBits, int blockSize, int beta1Q20, int beta2Q20, int lrQ16,
      int epsExp, int weightBits, int masterFracBits) {
    this(stateBits, blockSize, beta1Q20, beta2Q20, lrQ16, epsExp, weightBits, masterFracBits,
        AdamSchedule.DENSE);
  }

  public QuantizedAdamConfig {
    if (schedule == null) {
      throw new IllegalArgumentException("quantized Adam needs a schedule (dense, lazy or catchup)");
    }
    if (stateBits != 8 && stateBits != 4) {
      throw new IllegalArgumentException("Adam state bits must be 8 or 4, got " + stateBits);
    }
    if (blockSize < 1 || blockSize > 4096) {
      throw new IllegalArgumentException("block size must be in [1, 4096], got " + blockSize);
    }
    if (beta1Q20 < 0 || beta1Q20 > MAX_BETA1_Q20) {
      throw new IllegalArgumentException("beta1 (Q0.20) must be in [0, " + MAX_BETA1_Q20
          + "] (beta1 <= 0.99), got " + beta1Q20);
    }
    if (beta2Q20 < 0 || beta2Q20 >= ONE_Q20) {
      throw new IllegalArgumentException("beta2 (Q0.20) must be in [0, 2^20 - 1], got " + beta2Q20);
    }
    if (lrQ16 < 0 || lrQ16 > MAX_LR_Q16) {
      throw new IllegalArgumentException("learning rate (Q16.16 master LSBs) must be in [0, 2^24],"
          + " got " + lrQ16);
    }
    if (epsExp < -200 || epsExp > 64) {
      throw new IllegalArgumentException("eps exponent must be in [-200, 64], got " + epsExp);
    }
    if (weightBits < 2 || weightBits > 16) {
      throw new IllegalArgumentException("weight bits must be in [2, 16], got " + weightBits);
    }
    if (masterFracBits < 0 || masterFracBits > 15) {
      throw new IllegalArgumentException("master fraction bits must be in [0, 15], got "
          + masterFracBits);
    }
    if (schedule == AdamSchedule.CATCH_UP
        && (beta2Q20 == 0 || catchUpRatioQ30(beta1Q20, beta2Q20) >= QuantizedAdamState.ONE_Q30)) {
      throw new IllegalArgumentException("the catch-up schedule needs beta1 < sqrt(beta2) (the "
          + "skipped momentum moves form a convergent geometric series), got beta1 " + beta1Q20
          + ", beta2 " + beta2Q20 + " (Q0.20)");
    }
  }

  /**
   * r = beta1 / sqrt(beta2) in unsigned Q0.30, floored: {@code (b1 << 30) / sqrtRound(b2 << 20)}
   * (the ratio of the geometric series of the catch-up's skipped moves; {@code beta2Q20 > 0}).
   */
  public static long catchUpRatioQ30(long beta1Q20, long beta2Q20) {
    return (beta1Q20 << 30) / LearningFixedPoint.sqrtRound(beta2Q20 << 20);
  }

  /**
   * Rounds float hyper-parameters to the fixed-point ones (host side only; the update path never
   * sees a float). {@code lrMasterLsb} is the learning rate already expressed in master-weight
   * LSBs: {@code lr_float / weightLsb_float * 2^masterFracBits}. eps is rounded to the nearest
   * power of two in log2.
   */
  public static QuantizedAdamConfig fromFloat(int stateBits, int blockSize, double lrMasterLsb,
      double beta1, double beta2, double eps, int weightBits, int masterFracBits) {
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new IllegalArgumentException("eps must be a positive number, got " + eps);
    }
    if (!(lrMasterLsb >= 0) || !Double.isFinite(lrMasterLsb)) {
      throw new IllegalArgumentException("learning rate must be >= 0, got " + lrMasterLsb);
    }
    return new QuantizedAdamConfig(stateBits, blockSize, (int) Math.round(beta1 * ONE_Q20),
        (int) Math.round(beta2 * ONE_Q20), (int) Math.min(Math.round(lrMasterLsb * 65536.0),
            Integer.MAX_VALUE), (int) Math.round(Math.log(eps) / Math.log(2)), weightBits,
        masterFracBits);
  }

  /** PyTorch's defaults (0.9, 0.999, 1e-8 -> 2^-27), 8-bit state, blocks of 64, int8 core weights
   * with 8 master fraction bits. */
  public static QuantizedAdamConfig defaults(double lrMasterLsb) {
    return fromFloat(8, DEFAULT_BLOCK, lrMasterLsb, 0.9, 0.999, 1e-8, 8, 8);
  }

  /** The same configuration under another schedule. */
  public QuantizedAdamConfig withSchedule(AdamSchedule s) {
    return new QuantizedAdamConfig(stateBits, blockSize, beta1Q20, beta2Q20, lrQ16, epsExp,
        weightBits, masterFracBits, s);
  }

  public QuantizedAdamConfig withStateBits(int bits) {
    return new QuantizedAdamConfig(bits, blockSize, beta1Q20, beta2Q20, lrQ16, epsExp, weightBits,
        masterFracBits, schedule);
  }

  public QuantizedAdamConfig withBlockSize(int size) {
    return new QuantizedAdamConfig(stateBits, size, beta1Q20, beta2Q20, lrQ16, epsExp, weightBits,
        masterFracBits, schedule);
  }

  public QuantizedAdamConfig withLrQ16(int lr) {
    return new QuantizedAdamConfig(stateBits, blockSize, beta1Q20, beta2Q20, lr, epsExp,
        weightBits, masterFracBits, schedule);
  }

  /** The {@code m} code: E4M3 at 8 bits, E3M0 at 4. */
  public TinyFloatCode momentCode() {
    return stateBits == 8 ? TinyFloatCode.M8 : TinyFloatCode.M4;
  }

  /** The {@code sqrt(v)} code: unsigned E4M4 at 8 bits, E3M1 at 4. */
  public TinyFloatCode rootCode() {
    return stateBits == 8 ? TinyFloatCode.R8 : TinyFloatCode.R4;
  }

  /** Smallest master value: the core weight minimum times 2^masterFracBits. */
  public int masterMin() {
    return -(1 << (weightBits - 1)) << masterFracBits;
  }

  /** Largest master value: the core weight maximum times 2^masterFracBits. */
  public int masterMax() {
    return ((1 << (weightBits - 1)) - 1) << masterFracBits;
  }

  /** The core weight of a master value: shiftRound(master, masterFracBits). */
  public int coreWeight(int master) {
    return (int) LearningFixedPoint.shiftRound(master, masterFracBits);
  }

  public double beta1() {
    return beta1Q20 / (double) ONE_Q20;
  }

  public double beta2() {
    return beta2Q20 / (double) ONE_Q20;
  }

  public double lrMasterLsb() {
    return lrQ16 / 65536.0;
  }

  public double eps() {
    return Math.scalb(1.0, epsExp);
  }
}
