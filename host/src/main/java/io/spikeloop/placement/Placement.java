package io.spikeloop.placement;

import io.spikeloop.train.SnnTrainer;

/**
 * A learning placement: an {@link SnnTrainer} (train on samples, infer, hand out parameters)
 * plus what it costs. Device placements train one sample at a time (tBPTT1 updates at every
 * step) and infer on the device in fixed point.
 */
public interface Placement extends SnnTrainer, AutoCloseable {
  /** {@code host-float}, {@code hil}, {@code near-chip} or {@code on-chip}. */
  String name();

  /** The memory accounting line: optimizer-state bytes per parameter and learning memory. */
  String memoryReport();

  /** Why this placement's learner cannot be checkpointed, or null when it can. */
  default String notCheckpointable() {
    return null;
  }

  /**
   * Optimizer-state bytes per parameter where learning runs: 8 for float Adam (host-float,
   * hil), the quantized state with its block scales for near-chip and on-chip.
   */
  double optimizerStateBytesPerParameter();

  /** Device cost of training so far (zero for host-float). */
  LearningCost learningCost();

  @Override
  void close();
}
