package io.spikeloop.mapper;

/**
 * How to map a float model onto a target. A target reads the fields that apply to it and says
 * in its mapper's documentation which; a value it cannot honour is refused by name.
 *
 * @param weightBits     signed weight width (SL-1: 2..16; ReckOn: 8, fixed by the chip)
 * @param membraneBits   membrane width (SL-1: 2..32; ReckOn: 16, fixed)
 * @param outputBits     output width (SL-1: 2..32; ReckOn: 16, fixed)
 * @param headroomBits   the membrane scale puts the threshold at
 *                       {@code 2^(membraneBits-1-headroomBits)} or below (null: the target's
 *                       default for the width)
 * @param clipPercentile weight scales are chosen so that this percentile of |w| just fits
 *                       (50..100; 100 clips nothing)
 * @param weightHeadroom the weight range is chosen for this many times the largest |w| (>= 1;
 *                       training placements leave room for weights to grow)
 */
public record MappingOptions(int weightBits, int membraneBits, int outputBits,
                             Integer headroomBits, double clipPercentile,
                             double weightHeadroom) {
  /**
   * The weight width every command maps with when {@code --weight-bits} is not given: the
   * paper's 8-bit synapses (SL-1's training width, ReckOn's only one).
   */
  public static final int DEFAULT_WEIGHT_BITS = 8;

  public MappingOptions {
    if (!(clipPercentile >= 50 && clipPercentile <= 100)) {
      throw new IllegalArgumentException("clip percentile must be in [50, 100], got "
          + clipPercentile);
    }
    if (!(weightHeadroom >= 1)) {
      throw new IllegalArgumentException("weight headroom must be >= 1, got " + weightHeadroom);
    }
  }

  /** Options by name, starting from the defaults of {@link Builder}. */
  public static Builder builder() {
    return new Builder();
  }

  /** These options with another weight headroom. */
  public MappingOptions withWeightHeadroom(double headroom) {
    return new MappingOptions(weightBits, membraneBits, outputBits, headroomBits, clipPercentile,
        headroom);
  }

  /**
   * Named options; defaults: 8-bit weights, 32-bit membranes and outputs (SL-1's training
   * widths), the target's default headroom, nothing clipped, no weight headroom.
   */
  public static final class Builder {
    private int weightBits = DEFAULT_WEIGHT_BITS;
    private int membraneBits = 32;
    private int outputBits = 32;
    private Integer headroomBits;
    private double clipPercentile = 100;
    private double weightHeadroom = 1;

    private Builder() {}

    public Builder weightBits(int v) {
      weightBits = v;
      return this;
    }

    public Builder membraneBits(int v) {
      membraneBits = v;
      return this;
    }

    public Builder outputBits(int v) {
      outputBits = v;
      return this;
    }

    /** null: the target's default for the membrane width. */
    public Builder headroomBits(Integer v) {
      headroomBits = v;
      return this;
    }

    public Builder clipPercentile(double v) {
      clipPercentile = v;
      return this;
    }

    public Builder weightHeadroom(double v) {
      weightHeadroom = v;
      return this;
    }

    public MappingOptions build() {
      return new MappingOptions(weightBits, membraneBits, outputBits, headroomBits,
          clipPercentile, weightHeadroom);
    }
  }
}
