package io.spikeloop.device;

/**
 * Opens devices for names of one scheme ({@code sim}, {@code remote://}, {@code board:}).
 * Implementations register through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.spikeloop.device.DeviceProvider}).
 */
public interface DeviceProvider {
  /** Whether this provider opens devices of this name. */
  boolean accepts(String name);

  /** Opens the device; a device that is not there is a {@link DeviceUnavailableException}. */
  Device open(String name);

  /** A one-line description of the names it accepts, for error messages and help. */
  String describe();

  /**
   * The device names this provider can find without being told an address ({@code sim}, the
   * board libraries on the search path), for {@code ./spikeloop devices}; none by default.
   */
  default java.util.List<String> discover() {
    return java.util.List.of();
  }
}
