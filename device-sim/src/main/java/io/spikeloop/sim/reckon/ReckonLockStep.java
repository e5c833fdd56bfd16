package io.spikeloop.sim.reckon;

import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonState;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonStepResult;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.Arrays;

/**
 * Two {@link ReckonChip}s driven with the same steps, compared as they go: the output bus and
 * whether e-prop ran after every step, the state every {@code stateEvery} steps within a sample,
 * every weight at the end of each sample. Stops at the first difference and names it (step,
 * variable, index, both values). Both chips must already hold the same network and weights.
 */
public final class ReckonLockStep {
  private final ReckonChip a, b;
  private final int stateEvery;
  private long steps, learnedSteps, stateChecks, weightChecks;
  private String difference;

  public ReckonLockStep(ReckonChip a, ReckonChip b, int stateEvery) {
    this.a = a;
    this.b = b;
    this.stateEvery = stateEvery;
  }

  /** Steps both chips; false (and {@link #difference()} set) at the first disagreement. */
  public boolean step(ReckonStep step) {
    if (difference != null) {
      return false;
    }
    ReckonStepResult ra = a.step(step);
    ReckonStepResult rb = b.step(step);
    steps++;
    if (ra.learned()) {
      learnedSteps++;
    }
    if (!Arrays.equals(ra.bus(), rb.bus())) {
      return differ("output bus " + Arrays.toString(ra.bus()) + " vs " + Arrays.toString(rb.bus()));
    }
    if (ra.learned() != rb.learned()) {
      return differ("e-prop ran: " + ra.learned() + " vs " + rb.learned());
    }
    if (step.endOfSample()) {
      return compareWeights();
    }
    if (stateEvery > 0 && steps % stateEvery == 0) {
      stateChecks++;
      ReckonState sa = a.readState();
      String d = sa.firstDifference(b.readState());
      if (d != null) {
        return differ("state " + d);
      }
    }
    return true;
  }

  private boolean compareWeights() {
    weightChecks++;
    for (ReckonTensor t : ReckonTensor.values()) {
      byte[] wa = a.readWeights(t);
      byte[] wb = b.readWeights(t);
      int i = Arrays.mismatch(wa, wb);
      if (i >= 0) {
        int cols = t.columns(a.network());
        return differ(t + "[" + i / cols + "][" + i % cols + "]: " + wa[i] + " vs " + wb[i]);
      }
    }
    return true;
  }

  private boolean differ(String what) {
    difference = "step " + (steps - 1) + ": " + what;
    return false;
  }

  /** The first difference ("step N: variable[index]: a vs b"), or null while they agree. */
  public String difference() {
    return difference;
  }

  public long steps() {
    return steps;
  }

  public long learnedSteps() {
    return learnedSteps;
  }

  public long stateChecks() {
    return stateChecks;
  }

  public long weightChecks() {
    return weightChecks;
  }
}
