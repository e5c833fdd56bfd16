package io.spikeloop.target.reckon;

import java.util.Arrays;

/**
 * What the host does for one time step, i.e. one rising edge of TIME_TICK: the AER input events
 * and the label sent before the tick, and the levels of TARGET_VALID and INFER_ACC during it.
 *
 * <p>The first step of a sample raises SAMPLE; a step with {@code endOfSample} lowers it before
 * its tick: the chip leaks and counts once more, sends the sample's result and returns to idle,
 * clearing membranes, traces, spikes and outputs. Input events of an end-of-sample step would be
 * dropped by the chip and are refused.
 *
 * @param inputEvents input neuron ids {@code 0..N_in-1}; the chip latches events into one bit per
 *     input, so a repeated id within a step counts once
 * @param label class label {@code 0..N_out-1} sent over AER with AERIN_TAR_EN before the tick, or
 *     -1 for none; a sample needs a label before its first step with {@code targetValid} while
 *     learning is on, and a label sent before the sample's first tick is lost (the chip clears it)
 * @param targetValid TARGET_VALID during this tick: apply e-prop after this tick's leak
 * @param inferAccumulate INFER_ACC during this tick: count this tick's winning output
 * @param endOfSample lower SAMPLE before this tick (the last tick of the sample)
 */
public record ReckonStep(
    int[] inputEvents, int label, boolean targetValid, boolean inferAccumulate, boolean endOfSample) {

  private static final int[] NONE = new int[0];

  public ReckonStep {
    inputEvents = inputEvents == null ? NONE : inputEvents.clone();
    if (label < -1 || label > 15) {
      throw new IllegalArgumentException("label " + label + " outside -1..15");
    }
    if (endOfSample && inputEvents.length > 0) {
      throw new IllegalArgumentException("an end-of-sample step carries no input events (the chip "
          + "drops them); got " + inputEvents.length);
    }
  }

  /** A plain step with {@code events}, no label, no flags. */
  public static ReckonStep of(int... events) {
    return new ReckonStep(events, -1, false, false, false);
  }

  /** The events without copying; callers must not modify the array. */
  public int eventCount() {
    return inputEvents.length;
  }

  /** Event {@code i} without copying. */
  public int event(int i) {
    return inputEvents[i];
  }

  @Override
  public int[] inputEvents() {
    return inputEvents.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReckonStep s && Arrays.equals(inputEvents, s.inputEvents)
        && label == s.label && targetValid == s.targetValid
        && inferAccumulate == s.inferAccumulate && endOfSample == s.endOfSample;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inputEvents) * 31 + label * 8 + (targetValid ? 4 : 0)
        + (inferAccumulate ? 2 : 0) + (endOfSample ? 1 : 0);
  }

  @Override
  public String toString() {
    return "ReckonStep[events " + Arrays.toString(inputEvents) + ", label " + label
        + (targetValid ? ", TARGET_VALID" : "") + (inferAccumulate ? ", INFER_ACC" : "")
        + (endOfSample ? ", end of sample" : "") + "]";
  }
}
