package io.spikeloop.placement;

import io.spikeloop.device.Device;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMappers;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.LearningRule;
import java.util.List;

/** The placements by name. */
public final class Placements {
  public static final List<String> NAMES = List.of("host-float", "hil", "near-chip", "on-chip");

  private Placements() {}

  /**
   * A device placement on {@code device} (which the caller owns) for the network {@code init},
   * mapped by the mapper of the device's target ({@code device.info().target()}); throws
   * {@link io.spikeloop.device.UnsupportedCapabilityException} naming device and capability when
   * the device cannot host it, and refuses a target the placement has no learner for by name.
   */
  public static Placement onDevice(String name, Device device, SnnParameters init,
                                   PlacementSettings settings) {
    return onDevice(name, device, init, settings, LearningRule.TBPTT1);
  }

  /**
   * As {@link #onDevice(String, Device, SnnParameters, PlacementSettings)}, learning with {@code
   * rule}: {@link LearningRule#EPROP} only on-chip (the SL-1 engine's e-prop); the other device
   * placements learn tBPTT1 and refuse another rule by name.
   */
  public static Placement onDevice(String name, Device device, SnnParameters init,
                                   PlacementSettings settings, LearningRule rule) {
    if (rule != LearningRule.TBPTT1 && !name.equals("on-chip")) {
      throw new IllegalArgumentException("placement " + name + " learns tbptt1; the "
          + rule.cliName() + " rule runs in placements host-float and on-chip");
    }
    if (!NAMES.subList(1, NAMES.size()).contains(name)) {
      throw new IllegalArgumentException("unknown device placement '" + name
          + "'; known: " + NAMES.subList(1, NAMES.size()));
    }
    TargetMapper mapper = TargetMappers.forDevice(device);
    TargetMapping mapping = mapper.map(init,
        DeviceNetwork.options(settings.weightBits(), settings.weightHeadroom()),
        device.info().limits());
    if (name.equals("hil")) {
      return new HilPlacement(device, mapping, mapper, settings, init);
    }
    String target = device.info().target();
    if (!target.equals(SL1_LEARNER_TARGET)) {
      throw new IllegalArgumentException(name + " placement runs SL-1's quantized Adam learner "
          + "(target " + SL1_LEARNER_TARGET + "); device " + device.info().name() + " is target "
          + target + " (use --placement hil)");
    }
    DeviceNetwork net = DeviceNetwork.of(mapping);
    return name.equals("near-chip") ? new NearChipPlacement(device, net, settings)
        : new OnChipPlacement(device, net, settings, rule);
  }

  /** The target whose learner near-chip and on-chip drive. */
  static final String SL1_LEARNER_TARGET = "sl1";
}
