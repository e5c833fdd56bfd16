package io.spikeloop.hil.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StoredSample;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.diff.LockstepDiff;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.golden.CoreVector;
import io.spikeloop.target.Equivalence;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DesignRule;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.TargetNetwork;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonTarget;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.target.sl1.Sl1Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link Device} must do, whatever it runs on. A subclass supplies
 * {@link #openDevice()}; the suite decides what to test from the device's
 * {@link DeviceInfo#limits()} and {@link DeviceInfo#capabilities()} and skips, with a message,
 * what the device cannot do. Every test opens its own device and closes it.
 */
public abstract class DeviceContractSuite {

  /** Opens a fresh device (not configured). Called once per test, sometimes twice. */
  protected abstract Device openDevice();

  /** Steps of the behaviour tests. */
  private static final int STEPS = 24;

  private final List<Device> opened = new ArrayList<>();
  private Device device;

  @BeforeEach
  void openTheDevice() {
    device = open();
  }

  @AfterEach
  void closeDevices() {
    for (Device d : opened) {
      try {
        d.close();
      } catch (RuntimeException alreadyClosed) {
        // a test may have closed it itself
      }
    }
  }

  private Device open() {
    Device d = openDevice();
    opened.add(d);
    return d;
  }

  // ------------------------------------------------------------------------------------------
  // The test network: 8 inputs -> 6 recurrent LIF -> 4 LIF -> 3 outputs, seeded weights
  // ------------------------------------------------------------------------------------------

  private static NetworkConfig testNetwork() {
    return new NetworkConfig(8, List.of(
        new LayerConfig(6, true, 8, 0, 16, 64, 3800, 8),
        new LayerConfig(4, false, 8, 1, 16, 64, 4096, 6)),
        new OutputConfig(3, 8, 0, 16, 3900));
  }

  /** ReckOn's test network: 8 inputs -> 6 recurrent LIF -> 3 outputs (docs/reckon.md). */
  private static ReckonNetwork reckonTestNetwork() {
    return ReckonNetwork.builder(8, 6, 3).weightShifts(4, 3, 2).alpha(0x7800).threshold(600)
        .kappa(0x70).build();
  }

  /** The contract's test network in the device's target, with its seeded weights loaded. */
  private static TargetNetwork loadAny(Device d) {
    if (!ReckonTarget.ID.equals(d.info().target())) {
      return load(d);
    }
    ReckonNetwork net = reckonTestNetwork();
    d.configure(net);
    for (WeightTensor t : net.tensors()) {
      d.writeWeights(t.name(), weightsFor(t, 1));
    }
    return net;
  }

  /** Skips a test written in SL-1's terms (its networks, counters, learning engine). */
  private static void assumeSl1(Device d, String why) {
    assumeTrue(Sl1Target.ID.equals(d.info().target()), "SL-1 only (" + why + "); "
        + d.info().name() + " is target " + d.info().target());
  }

  private static long hiddenSpikes(List<StepResult> results) {
    return results.stream().filter(r -> r.spikes() != null)
        .mapToLong(r -> Arrays.stream(r.spikes()).mapToLong(s -> s.length).sum()).sum();
  }

  private static int[] weightsFor(WeightTensor t, long seed) {
    Random r = new Random(seed * 31 + t.name().hashCode());
    int[] w = new int[t.length()];
    for (int i = 0; i < w.length; i++) {
      w[i] = t.cols() == 1 ? r.nextInt(21) - 5 : r.nextInt(121) - 40;
    }
    return w;
  }

  private static List<SpikeFrame> testInputs(long seed, int steps) {
    Random r = new Random(seed);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      int[] ids = new int[8];
      int n = 0;
      for (int i = 0; i < 8; i++) {
        if (r.nextDouble() < 0.4) {
          ids[n++] = i;
        }
      }
      frames.add(new SpikeFrame(Arrays.copyOf(ids, n)));
    }
    return frames;
  }

  /** Configures {@code d} with the test network and its weights (skips if it does not fit). */
  private static NetworkConfig load(Device d) {
    assumeSl1(d, "the test is written on SL-1's test network");
    NetworkConfig net = testNetwork();
    assumeFits(d, net, "the contract's test network");
    d.configure(net);
    for (WeightTensor t : net.tensors()) {
      d.writeWeights(t.name(), weightsFor(t, 1));
    }
    return net;
  }

  private static void assumeFits(Device d, NetworkConfig net, String what) {
    try {
      DesignRule.check(net, CoreLimits.fromNames(d.info().limits()));
    } catch (DesignRuleViolation v) {
      Assumptions.abort(what + " does not fit device " + d.info().name() + ": " + v.getMessage());
    }
  }

  private static ReadoutLevel richest(Device d) {
    return d.info().has(Capability.MEMBRANE_READOUT) ? ReadoutLevel.FULL : ReadoutLevel.SPIKES;
  }

  private static List<StepResult> runAll(Device d, List<SpikeFrame> frames, ReadoutLevel level) {
    List<StepResult> out = new ArrayList<>();
    for (SpikeFrame f : frames) {
      out.add(d.step(f, level));
    }
    return out;
  }

  /** Same spikes, membranes (where both have them) and outputs, step by step. */
  /**
   * Two runs behave the same within the device's target equivalence: bit for bit (outputs, SOPs,
   * spikes, membranes) for a bit-exact target, else every output within the tolerance and the
   * spike disagreement rate within its bound.
   */
  private void assertSameBehaviour(List<StepResult> expected, List<StepResult> actual,
                                   String what) {
    assertEquals(expected.size(), actual.size(), what + ": steps");
    Equivalence equivalence = device.target().equivalence();
    if (!equivalence.bitExact()) {
      long neuronsPerStep = Arrays.stream(device.config().hiddenLayerSizes()).asLongStream().sum();
      assertWithinTolerance(expected, actual, equivalence, neuronsPerStep, what);
      return;
    }
    for (int t = 0; t < expected.size(); t++) {
      StepResult e = expected.get(t);
      StepResult a = actual.get(t);
      assertArrayEquals(e.outputs(), a.outputs(), what + ": outputs at step " + t);
      assertEquals(e.sops(), a.sops(), what + ": sops at step " + t);
      if (e.spikes() != null && a.spikes() != null) {
        assertArrayEquals(e.spikes(), a.spikes(), what + ": spikes at step " + t);
      }
      if (e.membranes() != null && a.membranes() != null) {
        assertArrayEquals(e.membranes(), a.membranes(), what + ": membranes at step " + t);
      }
    }
  }

  private static void assertWithinTolerance(List<StepResult> expected, List<StepResult> actual,
                                            Equivalence equivalence, long neuronsPerStep,
                                            String what) {
    long disagreeing = 0;
    long neuronSteps = 0;
    for (int t = 0; t < expected.size(); t++) {
      int[] e = expected.get(t).outputs();
      int[] a = actual.get(t).outputs();
      assertEquals(e.length, a.length, what + ": outputs at step " + t);
      for (int k = 0; k < e.length; k++) {
        assertTrue(equivalence.outputsAgree(e[k], a[k]), what + ": output " + k + " at step " + t
            + ": " + e[k] + " vs " + a[k] + " beyond " + equivalence);
      }
      if (expected.get(t).spikes() != null && actual.get(t).spikes() != null) {
        disagreeing += LockstepDiff.spikeDisagreements(expected.get(t), actual.get(t));
        neuronSteps += neuronsPerStep;
      }
    }
    assertTrue(neuronSteps == 0 || equivalence.spikesAgree(disagreeing, neuronSteps),
        what + ": " + disagreeing + " of " + neuronSteps + " neuron-steps disagree, beyond "
            + equivalence);
  }

  // ------------------------------------------------------------------------------------------
  // Identity and configuration
  // ------------------------------------------------------------------------------------------

  @Test
  void infoDescribesTheDevice() {
    DeviceInfo info = device.info();
    assertFalse(info.name().isBlank(), "name");
    assertFalse(info.kind().isBlank(), "kind");
    assertEquals(DeviceInfo.PROTOCOL_VERSION, info.protocolVersion());
    assertTrue(info.has(Capability.FORWARD), "every device runs the forward pass");
    if (info.has(Capability.CYCLE_MODEL)) {
      assertTrue(info.clockHz() > 0, "a cycle model needs a clock, got " + info.clockHz());
    }
    assertTrue(info.stepPeriodSeconds() >= 0);
  }

  @Test
  void configureLoadsZeroWeightsAndClearsTelemetry() {
    TargetNetwork net = loadAny(device);
    device.step(new SpikeFrame(0, 1, 2), ReadoutLevel.OUTPUTS);
    assertTrue(device.telemetry().steps() > 0);

    device.configure(net);
    assertEquals(net, device.config());
    assertEquals(0, device.telemetry().steps(), "configure clears telemetry");
    assertEquals(0, device.telemetry().sops());
    if (device.info().has(Capability.WEIGHT_READBACK)) {
      for (WeightTensor t : net.tensors()) {
        assertArrayEquals(new int[t.length()], device.readWeights(t.name()),
            t.name() + " is zero after configure");
      }
    }
    StepResult r = device.step(new SpikeFrame(0, 1, 2, 3), ReadoutLevel.SPIKES);
    assertEquals(0, r.step());
    assertArrayEquals(new int[3], r.outputs(), "zero weights give zero outputs");
    assertEquals(0, hiddenSpikes(List.of(r)), "zero weights give no spikes");
  }

  @Test
  void weightsAreReadBackAsWritten() {
    assumeTrue(device.info().has(Capability.WEIGHT_READBACK), "device has no WEIGHT_READBACK");
    TargetNetwork net = loadAny(device);
    for (WeightTensor t : net.tensors()) {
      assertArrayEquals(weightsFor(t, 1), device.readWeights(t.name()), t.name());
    }
  }

  @Test
  void callsBeforeConfigureAreRefused() {
    assertThrows(IllegalStateException.class, () -> device.step(SpikeFrame.silent(),
        ReadoutLevel.OUTPUTS));
    assertThrows(IllegalStateException.class, () -> device.writeWeights("layer0.in", new int[1]));
    assertThrows(IllegalStateException.class, device::config);
    assertThrows(IllegalStateException.class, device::reset);
  }

  // ------------------------------------------------------------------------------------------
  // Design rules
  // ------------------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> designRulesRefuseNetworksThatDoNotFit() {
    assumeSl1(device, "SL-1's design rules; ReckOn's are ReckonTargetTest's");
    CoreLimits limits = CoreLimits.fromNames(device.info().limits());
    return Arrays.stream(DesignRule.values()).map(rule -> DynamicTest.dynamicTest(rule.id(), () -> {
      Optional<NetworkConfig> bad = breaking(rule, limits);
      assumeTrue(bad.isPresent(), "no network within the contract's ranges breaks only "
          + rule.id() + " on limits " + limits);
      // Dynamic tests share one @AfterEach, so each closes its own devices: a board has only a
      // few cores to open at once.
      try (Device d = open(); Device reference = open()) {
        NetworkConfig good = load(d);
        List<StepResult> before = runAll(d, testInputs(5, 3), ReadoutLevel.OUTPUTS);
        DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
            () -> d.configure(bad.get()));
        assertEquals(rule.id(), v.rule(), v.getMessage());
        assertTrue(v.getMessage().contains(rule.id()), v.getMessage());
        // The refusal happened before anything was loaded: the old network runs on unchanged.
        assertEquals(good, d.config());
        List<StepResult> after = runAll(d, testInputs(6, 3), ReadoutLevel.OUTPUTS);
        load(reference);
        runAll(reference, testInputs(5, 3), ReadoutLevel.OUTPUTS);
        assertSameBehaviour(runAll(reference, testInputs(6, 3), ReadoutLevel.OUTPUTS), after,
            "after a refused configure");
        assertEquals(3, before.size());
      }
    }));
  }

  /**
   * A network that breaks {@code rule} and no other rule of {@code limits}, or empty when none
   * can be built within the contract's value ranges (e.g. widths already at their maximum).
   */
  static Optional<NetworkConfig> breaking(DesignRule rule, CoreLimits lim) {
    for (Supplier<NetworkConfig> candidate : candidates(rule, lim)) {
      NetworkConfig net;
      try {
        net = candidate.get();
      } catch (IllegalArgumentException outsideTheContractRanges) {
        continue;
      }
      if (breaksOnly(rule, net, lim)) {
        return Optional.of(net);
      }
    }
    return Optional.empty();
  }

  private static List<Supplier<NetworkConfig>> candidates(DesignRule rule, CoreLimits lim) {
    return switch (rule) {
      case INPUTS -> List.of(() -> chain(lim.maxInputs() + 1, new int[] {1}, false, 2, 16, 1, 16));
      case LAYERS -> List.of(() -> chain(1, ones(lim.maxLayers() + 1), false, 2, 16, 1, 16));
      case NEURONS_PER_LAYER -> List.of(
          () -> chain(1, new int[] {lim.maxNeuronsPerLayer() + 1}, false, 2, 16, 1, 16));
      case NEURONS -> List.of(() -> {
        int per = lim.maxNeuronsPerLayer();
        int hidden = lim.maxNeurons(); // plus one output neuron: one too many
        int layers = (hidden + per - 1) / per;
        int[] sizes = new int[layers];
        for (int l = 0; l < layers; l++) {
          sizes[l] = Math.min(per, hidden - l * per);
        }
        return chain(1, sizes, false, 2, 16, 1, 16);
      });
      case OUTPUTS -> List.of(() -> chain(1, new int[] {1}, false, 2, 16, lim.maxOutputs() + 1, 16));
      case FAN_IN -> List.of(
          () -> chain(lim.maxFanIn() + 1, new int[] {1}, false, 2, 16, 1, 16),
          () -> {
            int inputs = Math.min(lim.maxInputs(), lim.maxFanIn());
            return chain(inputs, new int[] {lim.maxFanIn() + 1 - inputs}, true, 2, 16, 1, 16);
          },
          () -> chain(1, new int[] {lim.maxFanIn() + 1}, false, 2, 16, 1, 16));
      case WEIGHT_BITS -> List.of(
          () -> chain(1, new int[] {1}, false, lim.maxWeightBits() + 1, 16, 1, 16));
      case MEMBRANE_BITS -> List.of(
          () -> chain(1, new int[] {1}, false, 2, lim.maxMembraneBits() + 1, 1, 16));
      case OUTPUT_BITS -> List.of(
          () -> chain(1, new int[] {1}, false, 2, 16, 1, lim.maxOutputBits() + 1));
      case SYNAPSE_MEMORY -> List.of(() -> {
        int inputs = Math.min(lim.maxInputs(), lim.maxFanIn());
        int size = Math.min(lim.maxNeuronsPerLayer(), lim.maxNeurons() - 1);
        return chain(inputs, new int[] {size}, false, lim.maxWeightBits(), lim.maxMembraneBits(),
            1, lim.maxOutputBits());
      });
    };
  }

  /** Whether {@code net} breaks {@code rule} and would fit if that rule's limit were lifted. */
  private static boolean breaksOnly(DesignRule rule, NetworkConfig net, CoreLimits lim) {
    try {
      DesignRule.check(net, lim);
      return false;
    } catch (DesignRuleViolation v) {
      if (!v.rule().equals(rule.id())) {
        return false;
      }
    }
    try {
      DesignRule.check(net, relaxed(rule, lim));
      return true;
    } catch (DesignRuleViolation other) {
      return false;
    }
  }

  private static int[] ones(int n) {
    int[] a = new int[n];
    Arrays.fill(a, 1);
    return a;
  }

  private static NetworkConfig chain(int inputs, int[] sizes, boolean recurrent, int wBits,
                                     int uBits, int outputs, int oBits) {
    List<LayerConfig> layers = new ArrayList<>();
    int fanIn = inputs;
    for (int size : sizes) {
      layers.add(new LayerConfig(size, recurrent, wBits, 0, uBits, 1, 4096, fanIn));
      fanIn = size;
    }
    return new NetworkConfig(inputs, layers, new OutputConfig(outputs, Math.min(wBits, 16), 0,
        oBits, 4096));
  }

  private static CoreLimits relaxed(DesignRule rule, CoreLimits l) {
    int big = Integer.MAX_VALUE;
    return new CoreLimits(
        rule == DesignRule.INPUTS ? big : l.maxInputs(),
        rule == DesignRule.LAYERS ? big : l.maxLayers(),
        rule == DesignRule.NEURONS_PER_LAYER ? big : l.maxNeuronsPerLayer(),
        rule == DesignRule.NEURONS ? big : l.maxNeurons(),
        rule == DesignRule.FAN_IN ? big : l.maxFanIn(),
        rule == DesignRule.WEIGHT_BITS ? 16 : l.maxWeightBits(),
        rule == DesignRule.MEMBRANE_BITS ? 32 : l.maxMembraneBits(),
        rule == DesignRule.OUTPUT_BITS ? 32 : l.maxOutputBits(),
        rule == DesignRule.SYNAPSE_MEMORY ? Long.MAX_VALUE : l.synapseMemoryBits(),
        rule == DesignRule.OUTPUTS ? big : l.maxOutputs());
  }

  // ------------------------------------------------------------------------------------------
  // Golden vectors
  // ------------------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> everyGoldenCoreVector() {
    assumeSl1(device, "the golden core vectors are SL-1's; ReckOn's reference is its RTL");
    List<Path> files = CoreVector.files(CoreVector.folder());
    assertFalse(files.isEmpty(), "no golden vectors in " + CoreVector.folder().toAbsolutePath());
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      CoreVector v = CoreVector.load(file);
      assumeFits(device, v.config(), "golden vector " + v.name());
      v.assertMatches(device);
    }));
  }

  // ------------------------------------------------------------------------------------------
  // Reset, state, readouts, telemetry
  // ------------------------------------------------------------------------------------------

  @Test
  void resetRestartsTheDynamicsButKeepsWeightsAndTelemetry() {
    loadAny(device);
    List<SpikeFrame> in = testInputs(2, STEPS);
    ReadoutLevel level = richest(device);
    List<StepResult> first = runAll(device, in, level);
    assertTrue(hiddenSpikes(first) > 0 || first.stream().anyMatch(r -> Arrays.stream(r.outputs())
        .anyMatch(o -> o != 0)), "the test network should be active");
    Telemetry afterFirst = device.telemetry();
    device.reset();
    assertEquals(afterFirst, device.telemetry(), "reset keeps telemetry");
    List<StepResult> second = runAll(device, in, level);
    assertSameBehaviour(first, second, "after reset");
    assertEquals(0, second.get(0).step(), "the step counter restarts");
    assertEquals(STEPS - 1, second.get(STEPS - 1).step());
    assertEquals(2L * STEPS, device.telemetry().steps());
  }

  @Test
  void stateRestoresBitExactly() {
    assumeTrue(device.info().has(Capability.SNAPSHOT), "device has no SNAPSHOT");
    load(device);
    List<SpikeFrame> in = testInputs(3, STEPS);
    ReadoutLevel level = richest(device);
    runAll(device, in.subList(0, 10), level);
    DeviceState snapshot = Sl1Device.state(device);
    assertEquals(10, snapshot.step());
    List<StepResult> tail = runAll(device, in.subList(10, STEPS), level);

    Sl1Device.restore(device, snapshot);
    assertEquals(snapshot, Sl1Device.state(device), "state after restore");
    assertSameBehaviour(tail, runAll(device, in.subList(10, STEPS), level), "after restore");

    Device other = open();
    load(other);
    Sl1Device.restore(other, snapshot);
    List<StepResult> elsewhere = runAll(other, in.subList(10, STEPS), level);
    assertSameBehaviour(tail, elsewhere, "restored into a second device");
    assertEquals(10, elsewhere.get(0).step(), "the step counter is part of the state");
  }

  @Test
  void badStateIsRefusedAndChangesNothing() {
    assumeTrue(device.info().has(Capability.SNAPSHOT), "device has no SNAPSHOT");
    load(device);
    runAll(device, testInputs(4, 5), ReadoutLevel.OUTPUTS);
    DeviceState good = Sl1Device.state(device);
    DeviceState wrongLayers = new DeviceState(0, new int[][] {new int[6]}, new byte[][] {new byte[6]},
        new int[3], Telemetry.ZERO);
    assertThrows(IllegalArgumentException.class, () -> Sl1Device.restore(device, wrongLayers));
    DeviceState wideMembrane = new DeviceState(0, new int[][] {{0, 0, 0, 0, 0, 1 << 20}, new int[4]},
        new byte[][] {new byte[6], new byte[4]}, new int[3], Telemetry.ZERO);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restore(device, wideMembrane));
    assertTrue(e.getMessage().contains(String.valueOf(1 << 20)), e.getMessage());
    assertEquals(good, Sl1Device.state(device));
  }

  @Test
  void readoutLevelsReturnWhatTheyPromise() {
    NetworkConfig net = load(device);
    List<SpikeFrame> in = testInputs(7, 6);
    List<List<StepResult>> perLevel = new ArrayList<>();
    for (ReadoutLevel level : ReadoutLevel.values()) {
      if (level == ReadoutLevel.FULL && !device.info().has(Capability.MEMBRANE_READOUT)) {
        continue;
      }
      device.reset();
      List<StepResult> results = runAll(device, in, level);
      for (StepResult r : results) {
        assertEquals(net.output().size(), r.outputs().length, level + ": outputs");
        if (level == ReadoutLevel.OUTPUTS) {
          assertNull(r.spikes(), "OUTPUTS carries no spikes");
        } else {
          assertNotNull(r.spikes(), level + " carries spikes");
          assertEquals(net.layers().size(), r.spikes().length);
        }
        if (level == ReadoutLevel.FULL) {
          assertNotNull(r.membranes(), "FULL carries membranes");
          for (int l = 0; l < net.layers().size(); l++) {
            assertEquals(net.layers().get(l).size(), r.membranes()[l].length);
          }
        } else {
          assertNull(r.membranes(), level + " carries no membranes");
        }
      }
      perLevel.add(results);
    }
    for (List<StepResult> results : perLevel) {
      assertSameBehaviour(perLevel.get(0), results, "readout level does not change results");
    }
  }

  @Test
  void runEqualsSteppingFrameByFrame() {
    loadAny(device);
    List<SpikeFrame> in = testInputs(8, STEPS);
    ReadoutLevel level = richest(device);
    List<StepResult> stepped = runAll(device, in, level);
    device.reset();
    assertSameBehaviour(stepped, device.run(in, level), "run(...)");
  }

  @Test
  void telemetryCountsWhatTheStepsReport() {
    NetworkConfig net = load(device);
    List<StepResult> results = runAll(device, testInputs(9, STEPS), ReadoutLevel.SPIKES);
    Telemetry t = device.telemetry();
    assertEquals(STEPS, t.steps());
    assertEquals(results.stream().mapToLong(StepResult::sops).sum(), t.sops());
    assertEquals(results.stream().mapToLong(r -> Arrays.stream(r.spikes())
        .mapToLong(s -> s.length).sum()).sum(), t.count(Sl1Target.HIDDEN_SPIKES));
    assertEquals((long) STEPS * net.totalNeurons(), t.count(Sl1Target.NEURON_UPDATES));
    assertEquals(results.stream().mapToLong(StepResult::fifoOverflows).sum(), t.fifoOverflows());
    assertEquals(results.stream().filter(StepResult::deadlineMiss).count(), t.deadlineMisses());
    if (device.info().has(Capability.CYCLE_MODEL)) {
      assertTrue(results.stream().allMatch(r -> r.cycles() > 0), "every step takes cycles");
      assertEquals(results.stream().mapToLong(StepResult::cycles).sum(), t.cycles());
    }
    if (device.info().has(Capability.ENERGY_MODEL)) {
      assertTrue(t.energyJoules() > 0, "energy model reports energy");
    }
    assertTrue(t.sops() > 0);
  }

  /**
   * The counters of the simulator are the reference: the same network and inputs give the same
   * steps, SOPs, neuron updates, hidden spikes and saturations on every device (cycles and
   * energy belong to each device's own model and are not compared). The network saturates its
   * 8-bit membranes and outputs so the saturation counter is exercised.
   */
  @Test
  void telemetryCountersEqualTheReferenceSimulators() {
    assumeSl1(device, "SL-1's reference simulators and learning engine");
    NetworkConfig net = new NetworkConfig(8, List.of(
        new LayerConfig(6, true, 8, 2, 8, 60, 4000, 8)),
        new OutputConfig(3, 8, 1, 8, 4000));
    assumeFits(device, net, "the saturating network");
    List<SpikeFrame> in = testInputs(12, STEPS);
    Telemetry[] t = new Telemetry[2];
    Device[] both = {device, new io.spikeloop.sim.SimDevice()};
    try {
      for (int i = 0; i < 2; i++) {
        both[i].configure(net);
        for (WeightTensor w : net.tensors()) {
          both[i].writeWeights(w.name(), weightsFor(w, 3));
        }
        runAll(both[i], in, ReadoutLevel.OUTPUTS);
        t[i] = both[i].telemetry();
      }
    } finally {
      both[1].close();
    }
    assertTrue(t[1].count(Sl1Target.SATURATIONS) > 0, "the test network saturates: " + t[1]);
    assertEquals(t[1].steps(), t[0].steps(), "steps");
    assertEquals(t[1].sops(), t[0].sops(), "sops");
    assertEquals(t[1].count(Sl1Target.NEURON_UPDATES), t[0].count(Sl1Target.NEURON_UPDATES), "neuron updates");
    assertEquals(t[1].count(Sl1Target.HIDDEN_SPIKES), t[0].count(Sl1Target.HIDDEN_SPIKES), "hidden spikes");
    assertEquals(t[1].count(Sl1Target.SATURATIONS), t[0].count(Sl1Target.SATURATIONS), "saturations");
  }

  // ------------------------------------------------------------------------------------------
  // Learning engine
  // ------------------------------------------------------------------------------------------

  /**
   * Labels alone never change a device: without {@link Capability#ON_CHIP_LEARNING}, or while
   * learning is not enabled, labelled frames run as plain forward steps, weights stay as written
   * and no learning updates are counted.
   */
  @Test
  void labelsAreIgnoredWhileLearningIsOff() {
    NetworkConfig net = load(device);
    List<SpikeFrame> plain = testInputs(13, STEPS);
    List<SpikeFrame> labelled = labelled(plain, net.output().size());
    ReadoutLevel level = richest(device);
    List<StepResult> withLabels = runAll(device, labelled, level);
    assertEquals(0, device.telemetry().learningUpdates(), "no learning updates");
    if (device.info().has(Capability.WEIGHT_READBACK)) {
      for (WeightTensor t : net.tensors()) {
        assertArrayEquals(weightsFor(t, 1), device.readWeights(t.name()), t.name() + " unchanged");
      }
    }
    device.reset();
    assertSameBehaviour(runAll(device, plain, level), withLabels, "labels are ignored");
  }

  private static List<SpikeFrame> labelled(List<SpikeFrame> frames, int classes) {
    List<SpikeFrame> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      out.add(new SpikeFrame(frames.get(i).axons(), i % classes));
    }
    return out;
  }

  /** The learning network: one recurrent hidden layer (what the engine of core-spec 9 learns). */
  private static NetworkConfig learningNetwork() {
    return new NetworkConfig(8, List.of(new LayerConfig(6, true, 8, 0, 16, 64, 3800, 8)),
        new OutputConfig(3, 8, 0, 16, 3900));
  }

  private static LearningConfig learningConfig(NetworkConfig net, int stateBits) {
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      rates.put(t.name(), 1 << 22);
    }
    int[] table = new int[32];
    for (int i = 0; i < table.length; i++) {
      table[i] = (int) Math.rint(12000 * Math.exp(-i * i / 64.0));
    }
    return new LearningConfig(rates, stateBits, 4, 943718, 1047527, -27, 8, 77, 8, 1, table);
  }

  /**
   * A device that learns on chip learns exactly as the reference engine of
   * {@code docs/core-spec.md} section 9 (the simulator's): same outputs every step, same weights
   * and update count after labelled steps; disabling learning stops it.
   */
  @ParameterizedTest(name = "{0}-bit Adam state")
  @ValueSource(ints = {8, 4})
  void onChipLearningFollowsTheReferenceEngine(int stateBits) {
    assumeSl1(device, "SL-1's learning engine; ReckOn's e-prop is ReckonSimDeviceTest's");
    assumeTrue(device.info().has(Capability.ON_CHIP_LEARNING),
        "device " + device.info().name() + " has no on-chip learning engine");
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    List<SpikeFrame> frames = labelled(testInputs(21, 3 * STEPS), 3);
    try (SimDevice reference = new SimDevice()) {
      List<List<StepResult>> results = new ArrayList<>();
      for (Device d : List.of(reference, device)) {
        d.configure(net);
        for (WeightTensor t : net.tensors()) {
          d.writeWeights(t.name(), weightsFor(t, 4));
        }
        Sl1Device.enableLearning(d, learningConfig(net, stateBits));
        results.add(runAll(d, frames, ReadoutLevel.OUTPUTS));
      }
      for (int t = 0; t < frames.size(); t++) {
        assertArrayEquals(results.get(0).get(t).outputs(), results.get(1).get(t).outputs(),
            "outputs at step " + t);
      }
      long params = net.tensors().stream().mapToLong(WeightTensor::length).sum();
      assertEquals(frames.size() * params, device.telemetry().learningUpdates(), "updates");
      if (device.info().has(Capability.WEIGHT_READBACK)) {
        boolean moved = false;
        for (WeightTensor t : net.tensors()) {
          int[] w = device.readWeights(t.name());
          assertArrayEquals(reference.readWeights(t.name()), w, t.name() + " after learning");
          moved |= !Arrays.equals(weightsFor(t, 4), w);
        }
        assertTrue(moved, "learning must move weights to be a test");
        Sl1Device.disableLearning(device);
        runAll(device, frames, ReadoutLevel.OUTPUTS);
        assertEquals(frames.size() * params, device.telemetry().learningUpdates(),
            "no updates once disabled");
        for (WeightTensor t : net.tensors()) {
          assertArrayEquals(reference.readWeights(t.name()), device.readWeights(t.name()),
              t.name() + " unchanged once learning is disabled");
        }
      }
    }
  }

  /**
   * A device whose engine offers the e-prop rule ({@code docs/learning-engine.md} section 11)
   * learns exactly as the reference engine over two samples with a reset between them (the
   * traces restart): same outputs every step, same weights, and (with learning-state readback)
   * the reference's learning-state image byte for byte, traces included.
   */
  @ParameterizedTest(name = "{0}-bit Adam state")
  @ValueSource(ints = {8, 4})
  void epropLearnsAsTheReferenceEngineAcrossAReset(int stateBits) {
    assumeSl1(device, "SL-1's learning engine");
    assumeTrue(device.info().has(Capability.ON_CHIP_LEARNING),
        "device " + device.info().name() + " has no on-chip learning engine");
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    LearningConfig eprop = learningConfig(net, stateBits).toBuilder()
        .rule(io.spikeloop.target.sl1.LearningRule.EPROP).traceShift(16).build();
    List<SpikeFrame> frames = labelled(testInputs(23, 2 * STEPS), 3);
    int half = frames.size() / 2;
    try (SimDevice reference = new SimDevice()) {
      List<List<StepResult>> results = new ArrayList<>();
      for (Device d : List.of(reference, device)) {
        startLearning(d, net, eprop);
        List<StepResult> all = new ArrayList<>(runAll(d, frames.subList(0, half),
            ReadoutLevel.OUTPUTS));
        d.reset();
        all.addAll(runAll(d, frames.subList(half, frames.size()), ReadoutLevel.OUTPUTS));
        results.add(all);
      }
      for (int t = 0; t < frames.size(); t++) {
        assertArrayEquals(results.get(0).get(t).outputs(), results.get(1).get(t).outputs(),
            "outputs at step " + t);
      }
      if (device.info().has(Capability.WEIGHT_READBACK)) {
        boolean moved = false;
        for (WeightTensor t : net.tensors()) {
          int[] w = device.readWeights(t.name());
          assertArrayEquals(reference.readWeights(t.name()), w, t.name() + " after e-prop");
          moved |= !Arrays.equals(weightsFor(t, 4), w);
        }
        assertTrue(moved, "learning must move weights to be a test");
      }
      if (device.info().has(Capability.LEARNING_STATE)) {
        assertArrayEquals(Sl1Device.learningState(reference).toBytes(),
            Sl1Device.learningState(device).toBytes(), "the reference's image, byte for byte");
      }
    }
  }

  /**
   * An e-prop engine's learning state read in the middle of a sample (section eprop.traces: the
   * traces half built) and restored with the weights and the dynamic state into a fresh device
   * continues bit-identically to the device that never stopped, and equals the reference
   * simulator's image byte for byte.
   */
  @Test
  void epropStateReadMidSampleRestoresIntoAFreshDeviceBitExactly() {
    assumeSl1(device, "SL-1's learning engine");
    assumeTrue(device.info().has(Capability.LEARNING_STATE),
        "device " + device.info().name() + " has no learning-state readback");
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    LearningConfig eprop = learningConfig(net, 8).toBuilder()
        .rule(io.spikeloop.target.sl1.LearningRule.EPROP).traceShift(16).build();
    List<SpikeFrame> frames = labelled(testInputs(29, 2 * STEPS), 3);
    int cut = STEPS + STEPS / 2;
    startLearning(device, net, eprop);
    runAll(device, frames.subList(0, STEPS), ReadoutLevel.OUTPUTS);
    device.reset();
    runAll(device, frames.subList(STEPS, cut), ReadoutLevel.OUTPUTS);
    LearningState saved = Sl1Device.learningState(device);
    assertEquals(LearningState.RULE_EPROP, saved.rule());
    assertTrue(saved.section(LearningState.EPROP_TRACES_SECTION) != null, saved.toString());
    DeviceState dynamic = Sl1Device.state(device);
    Map<String, int[]> weights = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      weights.put(t.name(), device.readWeights(t.name()));
    }
    List<SpikeFrame> tail = frames.subList(cut, frames.size());
    List<StepResult> uninterrupted = runAll(device, tail, ReadoutLevel.OUTPUTS);

    Device fresh = resumeInFreshDevice(net, weights, eprop, saved, dynamic, tail, uninterrupted);
    assertArrayEquals(Sl1Device.learningState(device).toBytes(),
        Sl1Device.learningState(fresh).toBytes(), "learning state after the tail");

    try (SimDevice reference = new SimDevice()) {
      startLearning(reference, net, eprop);
      runAll(reference, frames.subList(0, STEPS), ReadoutLevel.OUTPUTS);
      reference.reset();
      runAll(reference, frames.subList(STEPS, frames.size()), ReadoutLevel.OUTPUTS);
      assertArrayEquals(Sl1Device.learningState(reference).toBytes(),
          Sl1Device.learningState(fresh).toBytes(), "the reference simulator's image, byte for byte");
    }
  }

  /**
   * A fresh device given {@code weights}, {@code learning}, the saved learning state and the
   * dynamic state runs {@code tail} as the uninterrupted device did (same outputs every step,
   * same weights at the end); returned for the caller's further checks.
   */
  private Device resumeInFreshDevice(NetworkConfig net, Map<String, int[]> weights,
                                     LearningConfig learning, LearningState saved,
                                     DeviceState dynamic, List<SpikeFrame> tail,
                                     List<StepResult> uninterrupted) {
    Device fresh = open();
    fresh.configure(net);
    weights.forEach(fresh::writeWeights);
    Sl1Device.enableLearning(fresh, learning);
    Sl1Device.restoreLearningState(fresh, saved);
    Sl1Device.restore(fresh, dynamic);
    assertEquals(saved, Sl1Device.learningState(fresh), "restored as saved");
    assertSameBehaviour(uninterrupted, runAll(fresh, tail, ReadoutLevel.OUTPUTS), "resumed");
    for (WeightTensor t : net.tensors()) {
      assertArrayEquals(device.readWeights(t.name()), fresh.readWeights(t.name()), t.name());
    }
    return fresh;
  }

  /** Configures the learning network with seed-4 weights and enables learning. */
  private static void startLearning(Device d, NetworkConfig net, LearningConfig learning) {
    d.configure(net);
    for (WeightTensor t : net.tensors()) {
      d.writeWeights(t.name(), weightsFor(t, 4));
    }
    Sl1Device.enableLearning(d, learning);
  }

  /**
   * The learning state read mid-training and restored (with the weights and the dynamic state)
   * into a fresh device continues bit-identically: same outputs every step, same weights, same
   * learning state (quantized Adam codes, scales, counters, RNG, masters) as the uninterrupted
   * device and as the reference simulator, whose image it equals byte for byte.
   */
  @ParameterizedTest(name = "{0}-bit Adam state")
  @ValueSource(ints = {8, 4})
  void learningStateRestoresIntoAFreshDeviceBitExactly(int stateBits) {
    assumeSl1(device, "SL-1's learning engine; ReckOn's e-prop is ReckonSimDeviceTest's");
    assumeTrue(device.info().has(Capability.LEARNING_STATE),
        "device " + device.info().name() + " has no learning-state readback");
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    LearningConfig learning = learningConfig(net, stateBits);
    List<SpikeFrame> frames = labelled(testInputs(23, 2 * STEPS), 3);
    List<SpikeFrame> head = frames.subList(0, STEPS);
    List<SpikeFrame> tail = frames.subList(STEPS, frames.size());
    assertThrows(IllegalStateException.class, () -> Sl1Device.learningState(device), "before enableLearning");
    startLearning(device, net, learning);
    runAll(device, head, ReadoutLevel.OUTPUTS);
    LearningState saved = Sl1Device.learningState(device);
    assertEquals(saved, LearningState.fromBytes(saved.toBytes()), "the image round-trips");
    assertTrue(saved.tensors().get(0).step() == STEPS, "Adam steps: " + saved.tensors().get(0));
    DeviceState dynamic = Sl1Device.state(device);
    Map<String, int[]> weights = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      weights.put(t.name(), device.readWeights(t.name()));
    }
    List<StepResult> uninterrupted = runAll(device, tail, ReadoutLevel.OUTPUTS);

    Device fresh = resumeInFreshDevice(net, weights, learning, saved, dynamic, tail, uninterrupted);
    assertEquals(Sl1Device.learningState(device), Sl1Device.learningState(fresh), "learning state after the tail");
    assertEquals(device.telemetry().learningUpdates(), fresh.telemetry().learningUpdates());

    try (SimDevice reference = new SimDevice()) {
      startLearning(reference, net, learning);
      runAll(reference, frames, ReadoutLevel.OUTPUTS);
      assertArrayEquals(Sl1Device.learningState(reference).toBytes(), Sl1Device.learningState(fresh).toBytes(),
          "the reference simulator's image, byte for byte");
    }
  }

  /**
   * A learning state of another network, configuration or tensor set is refused naming the
   * field, and the engine keeps its state.
   */
  @Test
  void badLearningStateIsRefusedAndChangesNothing() {
    assumeSl1(device, "SL-1's learning engine; ReckOn's e-prop is ReckonSimDeviceTest's");
    assumeTrue(device.info().has(Capability.LEARNING_STATE),
        "device " + device.info().name() + " has no learning-state readback");
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    startLearning(device, net, learningConfig(net, 8));
    runAll(device, labelled(testInputs(5, 6), 3), ReadoutLevel.OUTPUTS);
    LearningState good = Sl1Device.learningState(device);
    try (SimDevice other = new SimDevice()) {
      LearningConfig slower = learningConfig(net, 8);
      Map<String, Integer> rates = new LinkedHashMap<>(slower.learningRates());
      rates.put(WeightTensor.OUT_W, 1 << 20);
      startLearning(other, net, new LearningConfig(rates, 8, 4, 943718, 1047527, -27, 8, 77, 8, 1,
          slower.surrogateTable()));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Sl1Device.restoreLearningState(device, Sl1Device.learningState(other)));
      assertTrue(e.getMessage().contains("out.w") && e.getMessage().contains("lr"),
          e.getMessage());

      startLearning(other, net, learningConfig(net, 4));
      e = assertThrows(IllegalArgumentException.class,
          () -> Sl1Device.restoreLearningState(device, Sl1Device.learningState(other)));
      assertTrue(e.getMessage().toLowerCase().contains("state"), e.getMessage());

      NetworkConfig wider = new NetworkConfig(8, List.of(new LayerConfig(7, true, 8, 0, 16, 64,
          3800, 8)), new OutputConfig(3, 8, 0, 16, 3900));
      startLearning(other, wider, learningConfig(wider, 8));
      e = assertThrows(IllegalArgumentException.class,
          () -> Sl1Device.restoreLearningState(device, Sl1Device.learningState(other)));
      assertTrue(e.getMessage().contains("hidden"), e.getMessage());
    }
    assertEquals(good, Sl1Device.learningState(device), "nothing changed");
  }

  /** The engine learns one hidden layer; a deeper network is refused by rule DR-LEARNING. */
  @Test
  void learningADeeperNetworkIsRefusedByName() {
    assumeSl1(device, "SL-1's reference simulators and learning engine");
    assumeTrue(device.info().has(Capability.ON_CHIP_LEARNING),
        "device " + device.info().name() + " has no on-chip learning engine");
    NetworkConfig net = load(device);
    DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
        () -> Sl1Device.enableLearning(device, learningConfig(net, 8)));
    assertEquals("DR-LEARNING", v.rule(), v.getMessage());
  }

  // ------------------------------------------------------------------------------------------
  // Bad input
  // ------------------------------------------------------------------------------------------

  @Test
  void badInputIsRefusedWithClearMessagesAndChangesNothing() {
    NetworkConfig net = load(device);
    List<SpikeFrame> in = testInputs(10, STEPS);
    runAll(device, in.subList(0, 5), ReadoutLevel.OUTPUTS);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> device.step(new SpikeFrame(1, net.inputs()), ReadoutLevel.OUTPUTS));
    assertTrue(e.getMessage().contains(String.valueOf(net.inputs())), e.getMessage());

    WeightTensor rec = net.tensor("layer0.rec");
    e = assertThrows(IllegalArgumentException.class,
        () -> device.writeWeights(rec.name(), new int[rec.length() - 1]));
    assertTrue(e.getMessage().contains(rec.name()), e.getMessage());
    int[] tooWide = weightsFor(rec, 1);
    tooWide[7] = 128; // 8-bit weights
    e = assertThrows(IllegalArgumentException.class, () -> device.writeWeights(rec.name(), tooWide));
    assertTrue(e.getMessage().contains("128") && e.getMessage().contains(rec.name()), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> device.writeWeights("layer7.in", new int[4]));
    assertTrue(e.getMessage().contains("layer7.in"), e.getMessage());

    // Nothing changed: the device continues exactly like one that never saw the bad calls.
    List<StepResult> after = runAll(device, in.subList(5, STEPS), richest(device));
    Device reference = open();
    load(reference);
    runAll(reference, in.subList(0, 5), ReadoutLevel.OUTPUTS);
    assertSameBehaviour(runAll(reference, in.subList(5, STEPS), richest(reference)), after,
        "after refused calls");
  }

  @Test
  void aClosedDeviceRefusesCalls() {
    load(device);
    device.close();
    assertThrows(RuntimeException.class, () -> device.step(SpikeFrame.silent(), ReadoutLevel.OUTPUTS));
  }

  // ------------------------------------------------------------------------------------------
  // Sample store (the SampleStore extension)
  // ------------------------------------------------------------------------------------------

  private static SampleStore storeOf(Device d) {
    assumeTrue(d.info().has(Capability.SAMPLE_STORE),
        "device " + d.info().name() + " has no sample store");
    return d.extension(SampleStore.class).orElseThrow(() -> new AssertionError(
        d.info().name() + " declares " + Capability.SAMPLE_STORE + " but has no extension"));
  }

  /** A sample of {@code steps} steps of the test inputs, labelled {@code label}. */
  private static StoredSample storedSample(long seed, int steps, int label) {
    List<SpikeFrame> frames = testInputs(seed, steps);
    int[] offsets = new int[steps + 1];
    List<Integer> ids = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      for (int id : frames.get(t).axons()) {
        ids.add(id);
      }
      offsets[t + 1] = ids.size();
    }
    return new StoredSample(label, offsets, ids.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * A replayed sample gives exactly what running its frames gives, learning included: outputs,
   * spikes and membranes of every step, the weights learned, the telemetry; the same as the
   * reference simulator running the frames; the store lists what it holds with the record sizes.
   */
  @Test
  void storedSamplesReplayExactlyAsTheirFramesRun() {
    assumeSl1(device, "SL-1's learning engine");
    SampleStore store = storeOf(device);
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    StoredSample a = storedSample(31, STEPS, 2);
    StoredSample b = storedSample(32, STEPS / 2, SpikeFrame.NO_LABEL);
    assertEquals(0, store.put(a));
    assertEquals(1, store.put(b.encode()));
    assertEquals(List.of(new SampleStore.Entry(0, 2, STEPS, a.events(), a.encode().length),
        new SampleStore.Entry(1, -1, STEPS / 2, b.events(), b.encode().length)), store.list());
    assertEquals(a.encode().length + b.encode().length, store.usedBytes());
    try (SimDevice reference = new SimDevice()) {
      startLearning(reference, net, learningConfig(net, 8));
      startLearning(device, net, learningConfig(net, 8));
      List<StepResult> expected = new ArrayList<>(reference.run(a.frames(), ReadoutLevel.FULL));
      reference.reset();
      expected.addAll(reference.run(b.frames(), ReadoutLevel.SPIKES));
      List<StepResult> replayed = new ArrayList<>(store.replay(0, ReadoutLevel.FULL));
      device.reset();
      replayed.addAll(store.replay(1, ReadoutLevel.SPIKES));
      assertEquals(expected.size(), replayed.size());
      for (int t = 0; t < expected.size(); t++) {
        StepResult e = expected.get(t);
        StepResult r = replayed.get(t);
        assertEquals(e.step(), r.step(), "step counter at " + t);
        assertArrayEquals(e.outputs(), r.outputs(), "outputs at " + t);
        assertTrue(Arrays.deepEquals(e.spikes(), r.spikes()), "spikes at " + t);
        assertTrue(Arrays.deepEquals(e.membranes(), r.membranes()), "membranes at " + t);
        assertEquals(e.sops(), r.sops(), "sops at " + t);
      }
      for (WeightTensor t : net.tensors()) {
        assertArrayEquals(reference.readWeights(t.name()), device.readWeights(t.name()),
            t.name() + " learned from the replay");
      }
      Telemetry got = device.telemetry();
      assertEquals(reference.telemetry().steps(), got.steps(), "replayed steps count as steps");
      assertEquals(reference.telemetry().sops(), got.sops());
      assertEquals(reference.telemetry().learningUpdates(), got.learningUpdates());
      assertTrue(got.learningUpdates() > 0, "the labelled sample learned");
      // the device's own cost model counts a replay as the same frames run (cycles, energy)
      startLearning(device, net, learningConfig(net, 8));
      device.run(a.frames(), ReadoutLevel.FULL);
      device.reset();
      device.run(b.frames(), ReadoutLevel.SPIKES);
      Telemetry run = device.telemetry();
      assertEquals(run.cycles(), got.cycles(), "cycles");
      assertEquals(run.energyJoules(), got.energyJoules(), 0.0, "energy");
      assertEquals(run.learningUpdates(), got.learningUpdates());
    }
  }

  /** The store holds what its capacity allows, no more, and reuses the lowest free slot. */
  @Test
  void theSampleStoreRespectsItsCapacity() {
    SampleStore store = storeOf(device);
    long capacity = store.capacityBytes();
    assertTrue(capacity > 0 && store.slots() > 0, "capacity " + capacity + " B, "
        + store.slots() + " slots");
    assertEquals(0, store.usedBytes());
    byte[] record = storedSample(5, 200, 1).encode();
    int fits = (int) Math.min(store.slots(), capacity / record.length);
    for (int i = 0; i < fits; i++) {
      assertEquals(i, store.put(record));
    }
    assertEquals((long) fits * record.length, store.usedBytes());
    var full = assertThrows(IllegalStateException.class, () -> store.put(record));
    assertTrue(full.getMessage().contains("sample store full")
        && full.getMessage().contains(record.length + " bytes")
        && full.getMessage().contains((capacity - (long) fits * record.length) + " of "
            + capacity + " are free"), full.getMessage());
    assertEquals(fits, store.list().size(), "a refused put changes nothing");
    store.remove(3);
    assertEquals(3, store.put(record), "the lowest free slot");
    store.remove(0);
    store.remove(1);
    assertEquals((long) (fits - 2) * record.length, store.usedBytes());
    assertEquals(2, store.list().get(0).slot());
    store.clear();
    assertEquals(0, store.usedBytes());
    assertEquals(List.of(), store.list());
    byte[] tiny = storedSample(6, 1, 0).encode();
    if ((long) tiny.length * store.slots() <= capacity) {
      for (int i = 0; i < store.slots(); i++) {
        store.put(tiny);
      }
      var slots = assertThrows(IllegalStateException.class, () -> store.put(tiny));
      assertTrue(slots.getMessage().contains("all " + store.slots() + " slots are taken"),
          slots.getMessage());
    }
  }

  /** Malformed records, bad slot ids and samples that do not fit the network: named, no change. */
  @Test
  void theSampleStoreRefusesBadInputByName() {
    assumeSl1(device, "SL-1's test network");
    SampleStore store = storeOf(device);
    var notConfigured = assertThrows(IllegalStateException.class,
        () -> store.replay(0, ReadoutLevel.OUTPUTS));
    assertTrue(notConfigured.getMessage().contains("not configured"), notConfigured.getMessage());
    byte[] good = storedSample(7, 4, 1).encode();
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("shorter than its 8-byte header", Arrays.copyOf(good, 5));
    bad.put("truncated", Arrays.copyOf(good, good.length - 1));
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    bad.put("trailing bytes", trailing);
    byte[] noSteps = good.clone();
    noSteps[2] = 0;
    noSteps[3] = 0;
    bad.put("steps is 0", noSteps);
    // one step, one event, its gap written as the overlong varint 0x81 0x00
    bad.put("overlong varint", new byte[] {1, 0, 1, 0, 1, 0, 0, 0, 1, (byte) 0x81, 0});
    bad.put("events announced", new byte[] {1, 0, 1, 0, 2, 0, 0, 0, 1, 5, 0});
    for (var e : bad.entrySet()) {
      var x = assertThrows(IllegalArgumentException.class, () -> store.put(e.getValue()),
          e.getKey());
      assertTrue(x.getMessage().contains(e.getKey()), e.getKey() + ": " + x.getMessage());
    }
    assertEquals(0, store.usedBytes(), "nothing stored");
    for (int slot : new int[] {-1, store.slots(), Integer.MAX_VALUE}) {
      var x = assertThrows(IllegalArgumentException.class, () -> store.remove(slot));
      assertTrue(x.getMessage().contains("sample slot " + slot + " out of range"), x.getMessage());
    }
    var empty = assertThrows(IllegalArgumentException.class, () -> store.remove(0));
    assertTrue(empty.getMessage().contains("sample slot 0 is empty"), empty.getMessage());
    NetworkConfig net = load(device);
    var emptyReplay = assertThrows(IllegalArgumentException.class,
        () -> store.replay(0, ReadoutLevel.OUTPUTS));
    assertTrue(emptyReplay.getMessage().contains("sample slot 0 is empty"),
        emptyReplay.getMessage());
    // an id beyond the network's inputs at step 2 of 3: refused before step 0 runs
    int slot = store.put(new StoredSample(1, new int[] {0, 1, 2, 3},
        new int[] {0, 1, net.inputs()}));
    var outOfRange = assertThrows(IllegalArgumentException.class,
        () -> store.replay(slot, ReadoutLevel.OUTPUTS));
    assertTrue(outOfRange.getMessage().contains("step 2: input axon id " + net.inputs()
        + " out of range [0, " + net.inputs() + ")"), outOfRange.getMessage());
    assertEquals(0, device.telemetry().steps(), "no step ran");
  }

  /** Reset and configure keep the store; a label beyond the outputs is refused while learning. */
  @Test
  void theSampleStoreSurvivesResetAndConfigure() {
    assumeSl1(device, "SL-1's learning engine");
    SampleStore store = storeOf(device);
    NetworkConfig net = learningNetwork();
    assumeFits(device, net, "the learning network");
    store.put(storedSample(8, 6, 1));
    int wide = store.put(storedSample(9, 6, net.output().size()));
    List<SampleStore.Entry> held = store.list();
    load(device);
    device.reset();
    startLearning(device, net, learningConfig(net, 8));
    assertEquals(held, store.list());
    var label = assertThrows(IllegalArgumentException.class,
        () -> store.replay(wide, ReadoutLevel.OUTPUTS));
    assertTrue(label.getMessage().contains("label " + net.output().size() + " out of range"),
        label.getMessage());
    assertEquals(6, store.replay(0, ReadoutLevel.OUTPUTS).size());
    Sl1Device.disableLearning(device);
    assertEquals(6, store.replay(wide, ReadoutLevel.OUTPUTS).size(),
        "without learning the label is ignored, as in a run");
  }

  /** Closing the device empties its store: the store refuses calls, a device opened next is empty. */
  @Test
  void closingTheDeviceEmptiesItsSampleStore() {
    SampleStore store = storeOf(device);
    store.put(storedSample(10, 5, 0));
    device.close();
    assertThrows(IllegalStateException.class, () -> store.put(storedSample(10, 5, 0)));
    assertThrows(IllegalStateException.class, store::list);
    Device next = open(); // on board:ref the same core of the firmware's static pool
    assertEquals(List.of(), storeOf(next).list());
    assertEquals(0, storeOf(next).usedBytes());
  }
}
