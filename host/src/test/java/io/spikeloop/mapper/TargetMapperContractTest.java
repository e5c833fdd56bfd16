package io.spikeloop.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.train.Readout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mapper contract, written once and run for every target with a mapper: found by its
 * target's id; mapped integers stand for the float values within half an LSB and map again to
 * themselves; a device loaded with them reads back the same float parameters; what cannot map is
 * refused naming the part; the chip's float model follows the device; the backward has a
 * gradient for every mapped tensor.
 */
class TargetMapperContractTest {
  static final int INPUTS = 20;
  static final int HIDDEN = 16;
  static final int OUTPUTS = 4;

  /** The device each target is checked on. */
  static String deviceOf(String target) {
    return target.equals("sl1") ? "sim" : "sim:" + target;
  }

  static SnnParameters model(boolean recurrent, long seed) {
    return SnnParameters.initialise(SnnConfig.of(INPUTS, List.of(HIDDEN), recurrent, OUTPUTS,
        1, 20, 20), seed);
  }

  static MappingOptions options() {
    return MappingOptions.builder().membraneBits(16).outputBits(16).build();
  }

  static InMemoryDataset randomData(int samples, int steps, double rate, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<SpikeSample> list = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      int[] offsets = new int[steps + 1];
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        for (int i = 0; i < INPUTS; i++) {
          if (rnd.nextDouble() < rate) {
            ids.add(i);
          }
        }
        offsets[t + 1] = ids.size();
      }
      list.add(new SpikeSample(s % OUTPUTS, offsets,
          ids.stream().mapToInt(Integer::intValue).toArray(), -1));
    }
    return new InMemoryDataset("random", INPUTS, OUTPUTS, steps, list);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void foundByTargetId(String target) {
    assertEquals(target, TargetMappers.forTarget(target).targetId());
    try (Device device = Devices.open(deviceOf(target))) {
      assertEquals(target, TargetMappers.forDevice(device).targetId());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TargetMappers.forTarget("nosuchchip"));
    assertTrue(e.getMessage().contains("nosuchchip") && e.getMessage().contains("sl1"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void roundTripWithinHalfAnLsbAndIdempotent(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    for (boolean recurrent : new boolean[] {true, false}) {
      SnnParameters p = model(recurrent, 3);
      TargetMapping m = mapper.map(p, options(), Map.of());
      assertEquals(target, m.targetId());
      SnnParameters back = m.floatParameters();
      for (MappedTensor t : m.tensors()) {
        assertEquals(0, t.clipped(), t.name());
        double[] a = p.tensor(t.floatTensor()).values();
        double[] b = back.tensor(t.floatTensor()).values();
        for (int i = 0; i < a.length; i++) {
          assertTrue(Math.abs(a[i] - b[i]) <= t.lsb() / 2 + 1e-12, t.name() + "[" + i + "]");
        }
      }
      TargetMapping again = mapper.map(back, options(), Map.of());
      for (MappedTensor t : m.tensors()) {
        assertArrayEquals(t.values(), again.tensor(t.name()).values(), t.name());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void deviceReadsBackTheSameFloatParameters(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    try (Device device = Devices.open(deviceOf(target))) {
      SnnParameters p = model(true, 4);
      TargetMapping m = mapper.map(p, options(), device.info().limits());
      m.loadInto(device);
      assertEquals(0, m.floatParameters().maxAbsDifference(m.floatParameters(device)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void refusesWhatCannotMapNamingIt(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    SnnParameters wide = SnnParameters.initialise(SnnConfig.of(300, List.of(HIDDEN), true,
        OUTPUTS, 1, 20, 20), 1);
    Map<String, Long> limits = target.equals("sl1")
        ? CoreLimits.builder().maxInputs(256).build().toNames() : Map.of();
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> mapper.map(wide, options(), limits));
    assertTrue(e.getMessage().contains("inputs") && e.getMessage().contains("300"),
        e.getMessage());
    assertThrows(RuntimeException.class, () -> mapper.map(model(true, 1),
        MappingOptions.builder().weightBits(1).build(), Map.of()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void chipFloatModelFollowsTheDevice(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    SnnParameters p = model(true, 5);
    // larger weights so that the hidden layer spikes
    for (var t : p.tensors()) {
      double[] v = t.values();
      for (int i = 0; i < v.length; i++) {
        v[i] *= 4;
      }
    }
    try (Device device = Devices.open(deviceOf(target))) {
      TargetMapping m = mapper.map(p, options(), device.info().limits());
      ChipComparison.Result r = ChipComparison.run(mapper, m, p, device,
          randomData(6, 40, 0.2, 9), Readout.LAST, 0, done -> { });
      assertTrue(r.deviceSpikesPerSample() > 10, "spikes " + r.deviceSpikesPerSample());
      // rounding and saturation only: the chip's float model stays close to the chip
      assertTrue(r.spikeDisagreement() < 0.05, "spike disagreement " + r.spikeDisagreement());
      assertTrue(r.meanAbsOutputDifference() < 0.1 * r.meanAbsOutput() + 1e-3,
          "output difference " + r.meanAbsOutputDifference() + " vs |o| " + r.meanAbsOutput());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void backwardHasAGradientForEveryMappedTensor(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    SnnParameters p = model(true, 6);
    try (Device device = Devices.open(deviceOf(target))) {
      TargetMapping m = mapper.map(p, options(), device.info().limits());
      m.loadInto(device);
      ChipBackward backward = mapper.backward(m, p.wOut().clone());
      backward.startSample();
      SpikeSample sample = randomData(1, 10, 0.3, 2).sample(0);
      int withGradient = 0;
      for (int t = 0; t < sample.steps(); t++) {
        int[] x = sample.spikesAt(t);
        StepResult r = device.step(new SpikeFrame(x), ReadoutLevel.FULL);
        double loss = backward.step(x, r, sample.label());
        if (!Double.isNaN(loss)) {
          withGradient++;
          assertTrue(loss > 0 && Double.isFinite(loss), "loss " + loss);
          for (MappedTensor tensor : m.tensors()) {
            assertEquals(tensor.values().length, backward.gradient(tensor.name()).length,
                tensor.name());
          }
        }
      }
      assertTrue(withGradient >= sample.steps() - 2, "steps with a gradient: " + withGradient);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void evaluationReportsTheCommonFieldsAndNamesEveryTensor(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    SnnParameters p = model(true, 7);
    try (Device device = Devices.open(deviceOf(target))) {
      TargetMapping m = mapper.map(p, options(), device.info().limits());
      int[] done = {0};
      EvaluationReport r = mapper.evaluate(m, options(), p, device, randomData(5, 20, 0.2, 4),
          Readout.LAST, 3, n -> done[0] = n);
      assertEquals(3, r.samples());
      assertEquals(3, done[0], "progress reaches the last sample");
      var f = r.fields();
      assertEquals(3, f.get("samples").asInt());
      for (String name : List.of("floatAccuracy", "fixedAccuracy", "predictionAgreement")) {
        double v = f.get(name).asDouble(-1);
        assertTrue(v >= 0 && v <= 1, name + " = " + v);
      }
      for (String name : List.of("sopsPerSample", "cyclesPerSample", "energyJoulesPerSample",
          "clipped")) {
        assertTrue(f.has(name) && f.get(name).asDouble() >= 0, name + " in " + f);
      }
      String text = String.join("\n", r.lines());
      for (MappedTensor t : m.tensors()) {
        assertTrue(text.contains(t.name()), t.name() + " in " + text);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void nearChipPlanCoversEveryTensorAndItsCheckpointsRoundTripOrAreRefused(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    TargetMapping m = mapper.map(model(true, 8), options(), Map.of());
    LearningOptions lo = new LearningOptions(1e-3, 0.9, 0.999, 1e-8, 8, 64, 8, 1);
    NearChipLearning plan = mapper.nearChipLearning(m, lo);
    List<NearChipLearning.TensorState> states = new ArrayList<>();
    for (int i = 0; i < m.tensors().size(); i++) {
      NearChipLearning.Tensor t = plan.tensors().get(i);
      assertEquals(m.tensors().get(i).name(), t.name());
      assertTrue(t.adam().lrQ16() > 0 && t.shift() >= 0, t.toString());
      int length = m.tensors().get(i).values().length;
      int[] masters = new int[length];
      java.util.Arrays.fill(masters, 3 + i);
      states.add(new NearChipLearning.TensorState(io.spikeloop.sim.learning.QuantizedAdamState
          .initial(t.adam(), length, 5 + i), masters));
    }
    if (target.equals("sl1")) {
      List<NearChipLearning.TensorState> back = plan.decodeState(plan.encodeState(states),
          states);
      for (int i = 0; i < states.size(); i++) {
        assertArrayEquals(states.get(i).masters(), back.get(i).masters());
        assertEquals(states.get(i).adam().rngState(), back.get(i).adam().rngState());
      }
    } else {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> plan.encodeState(states));
      assertTrue(e.getMessage().contains("target " + target + " has none"), e.getMessage());
    }
  }

  /**
   * A sample whose early evidence says class 0 and whose last steps say class 1: input 0 spikes
   * in the first half, input 1 in the last three steps, each drives its own hidden neuron and that
   * neuron its own output, and the output leaks fast. Summed over the steps the outputs say 0, at
   * the last step 1: every model of the evaluation (float, chip, device) reads its class by the
   * readout given, as the model was trained.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sl1", "reckon"})
  void evaluationReadsTheClassByTheGivenReadout(String target) {
    TargetMapper mapper = TargetMappers.forTarget(target);
    SnnParameters p = SnnParameters.initialise(SnnConfig.of(INPUTS, List.of(HIDDEN), true,
        OUTPUTS, 1, 20, 2), 1);
    for (var t : p.tensors()) {
      Arrays.fill(t.values(), 0);
    }
    p.wIn(0)[0 * INPUTS + 0] = 1.5;                      // input 0 -> hidden 0
    p.wIn(0)[1 * INPUTS + 1] = 1.5;                      // input 1 -> hidden 1
    p.wOut()[0 * HIDDEN + 0] = 1;                        // hidden 0 -> output 0
    p.wOut()[1 * HIDDEN + 1] = 1;                        // hidden 1 -> output 1
    int steps = 20;
    int[] offsets = new int[steps + 1];
    List<Integer> ids = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      if (t < 10) {
        ids.add(0);
      }
      if (t >= steps - 3) {
        ids.add(1);
      }
      offsets[t + 1] = ids.size();
    }
    InMemoryDataset data = new InMemoryDataset("early 0, late 1", INPUTS, OUTPUTS, steps,
        List.of(new SpikeSample(0, offsets, ids.stream().mapToInt(Integer::intValue).toArray(),
            -1)));
    try (Device device = Devices.open(deviceOf(target))) {
      TargetMapping m = mapper.map(p, options(), device.info().limits());
      for (Readout readout : Readout.values()) {
        var f = mapper.evaluate(m, options(), p, device, data, readout, 0, n -> { }).fields();
        double expected = readout == Readout.SUM ? 1 : 0;
        for (String name : List.of("floatAccuracy", "fixedAccuracy")) {
          assertEquals(expected, f.get(name).asDouble(), target + " " + readout + " " + name
              + ": " + f);
        }
        if (f.has("chipModelAccuracy")) {
          assertEquals(expected, f.get("chipModelAccuracy").asDouble(), readout + ": " + f);
        }
      }
    }
  }
}
