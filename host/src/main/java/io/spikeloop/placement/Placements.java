package io.spikeloop.placement;

import io.spikeloop.device.Device;
import io.spikeloop.model.SnnParameters;
import java.util.List;

/** The placements by name. */
public final class Placements {
  public static final List<String> NAMES = List.of("host-float", "hil", "near-chip", "on-chip");

  private Placements() {}

  /**
   * A device placement on {@code device} (which the caller owns) for the network {@code init};
   * throws {@link io.spikeloop.device.UnsupportedCapabilityException} naming device and
   * capability when the device cannot host it.
   */
  public static Placement onDevice(String name, Device device, SnnParameters init,
                                   PlacementSettings settings) {
    DeviceNetwork net = DeviceNetwork.map(init, settings.weightBits(), settings.weightHeadroom());
    return switch (name) {
      case "hil" -> new HilPlacement(device, net, settings, init);
      case "near-chip" -> new NearChipPlacement(device, net, settings);
      case "on-chip" -> new OnChipPlacement(device, net, settings);
      default -> throw new IllegalArgumentException("unknown device placement '" + name
          + "'; known: " + NAMES.subList(1, NAMES.size()));
    };
  }
}
