package io.spikeloop.target.sl1;

import io.spikeloop.device.Checks;

/**
 * One hidden LIF layer of an SL-1 network.
 *
 * @param size      neurons N
 * @param recurrent whether the layer has {@code W_rec[N][N]}
 * @param wBits     weight width, two's complement, 2..16
 * @param wExp      shared weight exponent: {@code I = scale(acc, wExp) + b}
 * @param uBits     membrane width (u saturates to it), 2..32
 * @param theta     firing threshold in membrane units, {@code > 0}
 * @param alpha     membrane decay, Q0.12 in [0, 4096] (4096 = no leak)
 * @param inputs    fan-in M (input axons for layer 0, previous layer size otherwise)
 */
public record LayerConfig(int size, boolean recurrent, int wBits, int wExp, int uBits, int theta,
                          int alpha, int inputs) {
  public LayerConfig {
    Checks.positive("layer size", size);
    Checks.positive("layer inputs", inputs);
    Checks.range("wBits", wBits, 2, 16);
    Checks.range("wExp", wExp, -31, 31);
    Checks.range("uBits", uBits, 2, 32);
    Checks.positive("theta", theta);
    Checks.range("alpha", alpha, 0, FixedPoint.Q12_ONE);
    if (uBits < 32 && theta > FixedPoint.maxSigned(uBits)) {
      throw new IllegalArgumentException(
          "theta " + theta + " cannot be reached by a " + uBits + "-bit membrane (max "
              + FixedPoint.maxSigned(uBits) + ")");
    }
  }

  /**
   * Starts a layer of {@code size} neurons fed by {@code inputs} sources with threshold {@code
   * theta} (the three have no sensible default). Defaults: feed-forward, 8-bit weights, weight
   * exponent 0, 16-bit membrane, no leak (alpha 4096).
   */
  public static Builder builder(int size, int inputs, int theta) {
    return new Builder(size, inputs, theta);
  }

  /** Named setters for {@link LayerConfig}; {@link #build} runs the record's checks. */
  public static final class Builder {
    private final int size;
    private final int inputs;
    private final int theta;
    private boolean recurrent;
    private int wBits = 8;
    private int wExp;
    private int uBits = 16;
    private int alpha = FixedPoint.Q12_ONE;

    private Builder(int size, int inputs, int theta) {
      this.size = size;
      this.inputs = inputs;
      this.theta = theta;
    }

    /** Whether the layer has {@code W_rec[N][N]} (default false). */
    public Builder recurrent(boolean recurrent) {
      this.recurrent = recurrent;
      return this;
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

    /** Membrane width, u saturates to it, 2..32 (default 16). */
    public Builder membraneBits(int uBits) {
      this.uBits = uBits;
      return this;
    }

    /** Membrane decay, Q0.12 in [0, 4096] (default 4096: no leak). */
    public Builder alpha(int alpha) {
      this.alpha = alpha;
      return this;
    }

    public LayerConfig build() {
      return new LayerConfig(size, recurrent, wBits, wExp, uBits, theta, alpha, inputs);
    }
  }
}
