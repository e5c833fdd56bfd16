package io.spikeloop.mapper;

import io.spikeloop.device.StepResult;

/**
 * The tBPTT1 gradient a learner beside the chip computes after each device step, through the
 * chip's float model, from the chip's own readout (outputs, membranes, spikes of
 * {@code ReadoutLevel.FULL}). Gradient buffers are reused between steps.
 */
public interface ChipBackward {
  /** Starts a sample (after the device's {@code reset()}). */
  void startSample();

  /**
   * Takes the step that saw input ids {@code x} and produced {@code r}, towards {@code label}.
   *
   * @return the loss (cross-entropy) of the output this step's gradient comes from, or NaN when
   *     the step carries no gradient yet (a chip whose outputs lag its inputs); when finite,
   *     {@link #gradient} holds the step's gradient
   */
  double step(int[] x, StepResult r, int label);

  /** The gradient buffer of a target tensor ({@link MappedTensor#name()}), a view. */
  double[] gradient(String tensor);

  /**
   * Bytes of state the backward carries from step to step within a sample (e-prop's traces);
   * 0 for tBPTT1's, which keeps only the previous step's spikes.
   */
  default long traceBytes() {
    return 0;
  }
}
