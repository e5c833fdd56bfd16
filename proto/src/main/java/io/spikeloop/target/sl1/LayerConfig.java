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
}
