package io.spikeloop.sim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearningEngineTest {
  static final int INPUTS = 16;
  static final int HIDDEN = 12;
  static final int OUTPUTS = 3;
  /** theta 2^11, 16-bit membranes; outputs o_float = o * 2^-12. */
  static final int THETA = 1 << 11;
  static final int OUT_FRAC = 12;

  static NetworkConfig net(boolean recurrent) {
    return new NetworkConfig(INPUTS, List.of(new LayerConfig(HIDDEN, recurrent, 8, 4, 20, THETA,
        3900, INPUTS)), new OutputConfig(OUTPUTS, 8, 4, 24, 3900));
  }

  static LearningConfig learning(long seed, int stateBits, int lrQ16) {
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : net(true).tensors()) {
      rates.put(t.name(), lrQ16);
    }
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i / 16.0;
      table[i] = (int) Math.rint(16384 * 0.5 * Math.exp(-2 * x * x) * 0.8);
    }
    return new LearningConfig(rates, stateBits, 16, 943718, 1047527, -27, 8, seed, OUT_FRAC, 7,
        table);
  }

  static SimDevice loaded(long weightSeed) {
    SimDevice d = new SimDevice();
    d.configure(net(true));
    SplittableRandom r = new SplittableRandom(weightSeed);
    for (WeightTensor t : d.config().tensors()) {
      int[] v = new int[t.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.cols() == 1 ? r.nextInt(-200, 200) : r.nextInt(-40, 60);
      }
      d.writeWeights(t.name(), v);
    }
    return d;
  }

  /** Two classes of input pattern plus a third, 20 steps each, with labels. */
  static List<SpikeFrame> sample(int label, SplittableRandom r) {
    SpikeFrame[] frames = new SpikeFrame[20];
    for (int t = 0; t < frames.length; t++) {
      int[] on = new int[INPUTS];
      int n = 0;
      for (int i = 0; i < INPUTS; i++) {
        boolean inBand = i / (INPUTS / OUTPUTS + 1) == label;
        if (r.nextDouble() < (inBand ? 0.5 : 0.05)) {
          on[n++] = i;
        }
      }
      frames[t] = new SpikeFrame(Arrays.copyOf(on, n), label);
    }
    return List.of(frames);
  }

  @Test
  void simAdvertisesOnChipLearning() {
    assertTrue(new SimDevice().info().has(Capability.ON_CHIP_LEARNING));
  }

  @Test
  void refusesNetworksWithTwoHiddenLayers() {
    SimDevice d = new SimDevice();
    d.configure(new NetworkConfig(4, List.of(new LayerConfig(5, false, 8, 0, 16, 100, 4000, 4),
        new LayerConfig(3, false, 8, 0, 16, 100, 4000, 5)), new OutputConfig(2, 8, 0, 16, 4000)));
    DesignRuleViolation e = assertThrows(DesignRuleViolation.class,
        () -> Sl1Device.enableLearning(d, learning(1, 8, 1 << 16)));
    assertEquals(LearningEngine.RULE, e.rule());
    assertTrue(e.getMessage().contains("one hidden layer") && e.getMessage().contains("2"),
        e.getMessage());
  }

  @Test
  void refusesUnknownTensorsAndOutOfRangeLabels() {
    SimDevice d = loaded(1);
    Map<String, Integer> rates = Map.of("layer3.in", 100);
    LearningConfig l = learning(1, 8, 100);
    LearningConfig bad = new LearningConfig(rates, 8, 16, l.beta1Q20(), l.beta2Q20(), -27, 8, 1,
        OUT_FRAC, 7, l.surrogateTable());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Sl1Device.enableLearning(d, bad))
        .getMessage().contains("layer3.in"));
    Sl1Device.enableLearning(d, l);
    int[] before = d.readWeights(WeightTensor.OUT_W);
    assertThrows(IllegalArgumentException.class, () -> d.step(new SpikeFrame(new int[] {1}, 3),
        ReadoutLevel.OUTPUTS));
    assertArrayEquals(before, d.readWeights(WeightTensor.OUT_W));
  }

  @Test
  void outputErrorIsSoftmaxMinusOneHotInQ15() {
    SimDevice d = loaded(2);
    Sl1Device.enableLearning(d, learning(1, 8, 0));
    SplittableRandom r = new SplittableRandom(5);
    for (SpikeFrame f : sample(1, r)) {
      StepResult res = d.step(f, ReadoutLevel.OUTPUTS);
      double[] o = Arrays.stream(res.outputs()).mapToDouble(v -> Math.scalb((double) v, -OUT_FRAC))
          .toArray();
      double max = Arrays.stream(o).max().orElseThrow();
      double sum = Arrays.stream(o).map(v -> Math.exp(v - max)).sum();
      int[] e = d.learningEngine().lastOutputError();
      for (int k = 0; k < OUTPUTS; k++) {
        double expected = Math.exp(o[k] - max) / sum - (k == 1 ? 1 : 0);
        assertEquals(expected, e[k] / 32768.0, 1.5e-3, "output " + k);
      }
    }
  }

  @Test
  void labelledStepsLearnAndCountUnlabelledDoNot() {
    SimDevice d = loaded(3);
    Sl1Device.enableLearning(d, learning(7, 8, 40 << 16));
    int[] before = d.readWeights(WeightTensor.layerIn(0));
    d.step(new SpikeFrame(1, 2, 3), ReadoutLevel.OUTPUTS);
    assertArrayEquals(before, d.readWeights(WeightTensor.layerIn(0)), "no label, no learning");
    assertEquals(0, d.telemetry().learningUpdates());
    long forward = d.telemetry().cycles();
    LearningEngine engine = d.learningEngine();
    for (SpikeFrame f : sample(0, new SplittableRandom(1))) {
      d.step(f, ReadoutLevel.OUTPUTS);
    }
    long params = net(true).tensors().stream().mapToLong(WeightTensor::length).sum();
    assertEquals(params, engine.parameters());
    assertEquals(20 * params, d.telemetry().learningUpdates());
    assertEquals(20 * engine.stepCycles(), d.telemetry().count(Sl1Target.LEARNING_CYCLES));
    assertTrue(d.telemetry().cycles() - forward >= d.telemetry().count(Sl1Target.LEARNING_CYCLES));
    assertFalse(Arrays.equals(before, d.readWeights(WeightTensor.layerIn(0))), "weights moved");
    Sl1Device.disableLearning(d);
    assertEquals(null, d.learningEngine());
  }

  @Test
  void sameSeedSameBitsOtherSeedOtherBits() {
    int[][] a = train(11, 8);
    int[][] b = train(11, 8);
    int[][] c = train(12, 8);
    assertTrue(Arrays.deepEquals(a, b));
    assertFalse(Arrays.deepEquals(a, c));
  }

  private static int[][] train(long seed, int stateBits) {
    SimDevice d = loaded(4);
    Sl1Device.enableLearning(d, learning(seed, stateBits, 20 << 16));
    SplittableRandom r = new SplittableRandom(9);
    for (int s = 0; s < 5; s++) {
      d.reset();
      d.run(sample(s % OUTPUTS, r), ReadoutLevel.OUTPUTS);
    }
    return d.config().tensors().stream().map(t -> d.readWeights(t.name())).toArray(int[][]::new);
  }

  @Test
  void learnsToTellThreePatternsApartWithEightAndFourBitState() {
    for (int bits : new int[] {8, 4}) {
      SimDevice d = loaded(6);
      Sl1Device.enableLearning(d, learning(3, bits, 24 << 16));
      SplittableRandom r = new SplittableRandom(2);
      for (int s = 0; s < 150; s++) {
        d.reset();
        d.run(sample(s % OUTPUTS, r), ReadoutLevel.OUTPUTS);
      }
      Sl1Device.disableLearning(d);
      int correct = 0;
      for (int s = 0; s < 60; s++) {
        d.reset();
        List<SpikeFrame> frames = sample(s % OUTPUTS, r).stream()
            .map(f -> new SpikeFrame(f.axons())).toList();
        List<StepResult> res = d.run(frames, ReadoutLevel.OUTPUTS);
        correct += res.get(res.size() - 1).argmaxOutput() == s % OUTPUTS ? 1 : 0;
      }
      assertTrue(correct >= 45, bits + "-bit state: " + correct + "/60 correct (chance 20)");
    }
  }

  @Test
  void hostWritesReseedTheMasters() {
    SimDevice d = loaded(8);
    Sl1Device.enableLearning(d, learning(1, 8, 1 << 16));
    int[] w = new int[HIDDEN * OUTPUTS];
    Arrays.fill(w, 5);
    d.writeWeights(WeightTensor.OUT_W, w);
    int[] masters = d.learningEngine().masters(WeightTensor.OUT_W);
    assertTrue(Arrays.stream(masters).allMatch(m -> m == 5 << 8));
  }

  @Test
  void expTableIsPinned() {
    assertEquals(32768, LearningEngine.EXP2_Q15[0]);
    assertEquals(16428, LearningEngine.EXP2_Q15[255]); // computed independently in Python
    assertEquals(6059301, Arrays.stream(LearningEngine.EXP2_Q15).sum());
  }
}
