package io.spikeloop.target.sl1;

import io.spikeloop.device.Checks;

/**
 * The leaky-integrator output layer of an SL-1 network.
 *
 * @param size  outputs K
 * @param wBits weight width, two's complement, 2..16
 * @param wExp  shared weight exponent
 * @param oBits output accumulator width (o saturates to it), 2..32
 * @param kappa output decay, Q0.12 in [0, 4096]
 */
public record OutputConfig(int size, int wBits, int wExp, int oBits, int kappa) {
  public OutputConfig {
    Checks.positive("output size", size);
    Checks.range("output wBits", wBits, 2, 16);
    Checks.range("output wExp", wExp, -31, 31);
    Checks.range("oBits", oBits, 2, 32);
    Checks.range("kappa", kappa, 0, FixedPoint.Q12_ONE);
  }

  /**
   * Starts an output layer of {@code size} leaky integrators. Defaults: 8-bit weights, weight
   * exponent 0, 16-bit accumulator, no leak (kappa 4096).
   */
  public static Builder builder(int size) {
    return new Builder(size);
  }

  /** Named setters for {@link OutputConfig}; {@link #build} runs the record's checks. */
  public static final class Builder {
    private final int size;
    private int wBits = 8;
    private int wExp;
    private int oBits = 16;
    private int kappa = FixedPoint.Q12_ONE;

    private Builder(int size) {
      this.size = size;
    }

    /** Weight width, two's complement, 2..16 (default 8). */
    public Builder weightBits(int wBits) {
      this.wBits = wBits;
      return this;
    }

    /** Shared weight exponent, -31..31 (default 0). */
    public Builder weightExponent(int wExp) {
      this.wExp = wExp;
      return this;
    }

    /** Output accumulator width, o saturates to it, 2..32 (default 16). */
    public Builder outputBits(int oBits) {
      this.oBits = oBits;
      return this;
    }

    /** Output decay, Q0.12 in [0, 4096] (default 4096: no leak). */
    public Builder kappa(int kappa) {
      this.kappa = kappa;
      return this;
    }

    public OutputConfig build() {
      return new OutputConfig(size, wBits, wExp, oBits, kappa);
    }
  }
}
