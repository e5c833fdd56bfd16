package io.spikeloop.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ForwardingDevice;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.reckon.ReckonCodecs;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonRandomNetworks;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LearningLockstep} on target reckon: e-prop through the generic learning extension. */
class ReckonLearningLockstepTest {
  private static final int STEPS_PER_SAMPLE = 40;

  private record Setup(ReckonNetwork net, Map<String, int[]> weights) {}

  private static Setup setup(long seed) {
    Random random = new Random(seed);
    ReckonNetwork net = ReckonRandomNetworks.network(random, true);
    return new Setup(net, ReckonRandomNetworks.genericWeights(random, net));
  }

  /** 6 samples of 40 steps over the network's inputs, ~30% input density, labels 0..4. */
  private static InMemoryDataset data(int inputs) {
    Random r = new Random(3);
    List<SpikeSample> samples = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int[] offsets = new int[STEPS_PER_SAMPLE + 1];
      List<Integer> ch = new ArrayList<>();
      for (int t = 0; t < STEPS_PER_SAMPLE; t++) {
        for (int c = 0; c < inputs; c++) {
          if (r.nextDouble() < 0.3) {
            ch.add(c);
          }
        }
        offsets[t + 1] = ch.size();
      }
      samples.add(new SpikeSample(i % 5, offsets, ch.stream().mapToInt(x -> x).toArray(), -1));
    }
    return new InMemoryDataset("test", inputs, 5, STEPS_PER_SAMPLE, samples);
  }

  private static final LearningLockstep.Options OPTIONS =
      new LearningLockstep.Options(1, true, 1, 0);

  private static TargetState learning(ReckonNetwork.Eprop e) {
    return ReckonCodecs.encodeLearningConfig(e);
  }

  private static LearningLockstep.Report run(Device a, Device b, Setup s, ReckonNetwork.Eprop ea,
                                             ReckonNetwork.Eprop eb, long steps) {
    return LearningLockstep.run(a, b, s.net(), s.weights(), learning(ea), learning(eb),
        data(s.net().inputs()), steps, OPTIONS, null);
  }

  @Test
  void twoModelsAgreeWhileEpropMovesWeights() {
    Setup s = setup(1);
    ReckonNetwork.Eprop e = s.net().eprop();
    try (Device a = Devices.open("sim:reckon"); Device b = Devices.open("sim:reckon")) {
      LearningLockstep.Report r = run(a, b, s, e, e, 200);
      assertTrue(r.agreed(), () -> r.state() + " " + r.readout());
      assertEquals(200, r.steps());
      assertEquals(r.hashA(), r.hashB());
      assertEquals(201, r.checks(), "states before the first step and after every step");
      assertTrue(r.weightChanges() > 0, "e-prop must move weights: " + r);
      // labels from step 1 of each 40-step sample: 39 e-prop ticks per sample, 5 samples
      assertEquals(5 * 39, r.updates());
    }
  }

  @Test
  void aWeightUpsetBetweenSamplesIsLocatedAtTheNextSamplesFirstStep() {
    Setup s = setup(2);
    ReckonNetwork.Eprop e = s.net().eprop();
    int index = 5;
    try (Device a = Devices.open("sim:reckon");
         Device b = new UpsetAtReset(Devices.open("sim:reckon"), 3, "w_rec", index)) {
      LearningLockstep.Report r = run(a, b, s, e, e, 200);
      assertNull(r.readout(), "the first step of a sample integrates inputs only: " + r);
      LearningLockstep.StateDivergence d = r.state();
      assertNotNull(d, r.toString());
      assertEquals(2 * STEPS_PER_SAMPLE, d.step(), d.describe());
      assertEquals(2, d.sample());
      assertEquals(0, d.sampleStep());
      assertEquals(LearningLockstep.Part.WEIGHT, d.part());
      assertEquals("w_rec", d.tensor());
      assertEquals(index, d.index());
      assertEquals(1, Math.abs(d.a() - d.b()));
      assertTrue(d.describe().contains("core weight w_rec[5]"), d.describe());
    }
  }

  @Test
  void anotherOutputLearningRateIsLocatedInTheOutputWeightsWhereTheyFirstDiffer() {
    Setup s = setup(1);
    ReckonNetwork.Eprop e = s.net().eprop();
    ReckonNetwork.Eprop slower = e.withRateRight(ReckonTensor.OUTPUT,
        e.rateRight(ReckonTensor.OUTPUT) + 3);
    LearningLockstep.StateDivergence d;
    try (Device a = Devices.open("sim:reckon"); Device b = Devices.open("sim:reckon")) {
      d = run(a, b, s, e, slower, 200).state();
    }
    assertNotNull(d, "8x slower W_out learning must show within 200 steps");
    assertEquals(LearningLockstep.Part.WEIGHT, d.part());
    assertEquals("w_out", d.tensor(), d.describe());
    assertTrue(d.sampleStep() >= 1, "no learning before the label: " + d.describe());
    // the first: one step earlier everything still agrees
    if (d.step() > 0) {
      try (Device a = Devices.open("sim:reckon"); Device b = Devices.open("sim:reckon")) {
        assertTrue(run(a, b, s, e, slower, d.step()).agreed());
      }
    }
  }

  @Test
  void aLearningStateImageDifferenceIsNamedByTensorAndGenericIndex() {
    Setup s = setup(1);
    ReckonNetwork net = s.net();
    byte[] in = new byte[net.inputs() * net.recurrent()];
    byte[] rec = new byte[net.recurrent() * net.recurrent()];
    byte[] out = new byte[net.recurrent() * net.outputs()];
    byte[] rec2 = rec.clone();
    int pre = 1;
    int post = 2;
    rec2[pre * net.recurrent() + post] = 7; // chip order [pre][post]
    var learning = new io.spikeloop.target.reckon.ReckonTarget().onChipLearning().orElseThrow();
    var d = learning.firstDifference(
        ReckonCodecs.encodeLearningState(net, new ReckonCodecs.LearningWeights(in, rec, out)),
        ReckonCodecs.encodeLearningState(net, new ReckonCodecs.LearningWeights(in, rec2, out)));
    assertEquals("w_rec", d.tensor());
    assertEquals("w", d.variable());
    assertEquals(post * net.recurrent() + pre, d.index(), "generic [post][pre] index");
    assertEquals(0, d.a());
    assertEquals(7, d.b());
  }

  @Test
  void labelsBeforeAReckonSamplesFirstTickAreRefusedByTheChip() {
    Setup s = setup(1);
    ReckonNetwork.Eprop e = s.net().eprop();
    try (Device a = Devices.open("sim:reckon"); Device b = Devices.open("sim:reckon")) {
      var everyStep = new LearningLockstep.Options(0, true, 1, 0);
      RuntimeException x = assertThrows(RuntimeException.class, () -> LearningLockstep.run(a, b,
          s.net(), s.weights(), learning(e), learning(e), data(s.net().inputs()), 10, everyStep,
          null));
      assertTrue(x.getMessage().contains("label"), x.getMessage());
    }
  }

  /**
   * A device whose weight moves by 1 when its {@code n}-th sample ends (an SRAM upset between
   * samples; ReckOn takes weight writes only there).
   */
  private static final class UpsetAtReset extends ForwardingDevice {
    private final int atReset;
    private final String tensor;
    private final int index;
    private int resets;

    UpsetAtReset(Device inner, int atReset, String tensor, int index) {
      super(inner);
      this.atReset = atReset;
      this.tensor = tensor;
      this.index = index;
    }

    @Override
    public void reset() {
      delegate().reset();
      if (++resets == atReset) {
        int[] w = delegate().readWeights(tensor);
        w[index] += w[index] < 127 ? 1 : -1;
        delegate().writeWeights(tensor, w);
      }
    }
  }
}
