package io.spikeloop.device;

import java.util.Set;

/**
 * Who a device is and what it can do.
 *
 * @param name            the name it was opened with ({@code sim}, {@code board:ref}, ...)
 * @param kind            the implementation ({@code sl1-sim}, {@code sl1-ref-firmware}, ...)
 * @param protocolVersion the {@code spikeloop.v1} protocol version it speaks
 * @param version         implementation or firmware version
 * @param clockHz         core clock (0 where there is no cycle model)
 * @param stepPeriodSeconds real-time budget of one time step (0 = no deadline)
 */
public record DeviceInfo(String name, String kind, int protocolVersion, Set<Capability> capabilities,
                         CoreLimits limits, String version, double clockHz,
                         double stepPeriodSeconds) {
  /** The protocol version this build speaks. */
  public static final int PROTOCOL_VERSION = 1;

  public DeviceInfo {
    capabilities = Set.copyOf(capabilities);
    if (name == null || kind == null || limits == null || version == null) {
      throw new IllegalArgumentException("device info needs a name, kind, limits and version");
    }
  }

  public boolean has(Capability c) {
    return capabilities.contains(c);
  }
}
