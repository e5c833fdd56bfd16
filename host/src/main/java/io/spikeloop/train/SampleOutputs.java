package io.spikeloop.train;

import java.util.Arrays;

/**
 * One sample's outputs as a {@link Readout} reads them: the last step's and their sum over the
 * steps so far, for a forward pass that produces them step by step (a device, a float model).
 * The buffers are reused from sample to sample.
 */
public final class SampleOutputs {
  private final double[] last;
  private final double[] summed;

  public SampleOutputs(int outputs) {
    last = new double[outputs];
    summed = new double[outputs];
  }

  /** Starts a sample: the sum back to zero. */
  public void startSample() {
    Arrays.fill(summed, 0);
  }

  /** Output {@code k} of the current step. */
  public void put(int k, double value) {
    last[k] = value;
    summed[k] += value;
  }

  /** The class {@code readout} reads from the steps put so far. */
  public int predict(Readout readout) {
    return readout.predict(last, summed);
  }
}
