package io.spikeloop.target;

/**
 * A target's on-chip learning: the codecs of its learning configuration and learning-state
 * image. A device that learns exposes {@link io.spikeloop.device.OnChipLearning} as an extension;
 * this side lets hosts (checkpoints, {@code diff --learning}, the wire) check and describe the
 * bytes without a device.
 */
public interface TargetLearning {
  /** Checks a learning configuration against a network (shape, learned tensors, ranges). */
  void checkConfig(TargetNetwork network, TargetState config);

  /** Checks a learning-state image (magic, version, length, checksum, ranges) without loading it. */
  void checkState(TargetState state);

  /** A one-line human description of a learning-state image, for {@code diff} and reports. */
  String describeState(TargetState state);

  /**
   * Where two learning-state images first differ (header fields first, then tensor by tensor),
   * or {@code null} when they agree in every field. Both images are checked as by {@link
   * #checkState}.
   */
  StateDifference firstDifference(TargetState a, TargetState b);

  /**
   * Whether learning reads dynamic state that a step's readout does not show, kept in the
   * device state (e-prop's eligibility traces). {@code diff --learning} then compares the two
   * devices' {@code device-state} payloads after every checked step with {@link
   * #firstDeviceStateDifference}. False by default (SL-1's engine reads only the readout).
   */
  default boolean learnsFromDeviceState() {
    return false;
  }

  /**
   * Where two {@code device-state} payloads of this target first differ, for a target whose
   * {@link #learnsFromDeviceState()}; {@code null} when they agree.
   *
   * @throws UnsupportedOperationException for a target that does not
   */
  default StateDifference firstDeviceStateDifference(TargetState a, TargetState b) {
    throw new UnsupportedOperationException("this target's learning reads no device state");
  }
}
