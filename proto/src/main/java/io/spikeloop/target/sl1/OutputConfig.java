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
}
