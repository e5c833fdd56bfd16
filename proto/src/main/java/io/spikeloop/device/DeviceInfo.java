package io.spikeloop.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who a device is and what it can do.
 *
 * @param name              the name it was opened with ({@code sim}, {@code board:ref}, ...)
 * @param target            the target (chip family) it implements, e.g. {@code sl1}
 *                          ({@link io.spikeloop.target.Targets#byId})
 * @param kind              the implementation ({@code sl1-sim}, {@code sl1-ref-firmware}, ...)
 * @param protocolVersion   the {@code spikeloop.v1} protocol version it speaks
 * @param capabilities      open capability names ({@link Capability})
 * @param limits            the core's resource limits by the target's names (its design rules
 *                          read them)
 * @param version           implementation or firmware version
 * @param clockHz           core clock (0 where there is no cycle model)
 * @param stepPeriodSeconds real-time budget of one time step (0 = no deadline)
 */
public record DeviceInfo(String name, String target, String kind, int protocolVersion,
                         Set<String> capabilities, Map<String, Long> limits, String version,
                         double clockHz, double stepPeriodSeconds) {
  /**
   * The protocol version this build speaks: 2 since the schema became target-neutral
   * ({@code docs/remote.md}).
   */
  public static final int PROTOCOL_VERSION = 2;

  public DeviceInfo {
    if (name == null || target == null || kind == null || limits == null || version == null
        || capabilities == null) {
      throw new IllegalArgumentException(
          "device info needs a name, target, kind, capabilities, limits and version");
    }
    capabilities.forEach(Capability::check);
    capabilities = Set.copyOf(capabilities);
    limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
  }

  public boolean has(String capability) {
    return capabilities.contains(capability);
  }

  /** A copy with other capabilities (decorators that hide some). */
  public DeviceInfo withCapabilities(Set<String> capabilities) {
    return new DeviceInfo(name, target, kind, protocolVersion, capabilities, limits, version,
        clockHz, stepPeriodSeconds);
  }

  /** A copy under another name (a remote device reports the name it was opened with). */
  public DeviceInfo withName(String name) {
    return new DeviceInfo(name, target, kind, protocolVersion, capabilities, limits, version,
        clockHz, stepPeriodSeconds);
  }
}
