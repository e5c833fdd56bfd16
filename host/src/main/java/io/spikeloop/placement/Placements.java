package io.spikeloop.placement;

import io.spikeloop.device.Device;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnParameters;
import java.util.List;

/** The placements by name. */
public final class Placements {
  public static final List<String> NAMES = List.of("host-float", "hil", "near-chip", "on-chip");

  private Placements() {}

  /**
   * A device placement on {@code device} (which the caller owns) for the network {@code init},
   * mapped by the mapper of the device's target ({@code device.info().target()}); throws
   * {@link io.spikeloop.device.UnsupportedCapabilityException} naming device and capability when
   * the device cannot host it; a target without on-chip learning refuses {@code on-chip} with a
   * {@link io.spikeloop.mapper.MappingRefusedException} naming it. {@code settings.learningRule()}
   * is tbptt1 or eprop (beside the chip through {@link TargetMapper#epropBackward}, on the chip
   * through the target's own learning; a target without it refuses by name).
   */
  public static Placement onDevice(String name, Device device, SnnParameters init,
                                   PlacementSettings settings) {
    if (!NAMES.subList(1, NAMES.size()).contains(name)) {
      throw new IllegalArgumentException("unknown device placement '" + name
          + "'; known: " + NAMES.subList(1, NAMES.size()));
    }
    String rule = settings.learningRule();
    if (!rule.equals(LearningOptions.DEFAULT_RULE) && !rule.equals(LearningOptions.EPROP)) {
      throw new IllegalArgumentException("learning rule '" + rule + "': a device placement learns "
          + LearningOptions.DEFAULT_RULE + " or " + LearningOptions.EPROP);
    }
    TargetMapper mapper = TargetMappers.forDevice(device);
    TargetMapping mapping = mapper.map(init, settings.mappingOptions(), device.info().limits());
    if (name.equals("hil")) {
      return new HilPlacement(device, mapping, mapper, settings, init);
    }
    return name.equals("near-chip") ? new NearChipPlacement(device, mapping, mapper, settings)
        : new OnChipPlacement(device, mapping, mapper, settings);
  }
}
