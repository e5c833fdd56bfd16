package io.spikeloop.target.reckon;

import java.util.Arrays;

/**
 * The chip's dynamic state between two ticks, as its SRAMs and registers hold it (SPI codes 1
 * and 2). Values are the <em>effective</em> ones, what the datapath uses: the chip keeps a dirty
 * bit per neuron (not readable over SPI) and reads a word not yet written in the current sample
 * as zero state; a board must apply that shadow to raw SRAM readback.
 *
 * @param membranes u of recurrent neurons 0..N_rec-1, signed 16-bit
 * @param outputMembranes o of outputs 0..N_out-1, signed 16-bit
 * @param inputTraces presynaptic trace of inputs 0..N_in-1, unsigned 12-bit
 * @param recurrentTraces presynaptic trace of recurrent neurons (for W_rec), unsigned 12-bit
 * @param outputTraces presynaptic trace of recurrent neurons (for W_out), unsigned 10-bit
 */
public record ReckonState(
    short[] membranes, short[] outputMembranes, int[] inputTraces, int[] recurrentTraces,
    int[] outputTraces) {

  public ReckonState {
    membranes = membranes.clone();
    outputMembranes = outputMembranes.clone();
    inputTraces = inputTraces.clone();
    recurrentTraces = recurrentTraces.clone();
    outputTraces = outputTraces.clone();
  }

  @Override
  public short[] membranes() {
    return membranes.clone();
  }

  @Override
  public short[] outputMembranes() {
    return outputMembranes.clone();
  }

  @Override
  public int[] inputTraces() {
    return inputTraces.clone();
  }

  @Override
  public int[] recurrentTraces() {
    return recurrentTraces.clone();
  }

  @Override
  public int[] outputTraces() {
    return outputTraces.clone();
  }

  /**
   * The first difference from {@code other} as "variable[index]: a vs b", or null when equal;
   * what a lock-step run reports.
   */
  public String firstDifference(ReckonState other) {
    for (int i = 0; i < membranes.length; i++) {
      if (membranes[i] != other.membranes[i]) {
        return "u[" + i + "]: " + membranes[i] + " vs " + other.membranes[i];
      }
    }
    for (int k = 0; k < outputMembranes.length; k++) {
      if (outputMembranes[k] != other.outputMembranes[k]) {
        return "o[" + k + "]: " + outputMembranes[k] + " vs " + other.outputMembranes[k];
      }
    }
    String d = firstDifference("traceIn", inputTraces, other.inputTraces);
    if (d == null) {
      d = firstDifference("traceRec", recurrentTraces, other.recurrentTraces);
    }
    if (d == null) {
      d = firstDifference("traceOut", outputTraces, other.outputTraces);
    }
    return d;
  }

  private static String firstDifference(String name, int[] a, int[] b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return name + "[" + i + "]: " + a[i] + " vs " + b[i];
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReckonState s && Arrays.equals(membranes, s.membranes)
        && Arrays.equals(outputMembranes, s.outputMembranes)
        && Arrays.equals(inputTraces, s.inputTraces)
        && Arrays.equals(recurrentTraces, s.recurrentTraces)
        && Arrays.equals(outputTraces, s.outputTraces);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(membranes) * 31 + Arrays.hashCode(outputMembranes);
  }
}
