package io.spikeloop.target.sl1;

import io.spikeloop.device.Checks;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the SL-1 on-chip learning engine needs (see {@code docs/core-spec.md}, "Learning engine").
 * Every number is already in the engine's fixed-point format; the host converts float
 * hyper-parameters once.
 *
 * @param learningRates    per learned tensor, the learning rate in master-weight LSBs per unit of
 *                         {@code m_hat / (sqrt(v_hat) + eps)}, unsigned Q16.16 in [0, 2^24];
 *                         tensors not listed do not learn
 * @param stateBits        width of the Adam {@code m} and {@code sqrt(v)} codes: 8 or 4
 * @param blockSize        elements sharing one pair of block scales, 1..4096
 * @param beta1Q20         beta1, unsigned Q0.20, at most 1038090 (0.99)
 * @param beta2Q20         beta2, unsigned Q0.20, below 2^20
 * @param epsExp           Adam's eps is 2^epsExp in gradient units (float units of the weight)
 * @param masterFracBits   master-weight fraction bits below the core weight LSB, 0..15
 * @param seed             seed of the per-tensor xorshift64* generators (tensor i: seed + i)
 * @param outputFracBits   the output's float value is {@code o * 2^-outputFracBits}, 0..31
 * @param surrogateShift   surrogate table index = (|u - theta| + half) >> surrogateShift, 0..31
 * @param surrogateTable   the double-Gaussian surrogate derivative at
 *                         {@code |u - theta| = i * 2^surrogateShift}, signed Q1.14 (int16), 1..1024
 *                         entries; beyond the table the derivative is 0
 * @param rule             the learning rule: {@link LearningRule#TBPTT1} (default) or
 *                         {@link LearningRule#EPROP} ({@code docs/learning-engine.md} section 11)
 * @param traceShift       e-prop only: the int16 eligibility trace holds {@code psi * P >>
 *                         traceShift} (float value {@code 2^(traceShift - 28)} per LSB), 0..40;
 *                         0 under tBPTT1
 */
public record LearningConfig(Map<String, Integer> learningRates, int stateBits, int blockSize,
                             int beta1Q20, int beta2Q20, int epsExp, int masterFracBits, long seed,
                             int outputFracBits, int surrogateShift, int[] surrogateTable,
                             LearningRule rule, int traceShift) {
  public static final int MAX_LR_Q16 = 1 << 24;
  public static final int MAX_BETA1_Q20 = 1038090;
  public static final int MAX_TABLE = 1024;
  /** Largest e-prop trace shift: psi * P < 2^45, so a shift of 40 leaves at most 5 bits. */
  public static final int MAX_TRACE_SHIFT = 40;

  /** A tBPTT1 configuration (the fields before learning rules existed). */
  public LearningConfig(Map<String, Integer> learningRates, int stateBits, int blockSize,
                        int beta1Q20, int beta2Q20, int epsExp, int masterFracBits, long seed,
                        int outputFracBits, int surrogateShift, int[] surrogateTable) {
    this(learningRates, stateBits, blockSize, beta1Q20, beta2Q20, epsExp, masterFracBits, seed,
        outputFracBits, surrogateShift, surrogateTable, LearningRule.TBPTT1, 0);
  }

  public LearningConfig {
    if (learningRates == null || learningRates.isEmpty()) {
      throw new IllegalArgumentException("learning needs at least one tensor with a learning rate");
    }
    learningRates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(learningRates));
    learningRates.forEach((name, lr) -> {
      if (lr == null || lr < 0 || lr > MAX_LR_Q16) {
        throw new IllegalArgumentException("learning rate of " + name
            + " (Q16.16 master LSBs) must be in [0, 2^24], got " + lr);
      }
    });
    if (stateBits != 8 && stateBits != 4) {
      throw new IllegalArgumentException("Adam state bits must be 8 or 4, got " + stateBits);
    }
    Checks.range("block size", blockSize, 1, 4096);
    Checks.range("beta1 (Q0.20)", beta1Q20, 0, MAX_BETA1_Q20);
    Checks.range("beta2 (Q0.20)", beta2Q20, 0, (1 << 20) - 1);
    Checks.range("eps exponent", epsExp, -200, 64);
    Checks.range("master fraction bits", masterFracBits, 0, 15);
    Checks.range("output fraction bits", outputFracBits, 0, 31);
    Checks.range("surrogate shift", surrogateShift, 0, 31);
    if (surrogateTable == null || surrogateTable.length < 1 || surrogateTable.length > MAX_TABLE) {
      throw new IllegalArgumentException("surrogate table needs 1.." + MAX_TABLE + " entries, got "
          + (surrogateTable == null ? "none" : surrogateTable.length));
    }
    surrogateTable = surrogateTable.clone();
    for (int i = 0; i < surrogateTable.length; i++) {
      if (surrogateTable[i] < Short.MIN_VALUE || surrogateTable[i] > Short.MAX_VALUE) {
        throw new IllegalArgumentException("surrogate table entry " + i + " = " + surrogateTable[i]
            + " does not fit int16");
      }
    }
    if (rule == null) {
      throw new IllegalArgumentException("learning needs a rule (tbptt1 or eprop)");
    }
    Checks.range("e-prop trace shift", traceShift, 0, MAX_TRACE_SHIFT);
    if (rule == LearningRule.TBPTT1 && traceShift != 0) {
      throw new IllegalArgumentException("the trace shift is an e-prop field; tbptt1 needs 0, got "
          + traceShift);
    }
  }

  @Override
  public int[] surrogateTable() {
    return surrogateTable.clone();
  }

  /** beta1 = 0.9 in unsigned Q0.20 (round(0.9 * 2^20)). */
  public static final int BETA1_0_9_Q20 = 943718;
  /** beta2 = 0.999 in unsigned Q0.20 (round(0.999 * 2^20)). */
  public static final int BETA2_0_999_Q20 = 1047527;

  /**
   * Starts a configuration from what has no default: the per-tensor learning rates (Q16.16 master
   * LSBs) and the surrogate table with its index shift. Defaults: 8-bit Adam state, blocks of 64,
   * beta1 0.9, beta2 0.999 (Q0.20), eps 2^-27, 8 master fraction bits, seed 1, 8 output fraction
   * bits.
   */
  public static Builder builder(Map<String, Integer> learningRates, int surrogateShift,
                                int[] surrogateTable) {
    return new Builder(learningRates, surrogateShift, surrogateTable);
  }

  /** A builder holding every field of this configuration, to change a few of them. */
  public Builder toBuilder() {
    return new Builder(learningRates, surrogateShift, surrogateTable).stateBits(stateBits)
        .blockSize(blockSize).beta1Q20(beta1Q20).beta2Q20(beta2Q20).epsExp(epsExp)
        .masterFracBits(masterFracBits).seed(seed).outputFracBits(outputFracBits).rule(rule)
        .traceShift(traceShift);
  }

  /** Named setters for {@link LearningConfig}; {@link #build} runs the record's checks. */
  public static final class Builder {
    private Map<String, Integer> learningRates;
    private final int surrogateShift;
    private final int[] surrogateTable;
    private int stateBits = 8;
    private int blockSize = 64;
    private int beta1Q20 = BETA1_0_9_Q20;
    private int beta2Q20 = BETA2_0_999_Q20;
    private int epsExp = -27;
    private int masterFracBits = 8;
    private long seed = 1;
    private int outputFracBits = 8;
    private LearningRule rule = LearningRule.TBPTT1;
    private int traceShift = 0;

    private Builder(Map<String, Integer> learningRates, int surrogateShift, int[] surrogateTable) {
      this.learningRates = learningRates;
      this.surrogateShift = surrogateShift;
      this.surrogateTable = surrogateTable;
    }

    /** Replaces the per-tensor learning rates, Q16.16 master LSBs. */
    public Builder learningRates(Map<String, Integer> learningRates) {
      this.learningRates = learningRates;
      return this;
    }

    /** Width of the Adam m and sqrt(v) codes: 8 or 4 (default 8). */
    public Builder stateBits(int stateBits) {
      this.stateBits = stateBits;
      return this;
    }

    /** Elements sharing one pair of block scales, 1..4096 (default 64). */
    public Builder blockSize(int blockSize) {
      this.blockSize = blockSize;
      return this;
    }

    /** beta1, unsigned Q0.20 (default 0.9). */
    public Builder beta1Q20(int beta1Q20) {
      this.beta1Q20 = beta1Q20;
      return this;
    }

    /** beta2, unsigned Q0.20 (default 0.999). */
    public Builder beta2Q20(int beta2Q20) {
      this.beta2Q20 = beta2Q20;
      return this;
    }

    /** eps = 2^epsExp in gradient units (default -27). */
    public Builder epsExp(int epsExp) {
      this.epsExp = epsExp;
      return this;
    }

    /** Master-weight fraction bits below the core weight LSB, 0..15 (default 8). */
    public Builder masterFracBits(int masterFracBits) {
      this.masterFracBits = masterFracBits;
      return this;
    }

    /** Seed of the per-tensor xorshift64* generators (default 1). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The output's float value is o * 2^-outputFracBits, 0..31 (default 8). */
    public Builder outputFracBits(int outputFracBits) {
      this.outputFracBits = outputFracBits;
      return this;
    }

    /** The learning rule (default tBPTT1). */
    public Builder rule(LearningRule rule) {
      this.rule = rule;
      return this;
    }

    /** e-prop's eligibility trace shift, 0..40 (default 0; tBPTT1 needs 0). */
    public Builder traceShift(int traceShift) {
      this.traceShift = traceShift;
      return this;
    }

    public LearningConfig build() {
      return new LearningConfig(learningRates, stateBits, blockSize, beta1Q20, beta2Q20, epsExp,
          masterFracBits, seed, outputFracBits, surrogateShift, surrogateTable, rule, traceShift);
    }
  }

  /** Learning rate of {@code tensor} in Q16.16 master LSBs, or -1 when it does not learn. */
  public int learningRate(String tensor) {
    Integer lr = learningRates.get(tensor);
    return lr == null ? -1 : lr;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearningConfig c && c.learningRates.equals(learningRates)
        && c.stateBits == stateBits && c.blockSize == blockSize && c.beta1Q20 == beta1Q20
        && c.beta2Q20 == beta2Q20 && c.epsExp == epsExp && c.masterFracBits == masterFracBits
        && c.seed == seed && c.outputFracBits == outputFracBits
        && c.surrogateShift == surrogateShift && Arrays.equals(c.surrogateTable, surrogateTable)
        && c.rule == rule && c.traceShift == traceShift;
  }

  @Override
  public int hashCode() {
    return learningRates.hashCode() * 31 + Arrays.hashCode(surrogateTable) + Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return "LearningConfig[" + learningRates.keySet() + ", " + stateBits + "-bit state, block "
        + blockSize + ", master +" + masterFracBits + " bits, seed " + seed
        + (rule == LearningRule.TBPTT1 ? "" : ", " + rule.cliName() + " (trace shift "
        + traceShift + ")") + "]";
  }
}
