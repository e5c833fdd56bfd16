package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spikeloop.data.SpikeSample;
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
 * The float32 fast path against the float64 reference on what the golden files do not cover:
 * several layers, uneven tbptt-k chunks, SGD with momentum, several batches in a row, inference
 * counters. Tolerance: 1e-4 relative plus 1e-5 absolute on parameters after training.
 */
class FastTrainerTest {

  static List<SpikeSample> randomBatch(SplittableRandom random, int batch, int steps, int inputs,
                                       int classes, double density) {
    List<SpikeSample> list = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      int[] offsets = new int[steps + 1];
      List<Integer> ids = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        for (int i = 0; i < inputs; i++) {
          if (random.nextDouble() < density) {
            ids.add(i);
          }
        }
        offsets[t + 1] = ids.size();
      }
      list.add(new SpikeSample(random.nextInt(classes), offsets,
          ids.stream().mapToInt(Integer::intValue).toArray(), -1));
    }
    return list;
  }

  static SnnParameters strongInit(SnnConfig config, long seed) {
    SnnParameters p = SnnParameters.initialise(config, seed);
    for (var t : p.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] *= 3;
      }
    }
    return p;
  }

  @ParameterizedTest(name = "{0} hidden={1} recurrent={2} batch={3} {4}")
  @CsvSource({
      "tbptt1, 12;8, true, 3, adam",
      "tbptt1, 10, true, 1, sgd",
      "bptt, 12;8, false, 4, sgd",
      "bptt, 10;6, true, 2, adam",
      "tbptt-3, 10, true, 3, adam",
      "tbptt-3, 9;7, true, 2, sgd",
  })
  void fastPathFollowsTheReference(String mode, String hidden, boolean recurrent, int batch,
                                   String optimizer) {
    List<Integer> sizes = java.util.Arrays.stream(hidden.split(";")).map(String::trim)
        .map(Integer::valueOf).toList();
    SnnConfig config = new SnnConfig(15, sizes, recurrent, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
    TrainingMode m = mode.startsWith("tbptt-") ? TrainingMode.tbpttK(3) : TrainingMode.parse(mode, 1);
    OptimizerSpec spec = optimizer.equals("adam") ? new OptimizerSpec.Adam(1e-3, 0.9, 0.99, 1e-8)
        : new OptimizerSpec.Sgd(0.05, 0.9);
    SnnParameters init = strongInit(config, 3);
    ReferenceTrainer reference = new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, m, spec);
    FastTrainer fast = new FastTrainer(init, m, spec, batch);
    SplittableRandom random = new SplittableRandom(9);
    for (int round = 0; round < 3; round++) {
      List<SpikeSample> samples = randomBatch(random, batch, 8, 15, 4, 0.25);
      var r = reference.train(samples);
      var f = fast.train(samples);
      assertEquals(r.meanLoss(), f.meanLoss(), 1e-4 * Math.abs(r.meanLoss()), "loss round " + round);
      assertArrayEquals(r.predictions(), f.predictions());
      assertArrayEquals(r.summedPredictions(), f.summedPredictions());
    }
    SnnParameters want = reference.parameters();
    SnnParameters got = fast.parameters();
    new GoldenTrainVectorsTest.Tolerance(1e-5, 1e-4).check("parameter", got, want);
    List<SpikeSample> test = randomBatch(random, 5, 8, 15, 4, 0.25);
    var ri = reference.infer(test);
    var fi = fast.infer(test);
    assertArrayEquals(ri.spikes(), fi.spikes());
    assertArrayEquals(ri.sops(), fi.sops());
    for (int b = 0; b < 5; b++) {
      assertArrayEquals(ri.lastOutput()[b], fi.lastOutput()[b], 1e-4);
      assertArrayEquals(ri.summedOutput()[b], fi.summedOutput()[b], 1e-3);
    }
  }

  @Test
  void chunkOfOneIsTbptt1AndChunkOfTIsBptt() {
    SnnConfig config = new SnnConfig(15, List.of(10), true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
    SnnParameters init = strongInit(config, 4);
    List<SpikeSample> samples = randomBatch(new SplittableRandom(2), 3, 7, 15, 4, 0.25);
    OptimizerSpec adam = OptimizerSpec.Adam.PAPER;
    for (boolean useFast : new boolean[] {true, false}) {
      SnnParameters k1 = trainOnce(useFast, init, TrainingMode.tbpttK(1), adam, samples);
      SnnParameters t1 = trainOnce(useFast, init, TrainingMode.TBPTT1, adam, samples);
      SnnParameters k7 = trainOnce(useFast, init, TrainingMode.tbpttK(7), adam, samples);
      SnnParameters full = trainOnce(useFast, init, TrainingMode.BPTT, adam, samples);
      SnnParameters k3 = trainOnce(useFast, init, TrainingMode.tbpttK(3), adam, samples);
      assertEquals(0, k1.maxAbsDifference(t1), "k=1 vs tbptt1");
      assertEquals(0, k7.maxAbsDifference(full), "k=T vs bptt");
      // and the modes do differ from each other
      org.junit.jupiter.api.Assertions.assertTrue(k3.maxAbsDifference(full) > 1e-6);
      org.junit.jupiter.api.Assertions.assertTrue(k3.maxAbsDifference(t1) > 1e-6);
    }
  }

  private static SnnParameters trainOnce(boolean fast, SnnParameters init, TrainingMode mode,
                                         OptimizerSpec spec, List<SpikeSample> samples) {
    SnnTrainer trainer = fast ? new FastTrainer(init, mode, spec, samples.size())
        : new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, mode, spec);
    trainer.train(samples);
    return trainer.parameters();
  }

  @Test
  void rejectsOversizedBatchesAndUnknownChannels() {
    SnnConfig config = new SnnConfig(5, List.of(4), false, 2, 0.9, 0.9, 1.0, Surrogate.DEFAULT);
    FastTrainer fast = new FastTrainer(SnnParameters.initialise(config, 1), TrainingMode.TBPTT1,
        OptimizerSpec.Adam.PAPER, 1);
    List<SpikeSample> two = randomBatch(new SplittableRandom(1), 2, 3, 5, 2, 0.5);
    assertThrows(IllegalArgumentException.class, () -> fast.train(two));
    List<SpikeSample> wide = randomBatch(new SplittableRandom(1), 1, 3, 9, 2, 0.9);
    assertThrows(IllegalArgumentException.class, () -> fast.train(wide));
  }
}
