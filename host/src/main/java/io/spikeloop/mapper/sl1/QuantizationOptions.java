package io.spikeloop.mapper.sl1;

import io.spikeloop.mapper.MappingOptions;

/**
 * How to map a float network onto the core.
 *
 * @param weightBits      signed width of every weight (2..16)
 * @param membraneBits    membrane width uBits (2..32)
 * @param outputBits      output width oBits (2..32)
 * @param headroomBits    the membrane scale puts theta at {@code 2^(uBits-1-headroomBits)} or
 *                        below, so |u| can reach {@code 2^headroomBits} thresholds before it
 *                        saturates (0..uBits-2)
 * @param clipPercentile  each layer's weight exponent is chosen so that this percentile of |w|
 *                        just fits; 100 fits the largest weight (nothing clipped), lower values
 *                        trade clipped outliers for resolution (50..100)
 */
public record QuantizationOptions(int weightBits, int membraneBits, int outputBits,
                                  int headroomBits, double clipPercentile) {
  /**
   * The weight width every command uses when {@code --weight-bits} is not given: the paper's
   * 8-bit synapses, what the devices train with (one default, so that train, eval, export, diff
   * and demo describe the same network; the mapper's default).
   */
  public static final int DEFAULT_WEIGHT_BITS = MappingOptions.DEFAULT_WEIGHT_BITS;

  /** 16-bit weights, 32-bit state: the configuration that tracks the float model closest. */
  public static final QuantizationOptions WIDE = of(16, 32, 32);

  /** These widths with the default headroom and no clipping. */
  public static QuantizationOptions of(int weightBits, int membraneBits, int outputBits) {
    return new QuantizationOptions(weightBits, membraneBits, outputBits,
        defaultHeadroom(membraneBits), 100);
  }

  /**
   * At least 4 bits (|u| up to 16 thresholds); wide membranes put the threshold at 2^19, which
   * already resolves it finer than the Q0.12 decays, and spend the rest on headroom: 32-bit
   * membranes reach 4096 thresholds before they saturate.
   */
  public static int defaultHeadroom(int membraneBits) {
    return Math.min(membraneBits - 2, Math.max(4, membraneBits - 20));
  }

  public QuantizationOptions {
    range("weight bits", weightBits, 2, 16);
    range("membrane bits", membraneBits, 2, 32);
    range("output bits", outputBits, 2, 32);
    range("headroom bits", headroomBits, 0, membraneBits - 2);
    if (!(clipPercentile >= 50 && clipPercentile <= 100)) {
      throw new IllegalArgumentException("clip percentile must be in [50, 100], got "
          + clipPercentile);
    }
  }

  private static void range(String what, int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], got " + v);
    }
  }

  public QuantizationOptions withWeightBits(int bits) {
    return new QuantizationOptions(bits, membraneBits, outputBits, headroomBits, clipPercentile);
  }

  /** The mapper's options these are (headroom given, no weight headroom). */
  public MappingOptions toMappingOptions() {
    return MappingOptions.builder().weightBits(weightBits).membraneBits(membraneBits)
        .outputBits(outputBits).headroomBits(headroomBits).clipPercentile(clipPercentile).build();
  }
}
