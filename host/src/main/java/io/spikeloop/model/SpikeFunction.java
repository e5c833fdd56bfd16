package io.spikeloop.model;

/**
 * The spike nonlinearity {@code z = f(u - theta)} and the derivative that backpropagation uses in
 * its place. The network's spike is a Heaviside step with a surrogate derivative ({@link
 * Surrogate}); gradient checks plug in a smooth function whose true derivative is that surrogate.
 */
public interface SpikeFunction {
  /** The spike value for {@code x = u - theta}. */
  double value(double x);

  /** What backpropagation uses as {@code dz/du} at {@code x = u - theta}. */
  double derivative(double x);
}
