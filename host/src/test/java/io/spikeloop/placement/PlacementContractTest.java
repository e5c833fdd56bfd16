package io.spikeloop.placement;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ForwardingDevice;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.UnsupportedCapabilityException;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.mapper.sl1.Sl1OnChipLearning;
import io.spikeloop.mapper.sl1.Sl1ReadoutGradient;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.train.FastTrainer;
import io.spikeloop.train.Readout;
import io.spikeloop.train.TrainingLoop;
import io.spikeloop.train.TrainingMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One contract, run against every placement, on a small synthetic-style task (seconds). */
class PlacementContractTest {
  static final int CHANNELS = 40;
  static final int CLASSES = 4;
  static final int STEPS = 25;
  static final double LR = 2e-3;

  /** Class c fires channels [10c, 10c+10) at 40 %, the rest at 3 %. */
  static InMemoryDataset task(String name, int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SpikeSample> samples = new ArrayList<>();
    for (int s = 0; s < size; s++) {
      int label = s % CLASSES;
      int[] offsets = new int[STEPS + 1];
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        for (int ch = 0; ch < CHANNELS; ch++) {
          if (r.nextDouble() < (ch / 10 == label ? 0.4 : 0.03)) {
            ids.add(ch);
          }
        }
        offsets[t + 1] = ids.size();
      }
      samples.add(new SpikeSample(label, offsets, ids.stream().mapToInt(i -> i).toArray(), 0));
    }
    return new InMemoryDataset(name, CHANNELS, CLASSES, STEPS, samples);
  }

  static final DatasetSplit DATA = new DatasetSplit(task("train", 80, 1), task("test", 40, 2));

  static SnnParameters init(boolean recurrent) {
    return SnnParameters.initialise(SnnConfig.of(CHANNELS, List.of(16), recurrent, CLASSES, 1, 20,
        20), 3);
  }

  static Placement open(String name, Device device, SnnParameters init, int weightBits) {
    PlacementSettings s = new PlacementSettings(weightBits, 8, 64, 8, LR, 0.9, 0.999, 1e-8, 16, 5);
    if (name.equals("host-float")) {
      return new HostFloatPlacement(new FastTrainer(init, TrainingMode.parse("tbptt1", 1),
          new OptimizerSpec.Adam(LR, 0.9, 0.999, 1e-8), 1));
    }
    return Placements.onDevice(name, device, init, s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"host-float", "hil", "near-chip", "on-chip"})
  void trainsClearlyAboveChanceAndReportsItsCost(String name) {
    try (SimDevice device = new SimDevice(); Placement p = open(name, device, init(true), 8)) {
      assertEquals(name, p.name());
      TrainingLoop.Result r = TrainingLoop.run(p, DATA,
          new TrainingLoop.Settings(3, 1, 7, Readout.LAST), new TrainingLoop.Listener() { });
      assertTrue(r.bestTestAccuracy() >= 0.6, name + ": test accuracy " + r.bestTestAccuracy()
          + " (chance 0.25)");
      assertTrue(r.onlineTrainAccuracy() >= 0.5, name + ": online " + r.onlineTrainAccuracy());
      assertTrue(p.memoryReport().contains("B/param"), p.memoryReport());
      LearningCost cost = p.learningCost();
      if (name.equals("host-float")) {
        assertEquals(LearningCost.NONE, cost);
      } else {
        assertEquals(240, cost.samples());
        assertTrue(cost.cyclesPerSample() > 0 && cost.joulesPerSample() > 0);
        assertEquals(name.equals("on-chip"), cost.learningUpdatesPerSample() > 0);
        assertEquals(name.equals("on-chip"), cost.learningCyclesPerSample() > 0);
      }
    }
  }

  @Test
  void hilWithSixteenBitWeightsTracksHostFloat() {
    SnnParameters init = init(true);
    try (SimDevice device = new SimDevice(); Placement hil = open("hil", device, init, 16)) {
      Placement host = open("host-float", null, init, 16);
      int sameSummed = 0;
      for (int s = 0; s < 8; s++) {
        List<SpikeSample> one = List.of(DATA.train().sample(s));
        var fromHil = hil.train(one);
        var fromHost = host.train(one);
        sameSummed += fromHil.predictions(Readout.SUM)[0] == fromHost.predictions(Readout.SUM)[0]
            ? 1 : 0;
      }
      // the device's summed-output predictions follow the float trainer's (checked against the
      // float64 reference elsewhere) but for a flipped near-tie
      assertTrue(sameSummed >= 7, "summed predictions agree on " + sameSummed + " of 8");
      double[] a = hil.parameters().tensor(WeightTensor.OUT_W).values();
      double[] b = host.parameters().tensor(WeightTensor.OUT_W).values();
      double[] a0 = init.tensor(WeightTensor.OUT_W).values();
      double diff = 0;
      double moved = 0;
      for (int i = 0; i < a.length; i++) {
        diff += (a[i] - b[i]) * (a[i] - b[i]);
        moved += (b[i] - a0[i]) * (b[i] - a0[i]);
      }
      // The runs differ by the 16-bit forward pass (a few flipped spikes) and float64 vs float32
      // Adam: after 200 steps their W_out changes differ by 12 % of the change (bound 20 %).
      assertTrue(moved > 0);
      assertTrue(Math.sqrt(diff / moved) < 0.2, "hil vs host-float: |diff| / |change| = "
          + Math.sqrt(diff / moved));
    }
  }

  @Test
  void engineGradientAgreesWithFloatTbptt1Gradient() {
    SnnParameters init = init(true);
    PlacementSettings s = new PlacementSettings(16, 8, 64, 8, 1e-9, 0.9, 0.999, 1e-8, 1, 5);
    TargetMapping mapping = new Sl1Mapper().map(init, s.mappingOptions(), Map.of());
    try (SimDevice device = new SimDevice()) {
      mapping.loadInto(device);
      Sl1Device.enableLearning(device,
          Sl1OnChipLearning.learningConfig(mapping, s.learningOptions()));
      Sl1ReadoutGradient floatGradient = new Sl1ReadoutGradient(mapping, new double[0]);
      double[] wOut = new double[CLASSES * 16];
      int[] w = device.readWeights(WeightTensor.OUT_W);
      double outLsb = mapping.tensors().stream()
          .filter(t -> t.name().equals(WeightTensor.OUT_W)).findFirst().orElseThrow().lsb();
      for (int i = 0; i < w.length; i++) {
        wOut[i] = w[i] * outLsb;
      }
      SpikeSample sample = DATA.train().sample(1);
      int[] zPrev = new int[0];
      int compared = 0;
      for (int t = 0; t < STEPS; t++) {
        int[] x = sample.spikesAt(t);
        StepResult r = device.step(new SpikeFrame(x, sample.label()), ReadoutLevel.FULL);
        floatGradient.compute(x, zPrev, r, wOut, sample.label());
        zPrev = r.spikes()[0];
        LearningEngine engine = device.learningEngine();
        int[] e = engine.lastOutputError();
        for (int k = 0; k < CLASSES; k++) {
          assertEquals(floatGradient.outputError()[k], e[k] / 32768.0, 2e-3);
        }
        double[] expected = floatGradient.delta();
        int[] d = engine.lastDelta();
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < d.length; j++) {
          double v = Math.scalb((double) d[j], engine.lastDeltaExp());
          dot += v * expected[j];
          na += v * v;
          nb += expected[j] * expected[j];
        }
        if (nb > 1e-12) {
          compared++;
          // Bounds: Q0.15 error, a 1/16-threshold surrogate table, int16 delta.
          assertTrue(dot / Math.sqrt(na * nb) > 0.98, "step " + t + " cosine "
              + dot / Math.sqrt(na * nb));
          assertEquals(1.0, Math.sqrt(na / nb), 0.1, "step " + t + " norm ratio");
        }
      }
      assertTrue(compared > 5, "only " + compared + " steps with a hidden gradient");
    }
  }

  @Test
  void sameSeedGivesTheSameBitsOnChipAndNearChip() {
    for (String name : List.of("on-chip", "near-chip")) {
      int[][] a = trainedWeights(name);
      int[][] b = trainedWeights(name);
      assertTrue(java.util.Arrays.deepEquals(a, b), name);
    }
  }

  private static int[][] trainedWeights(String name) {
    try (SimDevice device = new SimDevice()) {
      return trainedWeights(name, device);
    }
  }

  private static int[][] trainedWeights(String name, Device device) {
    try (Placement p = open(name, device, init(true), 8)) {
      for (int s = 0; s < 4; s++) {
        p.train(List.of(DATA.train().sample(s)));
      }
      return device.config().tensors().stream().map(t -> device.readWeights(t.name()))
          .toArray(int[][]::new);
    }
  }

  @Test
  void onChipLearningThroughRemoteGivesTheSameBitsAsInProcess() {
    int[][] local = trainedWeights("on-chip");
    try (SimDevice served = new SimDevice();
         DeviceServer server = DeviceServer.start(served, ServerOptions.loopback(0));
         Device remote = Devices.open("remote://127.0.0.1:" + server.port())) {
      assertTrue(remote.info().has(Capability.ON_CHIP_LEARNING));
      int[][] viaWire = trainedWeights("on-chip", remote);
      assertTrue(java.util.Arrays.deepEquals(local, viaWire));
      assertTrue(remote.telemetry().learningUpdates() > 0);
      Sl1Device.disableLearning(remote);
    }
  }

  @Test
  void onChipOnADeviceWithoutLearningNamesDeviceAndCapability() {
    try (Device device = new ForwardOnly(new SimDevice())) {
      UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
          () -> open("on-chip", device, init(false), 8));
      assertTrue(e.getMessage().contains("forward-only")
          && e.getMessage().contains("on-chip-learning"), e.getMessage());
    }
  }

  /** A device that can run the forward pass and nothing else. */
  private static final class ForwardOnly extends ForwardingDevice {
    ForwardOnly(SimDevice sim) {
      super(sim);
    }

    @Override
    public DeviceInfo info() {
      DeviceInfo i = delegate().info();
      return i.withName("forward-only").withCapabilities(Set.of(Capability.FORWARD));
    }

    @Override
    public <T> java.util.Optional<T> extension(Class<T> type) {
      return java.util.Optional.empty();
    }
  }
}
