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
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The e-prop rule of the learning engine ({@code docs/learning-engine.md} section 11) beyond its
 * golden vectors: traces belong to a sample, hold on unlabelled steps, are counted, and what the
 * engine refuses.
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
    SimDevice t = LearningEngineTest.loaded(5);
    Sl1Device.enableLearning(t, LearningEngineTest.learning(1, 8, 1 << 18));
    assertEquals(0, t.learningEngine().traceBytes(), "tBPTT1 keeps no traces");
  }

  @Test
  void theLearningStateImageIsRefusedNamingTheTraces() {
    SimDevice d = LearningEngineTest.loaded(6);
    SimDevice t = LearningEngineTest.loaded(6);
    Sl1Device.enableLearning(t, LearningEngineTest.learning(1, 8, 1 << 18));
    TargetState tbptt1Image = Sl1Codecs.encode(Sl1Device.learningState(t));
    Sl1Device.enableLearning(d, eprop(1));
    var e = assertThrows(IllegalStateException.class, () -> Sl1Device.learningState(d));
    assertTrue(e.getMessage().contains("e-prop learning engine's state cannot be read: the "
        + "learning-state image (version " + io.spikeloop.target.sl1.LearningState.VERSION
        + ") has no section for its eligibility traces"),
        e.getMessage());
    int[] before = d.readWeights(WeightTensor.OUT_W);
    e = assertThrows(IllegalStateException.class,
        () -> d.extension(io.spikeloop.device.OnChipLearning.class).orElseThrow()
            .restore(tbptt1Image));
    assertTrue(e.getMessage().contains("cannot be restored") && e.getMessage().contains(
        "Nothing was changed"), e.getMessage());
    assertArrayEquals(before, d.readWeights(WeightTensor.OUT_W));
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
