package io.spikeloop.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ForwardingDevice;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.RandomNetwork;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LockstepDiffTest {
  private static final int CHANNELS = 40;

  /** 6 samples of 50 steps, ~8% input density. */
  private static InMemoryDataset data() {
    Random r = new Random(4);
    List<SpikeSample> samples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int[] offsets = new int[51];
      List<Integer> ch = new ArrayList<>();
      for (int t = 0; t < 50; t++) {
        for (int c = 0; c < CHANNELS; c++) {
          if (r.nextDouble() < 0.08) {
            ch.add(c);
          }
        }
        offsets[t + 1] = ch.size();
      }
      samples.add(new SpikeSample(i % 3, offsets, ch.stream().mapToInt(x -> x).toArray(), -1));
    }
    return new InMemoryDataset("test", CHANNELS, 3, 50, samples);
  }

  private static final RandomNetwork NET = RandomNetwork.of(CHANNELS, List.of(20, 10), true, 3, 7);

  /**
   * A device that misbehaves once: at its {@code atStep}-th step (counted over all calls) it adds
   * {@code delta} to one membrane, in the readout only or in its real state too.
   */
  private static final class OneFlip extends ForwardingDevice {
    private final long atStep;
    private final int layer;
    private final int neuron;
    private final boolean inState;
    private long stepsSeen;

    OneFlip(Device inner, long atStep, int layer, int neuron, boolean inState) {
      super(inner);
      this.atStep = atStep;
      this.layer = layer;
      this.neuron = neuron;
      this.inState = inState;
    }

    @Override
    public StepResult step(SpikeFrame input, ReadoutLevel readout) {
      StepResult r = delegate().step(input, readout);
      if (stepsSeen++ != atStep) {
        return r;
      }
      if (inState) {
        DeviceState s = Sl1Device.state(delegate());
        int[][] u = s.membranes();
        u[layer][neuron] += 1000;
        Sl1Device.restore(delegate(),
            new DeviceState(s.step(), u, s.lastSpikes(), s.outputs(), s.telemetry()));
        return r;
      }
      int[][] u = r.membranes().clone();
      u[layer] = u[layer].clone();
      u[layer][neuron] ^= 1;
      return new StepResult(r.step(), r.spikes(), u, r.outputs(), r.sops(), r.cycles(),
          r.deadlineMiss(), r.fifoOverflows());
    }

    @Override
    public List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
      return stepEach(inputs, readout);
    }
  }

  @Test
  void twoSimulatorsAgreeOnEveryStepWithActivity() {
    try (Device a = Devices.open("sim"); Device b = Devices.open("sim")) {
      LockstepDiff.Report r = LockstepDiff.run(a, b, NET.config(), NET.weights(), data(), 280);
      assertTrue(r.agreed(), () -> r.divergence().describe());
      assertNull(r.divergence());
      assertEquals(280, r.steps());
      assertEquals(ReadoutLevel.FULL, r.level());
      assertEquals(r.hashA(), r.hashB());
      assertTrue(r.hiddenSpikes() > 280, "the random network is active: " + r.hiddenSpikes());
    }
  }

  @Test
  void twoChipInstancesRunToTheEndAndReportDivergenceStatistics() {
    String one = "sim:mismatch=0.1,instance=1,noise=20";
    try (Device a = Devices.open(one); Device b = Devices.open("sim:mismatch=0.1,instance=2,noise=20")) {
      LockstepDiff.Report r = LockstepDiff.run(a, b, NET.config(), NET.weights(), data(), 280);
      assertTrue(r.agreed(), () -> r.divergence().describe());
      assertEquals(280, r.steps(), "an imperfect chip does not stop at the first difference");
      assertTrue(!r.equivalence().bitExact());
      assertNotEquals(r.hashA(), r.hashB());
      assertEquals(280L * 30, r.neuronSteps());
      assertTrue(r.spikeDisagreements() > 0 && r.spikeDisagreementRate() < 1,
          "disagreements " + r.spikeDisagreements());
      assertTrue(r.maxOutputDifference() > 0);
    }
    try (Device a = Devices.open(one); Device b = Devices.open(one)) {
      LockstepDiff.Report r = LockstepDiff.run(a, b, NET.config(), NET.weights(), data(), 280);
      assertEquals(r.hashA(), r.hashB(), "one instance reproduces itself bit for bit");
      assertEquals(0, r.spikeDisagreements());
      assertEquals(0, r.maxOutputDifference());
    }
  }

  @Test
  void anExactSimulatorAgainstAnInstanceComparesWithinTheInstancesTolerance() {
    try (Device a = Devices.open("sim"); Device b = Devices.open("sim:mismatch=0.05,instance=4")) {
      LockstepDiff.Report r = LockstepDiff.run(a, b, NET.config(), NET.weights(), data(), 100);
      assertEquals(100, r.steps());
      assertTrue(r.spikeDisagreements() > 0, "mismatch 0.05 changes some spikes");
    }
  }

  @Test
  void aFlippedMembraneIsFoundAtItsStepLayerAndNeuronWithBothValues() {
    long k = 137; // sample 2, step 37
    try (Device a = Devices.open("sim");
         Device b = new OneFlip(Devices.open("sim"), k, 1, 6, false)) {
      LockstepDiff.Report r = LockstepDiff.run(a, b, NET.config(), NET.weights(), data(), 300);
      Divergence d = r.divergence();
      assertEquals(new Divergence(k, 2, 37, "u", 1, 6, d.a(), d.a() ^ 1), d);
      assertEquals(k + 1, r.steps(), "stops at the divergence");
      assertNotEquals(r.hashA(), r.hashB());
      assertTrue(d.describe().contains("layer 1 neuron 6"), d.describe());
    }
  }

  @Test
  void aCorruptedStateShowsUpOnTheNextStep() {
    long k = 60;
    try (Device a = Devices.open("sim");
         Device b = new OneFlip(Devices.open("sim"), k, 0, 3, true)) {
      LockstepDiff.Report r = LockstepDiff.run(a, b, NET.config(), NET.weights(), data(), 300);
      Divergence d = r.divergence();
      assertEquals(k + 1, d.step());
      assertEquals("u", d.variable());
      assertEquals(0, d.layer());
      assertEquals(3, d.neuron());
    }
  }

  @Test
  void divergenceInSpikesOutputsAndSopsIsNamed() {
    StepResult base = new StepResult(5, new int[][] {{1, 4}}, null, new int[] {3, 4}, 10, 0,
        false, 0);
    StepResult spike = new StepResult(5, new int[][] {{1, 2, 4}}, null, new int[] {3, 4}, 10, 0,
        false, 0);
    assertEquals(new Divergence(5, 0, 5, "z", 0, 2, 0, 1),
        LockstepDiff.locate(base, spike, 5, 0, 5));
    StepResult out = new StepResult(5, new int[][] {{1, 4}}, null, new int[] {3, 9}, 10, 0,
        false, 0);
    assertEquals(new Divergence(5, 0, 5, "o", -1, 1, 4, 9), LockstepDiff.locate(base, out, 5, 0, 5));
    StepResult sops = new StepResult(5, new int[][] {{1, 4}}, null, new int[] {3, 4}, 11, 0,
        false, 0);
    assertEquals(new Divergence(5, 0, 5, "sops", -1, -1, 10, 11),
        LockstepDiff.locate(base, sops, 5, 0, 5));
    assertNotEquals(StepHash.of(base), StepHash.of(sops));
    assertEquals(StepHash.of(base), StepHash.of(new StepResult(9, new int[][] {{1, 4}}, null,
        new int[] {3, 4}, 10, 7, true, 2)), "the hash covers the compared variables only");
  }
}
