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
}
