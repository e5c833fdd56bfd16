package io.spikeloop.sim.reckon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.OnChipLearning;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.target.reckon.ReckonChipDevice;
import io.spikeloop.target.reckon.ReckonCodecs;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonRandomNetworks;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonTarget;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sim:reckon through the generic device contract, against the model driven directly. */
class ReckonSimDeviceTest {

  private static ReckonNetwork network() {
    return ReckonNetwork.builder(4, 4, 2).weightShifts(7, 0, 0).alpha(0x7800).threshold(9000)
        .kappa(0x80).build();
  }

  @Test
  void simReckonIsTheModelAndPlainSimStaysSl1() {
    try (Device d = Devices.open("sim:reckon"); Device sl1 = Devices.open("sim")) {
      assertEquals("reckon", d.info().target());
      assertEquals("sl1", sl1.info().target());
      assertTrue(d.info().has(ReckonChipDevice.SPIKE_READOUT));
      assertFalse(d.info().has(Capability.SNAPSHOT));
      assertTrue(d.target() instanceof ReckonTarget);
    }
    try (Device sl1Profile = Devices.open("sim:reckon,inputs=64")) {
      assertEquals("sl1", sl1Profile.info().target(), "SL-1's reckon energy profile with options");
    }
  }

  @Test
  void framesAndWeightsMapOntoTheChipFaithfully() {
    ReckonNetwork net = network();
    // W_in [pre][post] on the chip: input 0 -> neurons 0 and 1; generic [post][pre]
    byte[] chipOrder = {100, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] wOut = {20, 0, 0, 30, 0, 0, 0, 0};
    try (Device d = Devices.open("sim:reckon"); ReckonModel chip = new ReckonModel()) {
      d.configure(net);
      assertArrayEquals(new int[16], d.readWeights("w_in"), "configure loads zero weights");
      int[] generic = new int[16];
      generic[0] = 100; // post 0, pre 0
      generic[4] = 50;  // post 1, pre 0
      d.writeWeights("w_in", generic);
      d.writeWeights("w_out", new int[] {20, 0, 0, 0, 0, 30, 0, 0});
      assertArrayEquals(generic, d.readWeights("w_in"));
      chip.configure(net.withReadout(ReckonNetwork.Readout.MEMBRANES_PER_STEP));
      chip.writeWeights(ReckonTensor.INPUT, chipOrder);
      chip.writeWeights(ReckonTensor.OUTPUT, wOut);
      int spikes = 0;
      for (int t = 0; t < 12; t++) {
        int[] events = t % 2 == 0 ? new int[] {0} : new int[0];
        StepResult r = d.step(new SpikeFrame(events), ReadoutLevel.FULL);
        short[] o = chip.step(ReckonStep.of(events)).outputMembranes();
        int[] expected = new int[2];
        for (int k = 0; o != null && k < 2; k++) {
          expected[k] = o[k];
        }
        assertArrayEquals(expected, r.outputs(), "outputs at step " + t);
        assertArrayEquals(chip.lastHiddenSpikeIds(), r.spikes()[0], "spikes at step " + t);
        short[] u = chip.readState().membranes();
        assertArrayEquals(new int[] {u[0], u[1], u[2], u[3]}, r.membranes()[0]);
        spikes += r.spikes()[0].length;
        assertEquals(t, r.step());
      }
      assertTrue(spikes > 0, "the test network spikes");
      Telemetry t = d.telemetry();
      assertEquals(12, t.steps());
      assertEquals(spikes, t.count(ReckonTarget.HIDDEN_SPIKES));
      assertEquals(ReckonCodecsEnergy.joules(t.sops()), t.energyJoules(), 1e-18);
      assertEquals(chip.readState(), ReckonCodecs.decodeState(d.state()));
      UnsupportedCapabilityException refused = assertThrows(UnsupportedCapabilityException.class,
          () -> d.restore(d.state()));
      assertTrue(refused.getMessage().contains("snapshot"), refused.getMessage());
      IllegalStateException inSample = assertThrows(IllegalStateException.class,
          () -> d.writeWeights("w_in", generic));
      assertTrue(inSample.getMessage().contains("reset()"), inSample.getMessage());
      d.reset();
      assertArrayEquals(new short[4], ReckonCodecs.decodeState(d.state()).membranes(),
          "reset ends the sample, clearing the dynamics");
      assertArrayEquals(generic, d.readWeights("w_in"), "reset keeps weights");
      assertEquals(12, d.telemetry().steps(), "reset keeps telemetry");
    }
  }

  @Test
  void badInputIsRefusedByNameAndChangesNothing() {
    try (Device d = Devices.open("sim:reckon")) {
      assertThrows(IllegalStateException.class, d::config);
      d.configure(network());
      assertThrows(IllegalArgumentException.class, () -> d.step(new SpikeFrame(4),
          ReadoutLevel.OUTPUTS));
      assertThrows(IllegalArgumentException.class, () -> d.step(new SpikeFrame(new int[] {0}, 2),
          ReadoutLevel.OUTPUTS));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> d.writeWeights("layer0.in", new int[16]));
      assertTrue(e.getMessage().contains("w_in"), e.getMessage());
      ReckonNetwork tooWide = ReckonNetwork.builder(256, 256, 16).build();
      assertThrows(IllegalArgumentException.class,
          () -> d.configure(new io.spikeloop.target.sl1.NetworkConfig(8, java.util.List.of(
              new io.spikeloop.target.sl1.LayerConfig(6, true, 8, 0, 16, 64, 3800, 8)),
              new io.spikeloop.target.sl1.OutputConfig(2, 8, 0, 16, 64))));
      assertEquals(network(), d.config());
      d.configure(tooWide); // the chip's full size fits
      assertThrows(DesignRuleViolation.class, () -> new ReckonTarget().checkDesignRules(tooWide,
          Map.of(ReckonTarget.MAX_RECURRENT, 128L)));
    }
  }

  @Test
  void ePropThroughTheExtensionMovesWeightsAndItsStateRestores() {
    java.util.Random random = new java.util.Random(2);
    ReckonNetwork learningNet = ReckonRandomNetworks.network(random, true);
    ReckonNetwork net = learningNet.withEprop(learningNet.eprop().withEnables(0));
    try (Device d = Devices.open("sim:reckon"); Device fresh = Devices.open("sim:reckon")) {
      d.configure(net);
      for (ReckonTensor t : ReckonTensor.values()) {
        int[] w = new int[t.rows(net) * t.columns(net)];
        for (int i = 0; i < w.length; i++) {
          w[i] = random.nextInt(81) - 40;
        }
        d.writeWeights(t.tensorName(), w);
      }
      OnChipLearning learning = d.extension(OnChipLearning.class).orElseThrow();
      var before = learning.state();
      learning.enable(ReckonCodecs.encodeLearningConfig(learningNet.eprop()));
      for (int sample = 0; sample < 2; sample++) {
        for (int t = 0; t < 30; t++) {
          int[] events = java.util.Arrays.stream(ReckonRandomNetworks.events(random, net.inputs()))
              .sorted().distinct().toArray();
          d.step(new SpikeFrame(events, t >= 15 ? 1 % net.outputs() : SpikeFrame.NO_LABEL),
              ReadoutLevel.OUTPUTS);
        }
        d.reset();
      }
      learning.disable();
      assertTrue(d.telemetry().learningUpdates() > 0, "e-prop ran");
      assertTrue(d.telemetry().count(ReckonTarget.LEARNING_CYCLES) > 0);
      var after = learning.state();
      assertNotEquals(before, after, "e-prop moved weights");
      fresh.configure(net);
      fresh.extension(OnChipLearning.class).orElseThrow().restore(after);
      for (ReckonTensor t : ReckonTensor.values()) {
        assertArrayEquals(d.readWeights(t.tensorName()), fresh.readWeights(t.tensorName()));
      }
    }
  }

  /** The cost model's energy, spelled out for the assertion. */
  private static final class ReckonCodecsEnergy {
    static double joules(long sops) {
      return sops * 5.3e-12;
    }
  }
}
