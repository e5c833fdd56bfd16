/**
 * The SL-1 simulator as a {@link io.spikeloop.device.Device}: {@link io.spikeloop.sim.SimDevice}
 * wraps the bit-exact core ({@code io.spikeloop.sim.core}) with design-rule checks, input
 * checks, readouts, snapshots and the cycle/energy model ({@code io.spikeloop.sim.timing}), and is
 * opened by the name {@code sim[:OPTIONS]} through {@link io.spikeloop.sim.SimDeviceProvider}.
 */
package io.spikeloop.sim;
