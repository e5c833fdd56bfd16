package io.spikeloop.optim;

import io.spikeloop.checkpoint.StateMap;

/** A float64 optimizer with its state: updates parameter arrays in place from their gradients. */
public interface Optimizer {
  /** One update: {@code params[i]} moves by the rule applied to {@code grads[i]}. */
  void step(double[][] params, double[][] grads);

  /**
   * Brings every parameter up to date at the end of a training batch (schedules that defer work,
   * such as catch-up Adam); nothing for the others.
   */
  default void flush(double[][] params) {}

  /** Updates done so far. */
  long steps();

  /** Writes the optimizer's state (moments, counters, generators) under {@code prefix}. */
  void saveState(StateMap out, String prefix);

  /** Restores what {@link #saveState} wrote, for tensors of the same sizes. */
  void restoreState(StateMap in, String prefix);
}
