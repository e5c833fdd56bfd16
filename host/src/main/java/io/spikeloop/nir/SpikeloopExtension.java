package io.spikeloop.nir;

import io.spikeloop.mapping.MappedNetwork;
import io.spikeloop.mapping.QuantizationOptions;
import io.spikeloop.model.Surrogate;

/**
 * What spikeloop keeps in the {@code /spikeloop} group beside NIR's {@code /node}: the step and
 * discretisation the time constants were written with, the exact discrete constants (so that
 * {@code alpha -> tau -> alpha} does not lose the last bit), the training surrogate, and
 * optionally the SL-1 fixed-point mapping. NIR readers only open {@code /node} and
 * {@code /version} and never see it.
 *
 * @param dt             step in seconds the NIR time constants refer to
 * @param fixedPoint     the integer network exactly as deployed, or {@code null} for a float export
 * @param quantization   the options that produced {@code fixedPoint} ({@code null} with it)
 */
public record SpikeloopExtension(double dt, Discretisation discretisation, double alpha,
                                 double kappa, double theta, Surrogate surrogate,
                                 MappedNetwork fixedPoint, QuantizationOptions quantization) {
  public static final String GROUP = "spikeloop";
  public static final String FORMAT = "spikeloop-nir/1";

  public SpikeloopExtension {
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new IllegalArgumentException("dt must be > 0 seconds, got " + dt);
    }
    if (discretisation == null || surrogate == null) {
      throw new IllegalArgumentException("discretisation and surrogate are required");
    }
    if ((fixedPoint == null) != (quantization == null)) {
      throw new IllegalArgumentException("a fixed-point mapping needs its quantization options");
    }
  }
}
