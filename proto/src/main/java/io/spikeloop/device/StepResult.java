package io.spikeloop.device;

/**
 * What a device returns for one time step.
 *
 * @param step         the device's step counter (0 for the first step after reset)
 * @param spikes       per hidden layer, ascending ids that spiked; null below {@link ReadoutLevel#SPIKES}
 * @param membranes    per hidden layer, u after this step; null below {@link ReadoutLevel#FULL}
 * @param outputs      o after this step
 * @param sops         synaptic operations of this step
 * @param cycles       core cycles of this step (0 where the device has no cycle model)
 * @param deadlineMiss the step's cycles exceeded the real-time step period
 * @param fifoOverflows events dropped by full FIFOs in this step
 */
public record StepResult(long step, int[][] spikes, int[][] membranes, int[] outputs, long sops,
                         long cycles, boolean deadlineMiss, long fifoOverflows) {
  public StepResult {
    if (outputs == null) {
      throw new IllegalArgumentException("a step result always carries outputs");
    }
  }

  /** Index of the largest output (first on ties). */
  public int argmaxOutput() {
    int best = 0;
    for (int k = 1; k < outputs.length; k++) {
      if (outputs[k] > outputs[best]) {
        best = k;
      }
    }
    return best;
  }
}
