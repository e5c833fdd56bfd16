package io.spikeloop.sim.timing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.SimOptions;
import io.spikeloop.sim.core.Sl1Core;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Cycle counts of small hand-computed cases. The test core: 16 synapse lanes, 8 neuron lanes,
 * FIFO depth 4, 2 cycles per event, neuron pipeline 4, refill 8, step overhead 16, so a stage of
 * N neurons with E events costs {@code E * (2 + ceil(N/16)) + ceil(N/8) + 4}.
 */
class MicroArchitectureTest {
  private static final MicroArchitecture ARCH =
      new MicroArchitecture(1e6, 100e-6, 16, 8, 4, OverflowPolicy.STALL, 2, 4, 8, 16);

  /** 8 inputs -> 20 hidden (recurrent when asked, alpha 0, theta 100) -> 3 outputs. */
  private static NetworkConfig net(boolean recurrent) {
    return new NetworkConfig(8, java.util.List.of(new LayerConfig(20, recurrent, 8, 0, 16, 100, 0, 8)),
        new OutputConfig(3, 8, 0, 16, 4096));
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void silentHiddenLayerCostsOnlyTheInputEventsAndNeuronPhases() {
    Sl1Core core = new Sl1Core(net(false));
    core.step(new int[] {0, 3, 5}, 3);
    // overhead 16 + hidden 3 * (2 + 2) + 3 + 4 + output 0 events + 1 + 4
    assertEquals(16 + 12 + 7 + 5, ARCH.stepCycles(core));
    assertEquals(0, ARCH.fifoOverflows(core));
    core.step(new int[0], 0);
    assertEquals(16 + 7 + 5, ARCH.stepCycles(core));
  }

  @Test
  void stallRefillsTheFifoAndKeepsEveryEvent() {
    Sl1Core core = new Sl1Core(net(false), ARCH.coreEventLimit());
    core.writeWeights("layer0.in", filled(20 * 8, 1));
    core.step(new int[] {0, 1, 2, 3, 4, 5}, 6);
    // 6 events into a 4-deep FIFO: one refill (8 cycles), 2 overflows.
    assertEquals(16 + 6 * 4 + 8 + 7 + 5, ARCH.stepCycles(core));
    assertEquals(2, ARCH.fifoOverflows(core));
    assertEquals(6, core.membranes(0)[0]);
    assertEquals(6 * 20, core.stepSops());
  }

  @Test
  void dropLosesTheHighestIdsAndChangesResults() {
    MicroArchitecture drop = ARCH.withFifo(4, OverflowPolicy.DROP);
    Sl1Core core = new Sl1Core(net(false), drop.coreEventLimit());
    int[] w = new int[20 * 8];
    w[5] = 100; // W_in[0][5]: only axon 5 would make neuron 0 fire
    core.writeWeights("layer0.in", w);
    core.step(new int[] {0, 1, 2, 3, 4, 5}, 6);
    assertEquals(16 + 4 * 4 + 7 + 5, drop.stepCycles(core));
    assertEquals(2, drop.fifoOverflows(core));
    assertEquals(0, core.membranes(0)[0], "axon 5 was dropped");
    assertEquals(0, core.spikeCount(0));
    assertEquals(4 * 20, core.stepSops());
  }

  @Test
  void recurrentAndOutputEventsAreCounted() {
    Sl1Core core = new Sl1Core(net(true));
    core.writeWeights("layer0.bias", filled(20, 100)); // u = bias = theta: all fire every step
    core.step(new int[0], 0);
    assertEquals(20, core.spikeCount(0));
    // hidden: no events, 3 + 4; output: 20 events * (2 + 1), 4 refills * 8, 1 + 4
    long first = 16 + 7 + (60 + 32 + 5);
    assertEquals(first, ARCH.stepCycles(core));
    assertEquals(16, ARCH.fifoOverflows(core));
    core.step(new int[0], 0);
    // plus 20 recurrent events * (2 + 2) in the hidden stage; recurrent events bypass the FIFO
    assertEquals(first + 80, ARCH.stepCycles(core));
    assertEquals(16, ARCH.fifoOverflows(core));
  }

  @Test
  void simDeviceReportsCyclesDeadlineMissesAndEnergy() {
    EnergyProfile energy = new EnergyProfile("test", 1e-12, 10e-12, 1e-6, "test figures");
    try (SimDevice d = new SimDevice("sim:test", new SimOptions(energy, ARCH), SimDevice.DEFAULT_LIMITS)) {
      d.configure(net(true));
      d.writeWeights("layer0.bias", filled(20, 100));
      // Budget 1 MHz * 100 us = 100 cycles; the first step takes 120.
      StepResult r = d.step(SpikeFrame.silent(), ReadoutLevel.OUTPUTS);
      assertEquals(120, r.cycles());
      assertTrue(r.deadlineMiss());
      assertEquals(16, r.fifoOverflows());
      assertEquals(60, r.sops());
      Telemetry t = d.telemetry();
      assertEquals(1, t.deadlineMisses());
      assertEquals(23, t.count(Sl1Target.NEURON_UPDATES));
      // 60 SOPs * 1 pJ + 23 updates * 10 pJ + 1 uW * 120 us (the step overran its period)
      assertEquals(60e-12 + 230e-12 + 120e-12, t.energyJoules(), 1e-18);

      d.writeWeights("layer0.bias", filled(20, 0));
      d.reset();
      StepResult quiet = d.step(SpikeFrame.silent(), ReadoutLevel.OUTPUTS);
      assertEquals(28, quiet.cycles());
      assertFalse(quiet.deadlineMiss());
      // static power over the whole 100 us period
      assertEquals(23 * 10e-12 + 100e-12, d.telemetry().minus(t).energyJoules(), 1e-18);
      assertArrayEquals(new long[] {2, 148, 1}, new long[] {d.telemetry().steps(),
          d.telemetry().cycles(), d.telemetry().deadlineMisses()});
    }
  }

  @Test
  void namedProfilesCarryThePublishedPerSopFigures() {
    assertEquals(23.6e-12, EnergyProfile.named("loihi").joulesPerSop());
    assertEquals(12.7e-12, EnergyProfile.named("ODIN").joulesPerSop());
    assertEquals(5.3e-12, EnergyProfile.named("reckon").joulesPerSop());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> EnergyProfile.named("truenorth"));
    assertTrue(e.getMessage().contains("truenorth") && e.getMessage().contains("loihi"));
  }
}
