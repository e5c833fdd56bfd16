package io.spikeloop.target.sl1;

import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.UnsupportedCapabilityException;

/**
 * SL-1's typed view of a generic {@link Device} of the {@code sl1} target, for the SL-1 host code
 * (mapping, placements, checkpoints of SL-1 runs): the target's payloads decoded into SL-1
 * records. A device of another target is refused naming it.
 */
public final class Sl1Device {
  private Sl1Device() {}

  /** The SL-1 network the device has loaded. */
  public static NetworkConfig network(Device device) {
    return Sl1Target.network(device.config());
  }

  /** The device's dynamic state as SL-1's record. */
  public static DeviceState state(Device device) {
    return Sl1Codecs.decodeState(device.state());
  }

  public static void restore(Device device, DeviceState state) {
    if (state == null) {
      throw new IllegalArgumentException("restore needs a state");
    }
    device.restore(Sl1Codecs.encode(state));
  }

  /** The device's on-chip learning, or an error naming the device and the capability. */
  public static OnChipLearning learning(Device device) {
    return device.extension(OnChipLearning.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.ON_CHIP_LEARNING,
            "on-chip learning"));
  }

  public static void enableLearning(Device device, LearningConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("enableLearning needs a learning configuration");
    }
    learning(device).enable(Sl1Codecs.encode(config));
  }

  public static void disableLearning(Device device) {
    learning(device).disable();
  }

  public static LearningState learningState(Device device) {
    return Sl1Codecs.decodeLearningState(learning(device).state());
  }

  public static void restoreLearningState(Device device, LearningState state) {
    if (state == null) {
      throw new IllegalArgumentException("restoreLearningState needs a state");
    }
    learning(device).restore(Sl1Codecs.encode(state));
  }
}
