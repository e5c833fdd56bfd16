package io.spikeloop.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.ForwardingDevice;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LockstepLearning;
import io.spikeloop.target.sl1.RandomNetwork;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearningLockstepTest {
  private static final int CHANNELS = 40;
  private static final RandomNetwork NET = RandomNetwork.of(CHANNELS, List.of(20), true, 3, 7);

  /** 4 samples of 30 steps, ~10% input density, labels 0, 1, 2, 0. */
  private static InMemoryDataset data() {
    Random r = new Random(5);
    List<SpikeSample> samples = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int[] offsets = new int[31];
      List<Integer> ch = new ArrayList<>();
      for (int t = 0; t < 30; t++) {
        for (int c = 0; c < CHANNELS; c++) {
          if (r.nextDouble() < 0.1) {
            ch.add(c);
          }
        }
        offsets[t + 1] = ch.size();
      }
      samples.add(new SpikeSample(i % 3, offsets, ch.stream().mapToInt(x -> x).toArray(), -1));
    }
    return new InMemoryDataset("test", CHANNELS, 3, 30, samples);
  }

  private static LearningConfig learning(long seed) {
    return LockstepLearning.config(NET.config(), 8, 16, 1 << 22, 6, seed);
  }

  /** 100 steps of {@link #data()}, SL-1's configurations as the target's payloads. */
  private static LearningLockstep.Report run(Device a, Device b, LearningConfig learningA,
                                             LearningConfig learningB) {
    return LearningLockstep.run(a, b, NET.config(), NET.weights(), Sl1Codecs.encode(learningA),
        Sl1Codecs.encode(learningB), data(), 100, LearningLockstep.Options.EVERY_STEP, null);
  }

  @Test
  void twoSimulatorsAgreeWhileTheyLearn() {
    try (Device a = new SimDevice(); Device b = new SimDevice()) {
      LearningLockstep.Report r = run(a, b, learning(1), learning(1));
      assertTrue(r.agreed(), () -> r.state() + " " + r.readout());
      assertEquals(100, r.steps());
      assertEquals(r.hashA(), r.hashB());
      assertTrue(r.updates() > 0);
      boolean moved = false;
      for (WeightTensor t : NET.config().tensors()) {
        moved |= !java.util.Arrays.equals(NET.weights().get(t.name()), a.readWeights(t.name()));
      }
      assertTrue(moved, "learning must move weights for the agreement to mean something");
    }
  }

  @Test
  void aDifferentSeedIsFoundBeforeTheFirstStepInTheFirstTensorsGenerator() {
    try (Device a = new SimDevice(); Device b = new SimDevice()) {
      LearningLockstep.Report r = run(a, b, learning(1), learning(2));
      LearningLockstep.StateDivergence d = r.state();
      assertEquals(-1, d.step());
      assertEquals("layer0.in", d.tensor());
      assertEquals("rng", d.variable());
      assertEquals(Sl1Device.learningState(a).tensors().get(0).rng(), d.a());
      assertNotEquals(d.a(), d.b());
      assertTrue(d.describe().contains("before the first step"), d.describe());
    }
  }

  @Test
  void aDifferentLearningRateOfOneTensorIsNamed() {
    LearningConfig base = learning(1);
    Map<String, Integer> rates = new LinkedHashMap<>(base.learningRates());
    rates.put(WeightTensor.OUT_W, 1 << 21);
    LearningConfig slower = new LearningConfig(rates, 8, 16, base.beta1Q20(), base.beta2Q20(),
        base.epsExp(), base.masterFracBits(), base.seed(), base.outputFracBits(),
        base.surrogateShift(), base.surrogateTable());
    try (Device a = new SimDevice(); Device b = new SimDevice()) {
      LearningLockstep.StateDivergence d = run(a, b, base, slower).state();
      assertEquals("out.w", d.tensor());
      assertEquals("lrQ16", d.variable());
      assertEquals(1 << 22, d.a());
      assertEquals(1 << 21, d.b());
    }
  }

  @Test
  void aWeightCorruptedMidRunIsLocatedByStepTensorAndIndex() {
    int corruptAfter = 37;
    try (Device a = new SimDevice();
         Device b = new CorruptAfter(new SimDevice(), corruptAfter, "layer0.rec", 5)) {
      LearningLockstep.Report r = run(a, b, learning(1), learning(1));
      assertNull(r.readout(), "the forward pass of that step still agreed");
      LearningLockstep.StateDivergence d = r.state();
      assertEquals(corruptAfter - 1, d.step(), d.describe());
      assertEquals(1, d.sample());
      assertEquals(corruptAfter - 1 - 30, d.sampleStep());
      assertEquals("layer0.rec", d.tensor());
      assertEquals("w", d.variable());
      assertEquals(5, d.index());
      assertEquals(1, Math.abs(d.a() - d.b()));
      assertTrue(d.describe().contains("core weight layer0.rec[5]"), d.describe());
    }
  }

  /** A device that, right after its n-th step, moves one weight by 1 (an upset in SRAM). */
  private static final class CorruptAfter extends ForwardingDevice {
    private final long afterSteps;
    private final String tensor;
    private final int index;
    private long steps;

    CorruptAfter(Device inner, long afterSteps, String tensor, int index) {
      super(inner);
      this.afterSteps = afterSteps;
      this.tensor = tensor;
      this.index = index;
    }

    @Override
    public StepResult step(SpikeFrame input, ReadoutLevel readout) {
      StepResult r = delegate().step(input, readout);
      if (++steps == afterSteps) {
        int[] w = delegate().readWeights(tensor);
        w[index] += w[index] < 127 ? 1 : -1;
        delegate().writeWeights(tensor, w);
      }
      return r;
    }

    @Override
    public List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
      return stepEach(inputs, readout);
    }
  }
}
