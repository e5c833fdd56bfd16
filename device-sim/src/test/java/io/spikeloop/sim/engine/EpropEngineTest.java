package io.spikeloop.sim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.SimOptions;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The e-prop rule of the learning engine ({@code docs/learning-engine.md} section 11) beyond its
 * golden vectors: traces belong to a sample, hold on unlabelled steps, are counted, travel in the
 * learning-state image (section {@code eprop.traces}), and what the engine refuses.
 */
class EpropEngineTest {

  static LearningConfig eprop(long seed) {
    return LearningEngineTest.learning(seed, 8, 1 << 18).toBuilder().rule(LearningRule.EPROP)
        .traceShift(16).build();
  }

  static short[] trace(SimDevice d) {
    return d.learningEngine().eligibilityTrace(WeightTensor.layerIn(0));
  }

  static boolean allZero(short[] a) {
    for (short v : a) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void tracesGrowDuringASampleHoldOnUnlabelledStepsAndRestartAtReset() {
    SimDevice d = LearningEngineTest.loaded(3);
    Sl1Device.enableLearning(d, eprop(1));
    assertTrue(allZero(trace(d)));
    SplittableRandom r = new SplittableRandom(9);
    for (SpikeFrame f : LearningEngineTest.sample(0, r)) {
      d.step(f, ReadoutLevel.OUTPUTS);
    }
    short[] after = trace(d);
    assertTrue(!allZero(after), "a labelled sample leaves eligibility traces");
    // forward only: the engine does not run, traces and weights stay
    int[] weights = d.readWeights(WeightTensor.layerIn(0));
    d.step(new SpikeFrame(new int[] {0, 1, 2}), ReadoutLevel.OUTPUTS);
    assertArrayEquals(after, trace(d));
    assertArrayEquals(weights, d.readWeights(WeightTensor.layerIn(0)));
    d.reset();
    assertTrue(allZero(trace(d)), "reset starts a new sample: traces restart at zero");
  }

  @Test
  void aResetSampleLearnsAsAFreshEngineWould() {
    // after sample A and a reset, the first step of sample B leaves the same trace as a fresh
    // engine on the same weights gives it: nothing of sample A survives the reset
    SimDevice a = LearningEngineTest.loaded(4);
    Sl1Device.enableLearning(a, eprop(2));
    SplittableRandom r = new SplittableRandom(11);
    for (SpikeFrame f : LearningEngineTest.sample(1, r)) {
      a.step(f, ReadoutLevel.OUTPUTS);
    }
    a.reset();
    var sampleB = LearningEngineTest.sample(2, new SplittableRandom(12));
    SimDevice b = new SimDevice();
    b.configure(a.config());
    for (WeightTensor t : a.config().tensors()) {
      b.writeWeights(t.name(), a.readWeights(t.name()));
    }
    Sl1Device.enableLearning(b, eprop(2));
    a.step(sampleB.get(0), ReadoutLevel.OUTPUTS);
    b.step(sampleB.get(0), ReadoutLevel.OUTPUTS);
    assertArrayEquals(trace(b), trace(a), "the first step after a reset sees no earlier trace");
  }

  @Test
  void traceMemoryIsCounted() {
    SimDevice d = LearningEngineTest.loaded(5);
    Sl1Device.enableLearning(d, eprop(1));
    int m = LearningEngineTest.INPUTS;
    int n = LearningEngineTest.HIDDEN;
    // int16 per hidden-layer parameter (in, rec, bias), int32 per input, recurrent unit, hidden
    // neuron (output trace) and the two bias traces
    assertEquals(2L * (m + n + 1) * n + 4L * (m + n + 1 + n + 1),
        d.learningEngine().traceBytes());
    assertEquals(d.learningEngine().traceBytes(), LearningEngine.traceBytes(d.config(), eprop(1)),
        "the static form (the host's) agrees");
    var biasesFixed = eprop(1).toBuilder().learningRates(java.util.Map.of(WeightTensor.layerIn(0),
        1 << 18)).build();
    assertEquals(2L * m * n + 4L * (m + n + 1 + n + 1),
        LearningEngine.traceBytes(d.config(), biasesFixed), "only learned tensors keep ebar");
    SimDevice t = LearningEngineTest.loaded(5);
    Sl1Device.enableLearning(t, LearningEngineTest.learning(1, 8, 1 << 18));
    assertEquals(0, t.learningEngine().traceBytes(), "tBPTT1 keeps no traces");
  }

  /** A device with the same weights as {@code from}, e-prop enabled as {@code learning}. */
  static SimDevice sameWeights(SimDevice from, LearningConfig learning) {
    SimDevice d = new SimDevice();
    d.configure(from.config());
    for (WeightTensor t : from.config().tensors()) {
      d.writeWeights(t.name(), from.readWeights(t.name()));
    }
    Sl1Device.enableLearning(d, learning);
    return d;
  }

  /**
   * The learning state read in the middle of a sample (traces half built) and restored, with the
   * weights and the dynamic state, into a fresh engine continues bit-identically: every output,
   * every trace, every weight and the image itself at the end, across the next sample's reset.
   */
  @Test
  void aStateReadMidSampleResumesBitIdentically() {
    SimDevice a = LearningEngineTest.loaded(6);
    Sl1Device.enableLearning(a, eprop(1));
    SplittableRandom r = new SplittableRandom(21);
    List<SpikeFrame> first = LearningEngineTest.sample(0, r);
    List<SpikeFrame> second = LearningEngineTest.sample(2, r);
    for (SpikeFrame f : first.subList(0, 7)) {
      a.step(f, ReadoutLevel.OUTPUTS);
    }
    LearningState saved = Sl1Device.learningState(a);
    assertEquals(LearningState.RULE_EPROP, saved.rule());
    LearningState.Section traces = saved.section(LearningState.EPROP_TRACES_SECTION);
    assertEquals(a.learningEngine().traceBytes(), traces.payload().length,
        "the section holds exactly the trace memory");
    assertEquals(saved, LearningState.fromBytes(saved.toBytes()), "the image round-trips");
    SimDevice b = sameWeights(a, eprop(1));
    Sl1Device.restoreLearningState(b, saved);
    Sl1Device.restore(b, Sl1Device.state(a));
    assertArrayEquals(trace(a), trace(b), "the eligibility traces came back");
    assertTrue(!allZero(trace(b)), "mid-sample: the traces are under way");
    for (List<SpikeFrame> rest : List.of(first.subList(7, first.size()), second)) {
      for (SpikeFrame f : rest) {
        assertArrayEquals(a.step(f, ReadoutLevel.OUTPUTS).outputs(),
            b.step(f, ReadoutLevel.OUTPUTS).outputs());
      }
      for (WeightTensor t : a.config().tensors()) {
        assertArrayEquals(a.readWeights(t.name()), b.readWeights(t.name()), t.name());
      }
      assertArrayEquals(trace(a), trace(b));
      a.reset();
      b.reset();
    }
    assertArrayEquals(Sl1Device.learningState(a).toBytes(), Sl1Device.learningState(b).toBytes(),
        "the images after both samples, byte for byte");
  }

  /** {@code saved} with its sections replaced. */
  static LearningState withSections(LearningState saved, List<LearningState.Section> sections) {
    return new LearningState(saved.inputs(), saved.hidden(), saved.outputs(),
        saved.outputFracBits(), saved.surrogateShift(), saved.surrogateLength(),
        saved.surrogateCrc(), saved.tensors(), saved.rule(), saved.schedule(), sections);
  }

  /**
   * An e-prop image without the trace section, with one of another length, with a trace out of
   * range, or of the tBPTT1 rule is refused naming the section (or rule) and both values, and
   * the engine keeps its state.
   */
  @Test
  void anImageWithoutFittingTracesIsRefusedNamingTheSection() {
    SimDevice d = LearningEngineTest.loaded(7);
    Sl1Device.enableLearning(d, eprop(3));
    for (SpikeFrame f : LearningEngineTest.sample(1, new SplittableRandom(5)).subList(0, 9)) {
      d.step(f, ReadoutLevel.OUTPUTS);
    }
    LearningState good = Sl1Device.learningState(d);
    int expected = (int) d.learningEngine().traceBytes();
    var missing = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(d, withSections(good, List.of())));
    assertTrue(missing.getMessage().contains("section eprop.traces is missing (the engine's takes "
        + expected + " bytes"), missing.getMessage());
    byte[] payload = good.section(LearningState.EPROP_TRACES_SECTION).payload();
    var shorter = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(d, withSections(good, List.of(
            new LearningState.Section(LearningState.EPROP_TRACES_SECTION,
                java.util.Arrays.copyOf(payload, payload.length - 2))))));
    assertTrue(shorter.getMessage().contains("section eprop.traces has " + (expected - 2)
        + " bytes, the engine's takes " + expected), shorter.getMessage());
    byte[] negative = payload.clone();
    negative[3] = (byte) 0x80; // X[0] < 0
    var range = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(d, withSections(good, List.of(
            new LearningState.Section(LearningState.EPROP_TRACES_SECTION, negative)))));
    assertTrue(range.getMessage().contains("section eprop.traces: X[0] = ")
        && range.getMessage().contains("outside [0, 2^30]"), range.getMessage());
    SimDevice t = LearningEngineTest.loaded(7);
    Sl1Device.enableLearning(t, LearningEngineTest.learning(1, 8, 1 << 18));
    var rule = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(d, Sl1Device.learningState(t)));
    assertTrue(rule.getMessage().contains("rule is tbptt1, the engine has eprop"),
        rule.getMessage());
    assertEquals(good, Sl1Device.learningState(d), "every refusal left the engine as it was");
  }

  @Test
  void theEventDrivenScheduleIsRefused() {
    String name = "sim:learning=lazy";
    SimDevice d = new SimDevice(name, SimOptions.parse(name), SimDevice.DEFAULT_LIMITS);
    d.configure(LearningEngineTest.net(true));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.enableLearning(d, eprop(1)));
    assertTrue(e.getMessage().contains("e-prop rule runs dense Adam only"), e.getMessage());
  }

  @Test
  void aTraceShiftIsAnEpropField() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> LearningEngineTest.learning(1, 8, 1).toBuilder().traceShift(4).build());
    assertTrue(e.getMessage().contains("tbptt1 needs 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LearningEngineTest.learning(1, 8, 1)
        .toBuilder().rule(LearningRule.EPROP).traceShift(41).build());
    assertTrue(e.getMessage().contains("trace shift"), e.getMessage());
  }
}
