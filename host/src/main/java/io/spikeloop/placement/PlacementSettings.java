package io.spikeloop.placement;

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
 */
public record PlacementSettings(int weightBits, int stateBits, int blockSize, int masterFracBits,
                                double lr, double beta1, double beta2, double eps,
                                double weightHeadroom, long seed) {
  public PlacementSettings {
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

  /** 8-bit weights, 8-bit state in blocks of 64, int16 masters, 16x headroom. */
  public static PlacementSettings defaults(double lr, long seed) {
    return new PlacementSettings(8, 8, 64, 8, lr, 0.9, 0.999, 1e-8, 16, seed);
  }
}
