package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The loss mask, rate penalty and weight decay of {@link TrainingObjective}: the float32 trainer
 * against the float64 reference (whose gradient with the objective is checked against finite
 * differences in {@link GradientCheckTest}), and properties that hold independently of either:
 * the exact decay factor, masked steps contributing nothing, complementary masks adding up.
 */
class TrainingObjectiveTest {
  private static final SnnConfig CONFIG =
      new SnnConfig(15, List.of(10), true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
  private static final TrainingObjective SHAPED = new TrainingObjective(2, true, 0.8, 0.3);

  /** Random samples whose inputs stop at a random step (trailing silence of 0-4 steps). */
  private static List<SpikeSample> silentTails(long seed, int batch, int steps) {
    SplittableRandom random = new SplittableRandom(seed);
    List<SpikeSample> out = new ArrayList<>();
    for (SpikeSample s : FastTrainerTest.randomBatch(random, batch, steps, 15, 4, 0.3)) {
      int end = steps - random.nextInt(5);
      out.add(cut(s, end));
    }
    return out;
  }

  /** {@code s} with no spikes from step {@code end} on. */
  private static SpikeSample cut(SpikeSample s, int end) {
    int[] offsets = s.offsets().clone();
    for (int t = end; t < s.steps(); t++) {
      offsets[t + 1] = offsets[end];
    }
    return new SpikeSample(s.label(), offsets,
        java.util.Arrays.copyOf(s.channels(), offsets[s.steps()]), s.speaker());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"tbptt1, adam", "tbptt1, sgd", "bptt, adam", "bptt, sgd", "tbptt-3, adam"})
  void fastPathFollowsTheReferenceWithMaskRatePenaltyAndDecay(String mode, String optimizer) {
    TrainingMode m = mode.equals("tbptt-3") ? TrainingMode.tbpttK(3) : TrainingMode.parse(mode, 1);
    OptimizerSpec spec = optimizer.equals("adam") ? new OptimizerSpec.Adam(1e-2, 0.9, 0.99, 1e-8)
        : new OptimizerSpec.Sgd(0.05, 0.9);
    SnnParameters init = FastTrainerTest.strongInit(CONFIG, 3);
    ReferenceTrainer reference =
        new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, m, spec, SHAPED);
    FastTrainer fast = new FastTrainer(init, m, spec, 3, SHAPED);
    FastTrainer plain = new FastTrainer(init, m, spec, 3);
    for (int round = 0; round < 3; round++) {
      List<SpikeSample> samples = silentTails(20 + round, 3, 9);
      var r = reference.train(samples);
      var f = fast.train(samples);
      plain.train(samples);
      assertEquals(r.meanLoss(), f.meanLoss(), 1e-4 * Math.abs(r.meanLoss()), "loss round " + round);
      assertArrayEquals(r.summedPredictions(), f.summedPredictions());
    }
    SnnParameters want = reference.parameters();
    SnnParameters got = fast.parameters();
    new GoldenTrainVectorsTest.Tolerance(1e-5, 1e-4).check("parameter", got, want);
    assertTrue(got.maxAbsDifference(plain.parameters()) > 1e-3,
        "the objective must change the training");
  }

  @Test
  void weightDecayShrinksWeightMatricesByExactlyOneMinusLrTimesDecayPerUpdate() {
    // Silent inputs and negative biases: no neuron ever spikes, so every weight matrix gets a zero
    // gradient (its rows are those of spiking units) and only the decay moves it.
    SnnParameters init = SnnParameters.initialise(CONFIG, 5);
    for (ParameterTensor t : init.tensors()) {
      if (t.name().startsWith("layer") && t.name().endsWith("bias")) {
        java.util.Arrays.fill(t.values(), -1);
      }
    }
    int steps = 6;
    List<SpikeSample> silent = List.of(new SpikeSample(1, new int[steps + 1], new int[0], -1));
    for (OptimizerSpec spec : List.of(new OptimizerSpec.Sgd(0.1, 0), new OptimizerSpec.Sgd(0.1, 0.9),
        new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8))) {
      double decay = 0.5;
      FastTrainer fast = new FastTrainer(init, TrainingMode.TBPTT1, spec, 1,
          new TrainingObjective(0, false, 0, decay));
      ReferenceTrainer reference = new ReferenceTrainer(init.copy(), Surrogate.DEFAULT,
          TrainingMode.TBPTT1, spec, new TrainingObjective(0, false, 0, decay));
      fast.train(silent);
      reference.train(silent);
      float keep32 = (float) (1 - spec.lr() * decay);
      double keep64 = Math.pow(1 - spec.lr() * decay, steps);
      for (int i = 0; i < init.tensors().size(); i++) {
        ParameterTensor before = init.tensors().get(i);
        double[] after32 = fast.parameters().tensors().get(i).values();
        double[] after64 = reference.parameters().tensors().get(i).values();
        boolean bias = before.name().endsWith("bias");
        for (int j = 0; j < after32.length; j++) {
          float w = (float) before.values()[j];
          for (int s = 0; s < steps; s++) {
            w *= keep32;
          }
          if (!bias) {
            assertEquals(w, (float) after32[j], 0, before.name() + "[" + j + "] float32");
            assertEquals(before.values()[j] * keep64, after64[j], 1e-15,
                before.name() + "[" + j + "] float64");
          }
        }
        if (before.name().equals("out.bias")) {
          // biases are not decayed: the output bias moved by its (nonzero) gradient only
          assertTrue(maxDiff(before.values(), after32) > 1e-4);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"tbptt1", "bptt"})
  void stepsWithoutLossLeaveTheWeightsUnchanged(String mode) {
    // every step masked: skipping all 7 steps, or a silence mask on samples without any input
    SnnParameters init = FastTrainerTest.strongInit(CONFIG, 7);
    OptimizerSpec sgd = new OptimizerSpec.Sgd(0.1, 0);
    List<SpikeSample> samples = silentTails(3, 2, 7);
    List<SpikeSample> mute = List.of(new SpikeSample(2, new int[8], new int[0], -1));
    TrainingMode m = TrainingMode.parse(mode, 1);
    SnnParameters start = new FastTrainer(init, m, sgd, 2).parameters(); // init in float32
    FastTrainer skipAll = new FastTrainer(init, m, sgd, 2, new TrainingObjective(7, false, 0, 0));
    skipAll.train(samples);
    assertEquals(0, skipAll.parameters().maxAbsDifference(start));
    FastTrainer silence = new FastTrainer(init, m, sgd, 2, new TrainingObjective(0, true, 0, 0));
    silence.train(mute);
    assertEquals(0, silence.parameters().maxAbsDifference(start));
    FastTrainer unmasked = new FastTrainer(init, m, sgd, 2);
    unmasked.train(mute);
    assertTrue(unmasked.parameters().maxAbsDifference(start) > 1e-6, "without the mask it learns");
  }

  @Test
  void complementaryMasksAddUpToTheUnmaskedBpttUpdate() {
    // Inputs end at step K-1 in every sample: the silence mask keeps steps 0..K-1 and skipping K
    // keeps the rest, so with one plain SGD update the two updates sum to the unmasked one.
    int steps = 9;
    int k = 5;
    List<SpikeSample> samples = new ArrayList<>();
    for (SpikeSample s : silentTails(11, 3, steps)) {
      SpikeSample c = cut(s, k);
      int[] offsets = c.offsets().clone();
      int[] channels = c.channels();
      if (offsets[k] == offsets[k - 1]) {
        // make sure the last input spike is at step K-1
        channels = java.util.Arrays.copyOf(channels, channels.length + 1);
        channels[channels.length - 1] = 0;
        for (int t = k; t <= steps; t++) {
          offsets[t]++;
        }
      }
      samples.add(new SpikeSample(c.label(), offsets, channels, -1));
    }
    SnnParameters init = FastTrainerTest.strongInit(CONFIG, 9);
    OptimizerSpec sgd = new OptimizerSpec.Sgd(1.0, 0);
    for (boolean useFast : new boolean[] {true, false}) {
      double[] all = delta(useFast, init, sgd, TrainingObjective.PLAIN, samples);
      double[] late = delta(useFast, init, sgd, new TrainingObjective(k, false, 0, 0), samples);
      double[] early = delta(useFast, init, sgd, new TrainingObjective(0, true, 0, 0), samples);
      double largest = 0;
      for (int i = 0; i < all.length; i++) {
        assertEquals(all[i], late[i] + early[i], useFast ? 2e-6 : 1e-12, "parameter " + i);
        largest = Math.max(largest, Math.min(Math.abs(late[i]), Math.abs(early[i])));
      }
      assertTrue(largest > 1e-3, "both halves must carry gradient, largest " + largest);
    }
  }

  private static double[] delta(boolean fast, SnnParameters init, OptimizerSpec spec,
                                TrainingObjective objective, List<SpikeSample> samples) {
    SnnTrainer trainer = fast ? new FastTrainer(init, TrainingMode.BPTT, spec, samples.size(),
        objective)
        : new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, TrainingMode.BPTT, spec, objective);
    trainer.train(samples);
    List<Double> d = new ArrayList<>();
    SnnParameters after = trainer.parameters();
    for (int i = 0; i < init.tensors().size(); i++) {
      double[] a = after.tensors().get(i).values();
      double[] b = init.tensors().get(i).values();
      for (int j = 0; j < a.length; j++) {
        d.add(a[j] - (fast ? (float) b[j] : b[j]));
      }
    }
    return d.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void ratePenaltyLowersTheFiringRate() {
    SnnParameters init = FastTrainerTest.strongInit(CONFIG, 2);
    OptimizerSpec adam = new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8);
    FastTrainer plain = new FastTrainer(init, TrainingMode.BPTT, adam, 4);
    FastTrainer penalised = new FastTrainer(init, TrainingMode.BPTT, adam, 4,
        new TrainingObjective(0, false, 50, 0));
    for (int round = 0; round < 10; round++) {
      List<SpikeSample> samples = silentTails(40 + round, 4, 9);
      plain.train(samples);
      penalised.train(samples);
    }
    List<SpikeSample> test = silentTails(99, 4, 9);
    long spikesPlain = java.util.Arrays.stream(plain.infer(test).spikes()).sum();
    long spikesPenalised = java.util.Arrays.stream(penalised.infer(test).spikes()).sum();
    assertTrue(spikesPenalised < 0.5 * spikesPlain,
        "spikes with the penalty " + spikesPenalised + " vs without " + spikesPlain);
  }

  @Test
  void rejectsNegativeSettings() {
    assertThrows(IllegalArgumentException.class, () -> new TrainingObjective(-1, false, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new TrainingObjective(0, false, -1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new TrainingObjective(0, false, 0, Double.NaN));
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
