package io.spikeloop.device;

import io.spikeloop.target.TargetState;

/**
 * The extension of a device that learns on chip ({@link Capability#ON_CHIP_LEARNING}), found with
 * {@code device.extension(OnChipLearning.class)}. Configurations and state images are the target's
 * typed bytes ({@link TargetState#KIND_LEARNING_CONFIG}, {@link TargetState#KIND_LEARNING_STATE});
 * what learning does is the target's rule (SL-1: {@code docs/core-spec.md}, "Learning engine").
 */
public interface OnChipLearning {
  /**
   * The on-chip learning of {@code device}, or an {@link UnsupportedCapabilityException} naming
   * the device, the capability and {@code forWhat} (what needed it).
   */
  static OnChipLearning of(Device device, String forWhat) {
    return device.extension(OnChipLearning.class).orElseThrow(() ->
        new UnsupportedCapabilityException(device.info().name(), Capability.ON_CHIP_LEARNING,
            forWhat));
  }

  /**
   * Switches the learning engine on: from now on every step whose frame carries a label learns
   * after the forward pass. Master weights start from the weights loaded now; a later weight write
   * re-seeds the written tensor's master. {@link Device#configure} switches learning off.
   *
   * @throws DesignRuleViolation when the network's shape cannot learn on the core
   * @throws IllegalArgumentException when the configuration is of another target or malformed
   */
  void enable(TargetState config);

  /** Switches the learning engine off (its optimizer state is dropped; weights stay). */
  void disable();

  /**
   * The learning engine's state now, for checkpoints and differential runs.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#LEARNING_STATE}
   * @throws IllegalStateException when learning is not enabled
   */
  TargetState state();

  /**
   * Puts a state taken with {@link #state} (from this or another device of the target) into the
   * engine, enabled with the same network and configuration; anything else is refused with an
   * {@link IllegalArgumentException} naming the field, and nothing changes. A device restored so
   * continues learning bit-identically.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#LEARNING_STATE}
   * @throws IllegalStateException when learning is not enabled
   */
  void restore(TargetState state);
}
