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
 */
public record LearningOptions(double lr, double beta1, double beta2, double eps, int stateBits,
                              int blockSize, int masterFracBits, long seed) {
  public LearningOptions {
    if (!(lr > 0) || !(eps > 0)) {
      throw new IllegalArgumentException("lr and eps must be > 0, got lr=" + lr + " eps=" + eps);
    }
  }
}
