package io.spikeloop.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.train.Readout;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpikeRasterTest {
  /** 3 inputs, 2 hidden: input 0 drives hidden 0 over threshold, input 2 drives hidden 1. */
  private static SnnParameters wired() {
    SnnConfig config = SnnConfig.of(3, List.of(2), false, 2, 1.0, 20, 20);
    SnnParameters p = SnnParameters.zeros(config);
    double[] wIn = p.wIn(0); // [post][pre]
    wIn[0 * 3 + 0] = 1.5;
    wIn[1 * 3 + 2] = 1.5;
    double[] wOut = p.wOut(); // [k][j]
    wOut[1 * 2 + 1] = 1.0;
    return p;
  }

  @Test
  void recordsInputAndHiddenSpikesStepByStep() {
    // step 0: input 0; step 1: nothing; step 2: inputs 0 and 2.
    SpikeSample sample = new SpikeSample(1, new int[] {0, 1, 1, 3}, new int[] {0, 0, 2}, -1);
    SpikeRaster r = SpikeRaster.of(wired(), sample, Readout.LAST);
    assertEquals(3, r.steps());
    assertArrayEquals(new int[] {0, 2, 2}, r.input().steps());
    assertArrayEquals(new int[] {0, 0, 2}, r.input().ids());
    SpikeRaster.Layer hidden = r.hidden().get(0);
    assertEquals(2, hidden.neurons());
    assertArrayEquals(new int[] {0, 2, 2}, hidden.steps());
    assertArrayEquals(new int[] {0, 0, 1}, hidden.ids());
    assertEquals(1, r.label());
    assertEquals(1, r.predicted());
  }

  @Test
  void predictsByTheRunsReadout() {
    // output 0 from hidden 0 (early: inputs 0 at steps 0 and 1), output 1 from hidden 1 (input 2
    // at the last step); the output leaks fast, so the sum says 0 and the last step 1
    SnnParameters p = SnnParameters.zeros(SnnConfig.of(3, List.of(2), false, 2, 1.0, 20, 0.5));
    p.wIn(0)[0 * 3 + 0] = 1.5;
    p.wIn(0)[1 * 3 + 2] = 1.5;
    p.wOut()[0 * 2 + 0] = 1.0;
    p.wOut()[1 * 2 + 1] = 1.0;
    SpikeSample sample = new SpikeSample(0, new int[] {0, 1, 2, 2, 2, 2, 2, 3},
        new int[] {0, 0, 2}, -1);
    assertEquals(0, SpikeRaster.of(p, sample, Readout.SUM).predicted());
    assertEquals(1, SpikeRaster.of(p, sample, Readout.LAST).predicted());
  }

  @Test
  void refusesSamplesWiderThanTheNetwork() {
    SpikeSample sample = new SpikeSample(0, new int[] {0, 1}, new int[] {5}, -1);
    var e = assertThrows(IllegalArgumentException.class,
        () -> SpikeRaster.of(wired(), sample, Readout.LAST));
    assertEquals("the sample uses input channel 5 but the network has 3 inputs", e.getMessage());
  }
}
