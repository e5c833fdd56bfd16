package io.spikeloop.placement;

import static io.spikeloop.placement.PlacementContractTest.CLASSES;
import static io.spikeloop.placement.PlacementContractTest.DATA;
import static io.spikeloop.placement.PlacementContractTest.LR;
import static io.spikeloop.placement.PlacementContractTest.STEPS;
import static io.spikeloop.placement.PlacementContractTest.init;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.mapper.sl1.Sl1OnChipLearning;
import io.spikeloop.mapper.sl1.Sl1ReadoutEprop;
import io.spikeloop.mapper.sl1.Sl1ReadoutGradient;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.train.EpropTrainer;
import io.spikeloop.train.Readout;
import io.spikeloop.train.TrainingLoop;
import io.spikeloop.train.TrainingObjective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * e-prop beside the chip (hil, near-chip): the learner's float traces from SL-1's readout
 * ({@link Sl1ReadoutEprop}) against tBPTT1's readout gradient, the float host trainer's e-prop and
 * the integer engine's e-prop; and every device placement learns with it.
 */
class ReadoutEpropTest {

  private static PlacementSettings eprop(int weightBits, double lr) {
    return new PlacementSettings(weightBits, 8, 64, 8, lr, 0.9, 0.999, 1e-8, 16, 5,
        LearningOptions.EPROP);
  }

  @Test
  void withoutLeaksItIsTbptt1sGradient() {
    SnnParameters p = SnnParameters.initialise(new SnnConfig(PlacementContractTest.CHANNELS,
        List.of(16), true, CLASSES, 0, 0, 1, Surrogate.DEFAULT), 3);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 3;                                  // so that the hidden layer spikes
      }
    }
    TargetMapping mapping = new Sl1Mapper().map(p, eprop(16, LR).mappingOptions(), Map.of());
    double[] wOut = p.wOut().clone();
    Sl1ReadoutEprop eprop = new Sl1ReadoutEprop(mapping, wOut);
    Sl1ReadoutGradient tbptt1 = new Sl1ReadoutGradient(mapping, wOut);
    try (SimDevice device = new SimDevice()) {
      mapping.loadInto(device);
      SpikeSample sample = DATA.train().sample(2);
      eprop.startSample();
      tbptt1.startSample();
      int spikes = 0;
      for (int t = 0; t < STEPS; t++) {
        int[] x = sample.spikesAt(t);
        StepResult r = device.step(new SpikeFrame(x), ReadoutLevel.FULL);
        spikes += r.spikes()[0].length;
        assertEquals(tbptt1.step(x, r, sample.label()), eprop.step(x, r, sample.label()), 1e-12);
        for (var tensor : mapping.tensors()) {
          double[] a = tbptt1.gradient(tensor.name());
          double[] b = eprop.gradient(tensor.name());
          for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-12, tensor.name() + "[" + i + "] at step " + t);
          }
        }
      }
      assertTrue(spikes > 20, "hidden spikes: " + spikes);
    }
  }

  @Test
  void hilEpropWithSixteenBitWeightsTracksHostFloatEprop() {
    SnnParameters init = init(true);
    try (SimDevice device = new SimDevice();
         Placement hil = Placements.onDevice("hil", device, init, eprop(16, LR));
         Placement host = new HostFloatPlacement(new EpropTrainer(init,
             new OptimizerSpec.Adam(LR, 0.9, 0.999, 1e-8), 1, TrainingObjective.PLAIN, null))) {
      for (int s = 0; s < 8; s++) {
        List<SpikeSample> one = List.of(DATA.train().sample(s));
        hil.train(one);
        host.train(one);
      }
      // The runs differ by the 16-bit forward pass and float64 vs float32: measured 0.03 % of the
      // change on W_out (bound 2 %); traces left unfiltered by kappa give 26 %.
      for (String name : List.of(WeightTensor.OUT_W, "layer0.in", "layer0.rec")) {
        double[] a = hil.parameters().tensor(name).values();
        double[] b = host.parameters().tensor(name).values();
        double[] a0 = init.tensor(name).values();
        double diff = 0;
        double moved = 0;
        for (int i = 0; i < a.length; i++) {
          diff += (a[i] - b[i]) * (a[i] - b[i]);
          moved += (b[i] - a0[i]) * (b[i] - a0[i]);
        }
        assertTrue(moved > 0, name);
        assertTrue(Math.sqrt(diff / moved) < 0.02, name + ": hil e-prop vs host-float e-prop "
            + "|diff| / |change| = " + Math.sqrt(diff / moved));
      }
    }
  }

  @Test
  void engineEligibilityAgreesWithTheFloatTracesFromTheReadout() {
    SnnParameters init = init(true);
    PlacementSettings s = eprop(16, 1e-9);
    TargetMapping mapping = new Sl1Mapper().map(init, s.mappingOptions(), Map.of());
    try (SimDevice device = new SimDevice()) {
      mapping.loadInto(device);
      LearningConfig config = Sl1OnChipLearning.learningConfig(mapping, s.learningOptions(),
          LearningRule.EPROP);
      Sl1Device.enableLearning(device, config);
      Sl1ReadoutEprop floatTraces = new Sl1ReadoutEprop(mapping, init.wOut().clone());
      floatTraces.startSample();
      SpikeSample sample = DATA.train().sample(1);
      int compared = 0;
      for (int t = 0; t < STEPS; t++) {
        int[] x = sample.spikesAt(t);
        StepResult r = device.step(new SpikeFrame(x, sample.label()), ReadoutLevel.FULL);
        floatTraces.step(x, r, sample.label());
        for (String name : List.of("layer0.in", "layer0.rec")) {
          short[] engine = device.learningEngine().eligibilityTrace(name);
          double[] expected = floatTraces.eligibility(name);
          double lsb = Math.scalb(1.0, config.traceShift() - 28);   // docs/learning-engine.md 11
          double dot = 0;
          double na = 0;
          double nb = 0;
          for (int i = 0; i < engine.length; i++) {
            double v = engine[i] * lsb;
            dot += v * expected[i];
            na += v * v;
            nb += expected[i] * expected[i];
          }
          if (nb > 1e-6) {
            compared++;
            // Bounds: the surrogate table (1/16 threshold steps), int16 traces, Q0.12 decays.
            assertTrue(dot / Math.sqrt(na * nb) > 0.98, name + " step " + t + " cosine "
                + dot / Math.sqrt(na * nb));
            assertEquals(1.0, Math.sqrt(na / nb), 0.1, name + " step " + t + " norm ratio");
          }
        }
      }
      assertTrue(compared > 20, "only " + compared + " comparisons with a trace");
    }
  }

  @Test
  void aTargetWithoutItRefusesEpropBesideTheChipNamingIt() {
    SnnParameters small = SnnParameters.initialise(SnnConfig.of(PlacementContractTest.CHANNELS,
        List.of(16), true, CLASSES, 1, 20, 20), 3);
    for (String name : List.of("hil", "near-chip")) {
      try (Device reckon = Devices.open("sim:reckon")) {
        MappingRefusedException e = assertThrows(MappingRefusedException.class,
            () -> Placements.onDevice(name, reckon, small, eprop(8, LR)));
        assertTrue(e.getMessage().contains("reckon") && e.getMessage().contains("e-prop beside "
            + "the chip"), e.getMessage());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hil", "near-chip", "on-chip"})
  void everyDevicePlacementLearnsWithEprop(String name) {
    try (SimDevice device = new SimDevice();
         Placement p = Placements.onDevice(name, device, init(true), eprop(8, LR))) {
      TrainingLoop.Result r = TrainingLoop.run(p, DATA,
          new TrainingLoop.Settings(3, 1, 7, Readout.LAST), new TrainingLoop.Listener() { });
      assertTrue(r.bestTestAccuracy() >= 0.6, name + " e-prop: test accuracy "
          + r.bestTestAccuracy() + " (chance 0.25)");
      if (!name.equals("on-chip")) {
        assertTrue(p.memoryReport().contains("e-prop traces"), p.memoryReport());
      }
    }
  }
}
