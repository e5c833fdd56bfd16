package io.spikeloop.mapper;

import io.spikeloop.target.TargetState;

/**
 * A target's on-chip learning for one mapped network, made by its mapper from float
 * hyper-parameters ({@link TargetMapper#onChipLearning}): the {@code learning-config} payloads the
 * on-chip placement enables through {@code OnChipLearning}, the frames that carry labels, and what
 * the learning keeps on the chip. Everything the placement sends or saves is the target's
 * {@link TargetState} bytes.
 */
public interface OnChipLearningPlan {
  /**
   * The learning configuration in force while the placement trains its sample number
   * {@code sample} (0 for the first sample of the run). The placement enables it before that
   * sample when it differs from the one enabled last; a target whose learning state image holds
   * everything (SL-1) returns the same payload for every sample.
   */
  TargetState config(long sample);

  /**
   * Whether every sample starts from a chip reconfigured by {@link #config} (its generators
   * restarted from seeds the configuration names), so that a checkpoint between samples needs
   * the weights and the learning state but not the chip's dynamic state, which the chip may be
   * unable to load back.
   */
  default boolean reconfiguresEverySample() {
    return false;
  }

  /** The first step of a sample whose frame carries the label (0: every step). */
  default int firstLabelledStep() {
    return 0;
  }

  /**
   * Checks that a learning-state image saved by a run fits the learning now enabled
   * ({@code enabled}: the device's image right after enabling, or null when the device cannot
   * hand one out), naming the first field that does not; changes nothing.
   */
  void checkRestorable(TargetState saved, TargetState enabled);

  /**
   * Why this learning cannot be checkpointed (its state is not all in the learning-state image),
   * or null when it can.
   */
  default String notCheckpointable() {
    return null;
  }

  /** Learning-state bytes per learned parameter kept on the chip (optimizer state). */
  double stateBytesPerParameter();

  /** One line: what the learning keeps on the chip. */
  String memoryReport();

  /**
   * This learning with only the tensors {@code tensors} lists learning, each at this plan's rate
   * divided by {@code 2^k}; the rule, the optimizer's settings and the seeds stay. Rates are
   * relative to this plan's, so a caller switching back and forth derives every selection from
   * the plan the mapper made. Enabling its configuration restarts the chip's learning state as
   * any enabling does ({@code OnChipPlacement.learnTensors}).
   *
   * @throws MappingRefusedException naming each tensor this learning cannot train and each rate
   *     the target's learning configuration cannot express
   */
  OnChipLearningPlan withTensors(TensorLearning tensors);
}
