package io.spikeloop.mapper;

/**
 * The float hyper-parameters of a learning placement that a target's on-chip learning is made
 * from ({@link TargetMapper#onChipLearning}); each target reads the fields that apply to its rule
 * (SL-1's quantized Adam reads all of them; ReckOn's e-prop reads {@code lr} and {@code seed}).
 *
 * @param lr             float learning rate
 * @param beta1          Adam beta1
 * @param beta2          Adam beta2
 * @param eps            Adam eps
 * @param stateBits      quantized Adam state width (8 or 4)
 * @param blockSize      quantized Adam block size
 * @param masterFracBits integer master fraction bits below the core weight LSB
 * @param seed           seed of the stochastic rounding generators
 * @param rule           the learning rule asked for, by train's {@code --mode} name ({@code
 *                       tbptt1}, {@code eprop}); a target with a choice of rules runs it (SL-1),
 *                       a target with one rule runs its own and says so in its memory report
 */
public record LearningOptions(double lr, double beta1, double beta2, double eps, int stateBits,
                              int blockSize, int masterFracBits, long seed, String rule) {
  /** The default rule: tBPTT1. */
  public static final String DEFAULT_RULE = "tbptt1";
  /** e-prop (train's {@code --mode eprop}). */
  public static final String EPROP = "eprop";

  public LearningOptions {
    if (!(lr > 0) || !(eps > 0)) {
      throw new IllegalArgumentException("lr and eps must be > 0, got lr=" + lr + " eps=" + eps);
    }
    java.util.Objects.requireNonNull(rule, "rule");
  }

  /** Options for the default rule (tBPTT1). */
  public LearningOptions(double lr, double beta1, double beta2, double eps, int stateBits,
                         int blockSize, int masterFracBits, long seed) {
    this(lr, beta1, beta2, eps, stateBits, blockSize, masterFracBits, seed, DEFAULT_RULE);
  }
}
