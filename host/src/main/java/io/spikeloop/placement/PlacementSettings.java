package io.spikeloop.placement;

import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappingOptions;

/**
 * Settings shared by the placements.
 *
 * @param weightBits      core weight width (device placements)
 * @param stateBits       quantized Adam state width, 8 or 4 (near-chip, on-chip)
 * @param blockSize       quantized Adam block size
 * @param masterFracBits  integer master fraction bits below the core weight LSB
 * @param lr              float learning rate (Adam)
 * @param beta1           Adam beta1
 * @param beta2           Adam beta2
 * @param eps             Adam eps
 * @param weightHeadroom  the core weight range is this many times the initial largest |w|
 *                        (weights grow during training; a power of two)
 * @param seed            seed of the stochastic rounding generators
 * @param learningRule    the rule on-chip learning runs, by {@code --mode} name (tbptt1, eprop;
 *                        {@link LearningOptions#rule}); the other device placements run tBPTT1
 */
public record PlacementSettings(int weightBits, int stateBits, int blockSize, int masterFracBits,
                                double lr, double beta1, double beta2, double eps,
                                double weightHeadroom, long seed, String learningRule) {
  /** Settings for tBPTT1 (the default rule). */
  public PlacementSettings(int weightBits, int stateBits, int blockSize, int masterFracBits,
                           double lr, double beta1, double beta2, double eps,
                           double weightHeadroom, long seed) {
    this(weightBits, stateBits, blockSize, masterFracBits, lr, beta1, beta2, eps, weightHeadroom,
        seed, LearningOptions.DEFAULT_RULE);
  }

  public PlacementSettings {
    java.util.Objects.requireNonNull(learningRule, "learningRule");
    if (weightBits < 2 || weightBits > 16) {
      throw new IllegalArgumentException("weight bits must be in [2, 16], got " + weightBits);
    }
    if (stateBits != 8 && stateBits != 4) {
      throw new IllegalArgumentException("Adam state bits must be 8 or 4, got " + stateBits);
    }
    if (!(lr > 0) || !(eps > 0) || !(weightHeadroom >= 1)) {
      throw new IllegalArgumentException("lr and eps must be > 0 and weight headroom >= 1, got lr="
          + lr + " eps=" + eps + " headroom=" + weightHeadroom);
    }
  }

  /** The float hyper-parameters a target's on-chip learning is made from. */
  public LearningOptions learningOptions() {
    return new LearningOptions(lr, beta1, beta2, eps, stateBits, blockSize, masterFracBits, seed,
        learningRule);
  }

  /** 8-bit weights, 8-bit state in blocks of 64, int16 masters, 16x headroom. */
  public static PlacementSettings defaults(double lr, long seed) {
    return builder().lr(lr).seed(seed).build();
  }

  /** Named settings starting from {@link #defaults} with lr 1e-3 and seed 1. */
  public static Builder builder() {
    return new Builder();
  }

  /** Named settings; each starts at its default (see {@link #defaults}). */
  public static final class Builder {
    private int weightBits = 8;
    private int stateBits = 8;
    private int blockSize = 64;
    private int masterFracBits = 8;
    private double lr = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightHeadroom = 16;
    private long seed = 1;
    private String learningRule = LearningOptions.DEFAULT_RULE;

    private Builder() {}

    public Builder weightBits(int v) {
      weightBits = v;
      return this;
    }

    public Builder stateBits(int v) {
      stateBits = v;
      return this;
    }

    public Builder blockSize(int v) {
      blockSize = v;
      return this;
    }

    public Builder masterFracBits(int v) {
      masterFracBits = v;
      return this;
    }

    public Builder lr(double v) {
      lr = v;
      return this;
    }

    public Builder betas(double b1, double b2) {
      beta1 = b1;
      beta2 = b2;
      return this;
    }

    public Builder eps(double v) {
      eps = v;
      return this;
    }

    public Builder weightHeadroom(double v) {
      weightHeadroom = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** The on-chip rule by {@code --mode} name (default tbptt1). */
    public Builder learningRule(String v) {
      learningRule = v;
      return this;
    }

    public PlacementSettings build() {
      return new PlacementSettings(weightBits, stateBits, blockSize, masterFracBits, lr, beta1,
          beta2, eps, weightHeadroom, seed, learningRule);
    }
  }

  /**
   * What the device placements ask a target's mapper for: these weight bits and headroom, 32-bit
   * membranes and outputs (so code mapping beside a placement maps as it does).
   */
  public MappingOptions mappingOptions() {
    return MappingOptions.builder().weightBits(weightBits).membraneBits(32).outputBits(32)
        .weightHeadroom(weightHeadroom).build();
  }
}
