package io.spikeloop.sim;

import io.spikeloop.sim.reckon.ReckonSimDeviceProvider;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceProvider;

/** Opens {@link SimDevice}s for the names {@code sim} and {@code sim:OPTIONS}. */
public final class SimDeviceProvider implements DeviceProvider {
  @Override
  public boolean accepts(String name) {
    // sim:reckon is the ReckOn model, not an SL-1 profile named "reckon".
    return SimOptions.accepts(name) && !ReckonSimDeviceProvider.claims(name);
  }

  @Override
  public Device open(String name) {
    SimOptions options = SimOptions.parse(name);
    return new SimDevice(name, options, options.limits());
  }

  @Override
  public String describe() {
    return SimOptions.USAGE + " (the SL-1 cycle-level simulator)";
  }

  /** The simulator is always there. */
  @Override
  public java.util.List<String> discover() {
    return java.util.List.of("sim");
  }
}
