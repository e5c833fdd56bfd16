package io.spikeloop.train;

/**
 * What {@link SnnTrainer#infer} returns, filled batch by batch by the float32 trainers: per sample
 * the outputs summed over the steps (float64), the last step's outputs, and the spike and SOP
 * counts.
 */
final class InferenceTotals {
  private final int outputs;
  private final double[][] last;
  private final double[][] summed;
  private final long[] spikes;
  private final long[] sops;

  InferenceTotals(int samples, int outputs) {
    this.outputs = outputs;
    last = new double[samples][outputs];
    summed = new double[samples][outputs];
    spikes = new long[samples];
    sops = new long[samples];
  }

  /** Adds one step's outputs {@code o[b]} of a batch starting at sample {@code from}. */
  void addStep(int from, float[][] o, int batch) {
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < outputs; k++) {
        summed[from + b][k] += o[b][k];
      }
    }
  }

  /**
   * Ends a batch starting at sample {@code from}: its last outputs {@code o} and its counters
   * ({@code [0]} spikes, {@code [1]} SOPs per sample).
   */
  void endBatch(int from, float[][] o, long[][] counters, int batch) {
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < outputs; k++) {
        last[from + b][k] = o[b][k];
      }
      spikes[from + b] = counters[0][b];
      sops[from + b] = counters[1][b];
    }
  }

  SnnTrainer.Inference result() {
    return new SnnTrainer.Inference(last, summed, spikes, sops);
  }
}
