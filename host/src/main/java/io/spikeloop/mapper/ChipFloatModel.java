package io.spikeloop.mapper;

/**
 * What a chip computes, in float units, step by step: its order of operations, reset and output
 * timing, without its rounding and saturation. Its outputs line up with the device's outputs of
 * the same step (divided by the mapping's output scale); its spikes with the hidden spikes the
 * device reports for that step. Nothing is allocated per step.
 */
public interface ChipFloatModel {
  /** Starts a sample (the device's {@code reset()}). */
  void reset();

  /** One step with input channels {@code x[from..to)} (ascending). */
  void step(int[] x, int from, int to);

  /** Output {@code k} of the last step, float units. */
  double output(int k);

  /** Whether neuron {@code j} of hidden layer {@code l} is among the last step's spikes. */
  boolean fired(int l, int j);

  /** How many neurons of hidden layer {@code l} the last step reports as spiking. */
  int spikeCount(int l);
}
