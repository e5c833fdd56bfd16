package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * e-prop beyond the golden vectors: without leak its traces hold one step and it is tBPTT1
 * (checked against {@link FastTrainer}), with leak it is not; inference as the fast trainer's;
 * checkpoints resume bit-identically; the random feedback is seeded; what it refuses.
 */
class EpropTrainerTest {

  @ParameterizedTest(name = "recurrent={0} batch={1} {2}")
  @CsvSource({"true, 3, adam", "false, 2, sgd", "true, 1, sgd"})
  void withoutLeakTheTracesHoldOneStepAndEpropIsTbptt1(boolean recurrent, int batch,
                                                       String optimizer) {
    SnnConfig config = new SnnConfig(15, List.of(10), recurrent, 4, 0.0, 0.0, 1.0,
        Surrogate.DEFAULT);
    OptimizerSpec spec = optimizer.equals("adam") ? new OptimizerSpec.Adam(1e-2, 0.9, 0.99, 1e-8)
        : new OptimizerSpec.Sgd(0.1, 0.9);
    SnnParameters init = FastTrainerTest.strongInit(config, 5);
    EpropTrainer eprop = new EpropTrainer(init, spec, batch, TrainingObjective.PLAIN, null);
    FastTrainer tbptt1 = new FastTrainer(init, TrainingMode.TBPTT1, spec, batch);
    SplittableRandom random = new SplittableRandom(3);
    for (int round = 0; round < 3; round++) {
      List<SpikeSample> samples = FastTrainerTest.randomBatch(random, batch, 8, 15, 4, 0.3);
      var e = eprop.train(samples);
      var f = tbptt1.train(samples);
      assertEquals(f.meanLoss(), e.meanLoss(), 1e-5 * Math.abs(f.meanLoss()), "round " + round);
      assertArrayEquals(f.summedPredictions(), e.summedPredictions());
    }
    new GoldenTrainVectorsTest.Tolerance(1e-6, 1e-4).check("parameters", eprop.parameters(),
        tbptt1.parameters());
  }

  @Test
  void withLeakTheTracesCarryCreditAndInferenceIsTheFastTrainers() {
    SnnConfig config = new SnnConfig(15, List.of(10), true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
    OptimizerSpec spec = new OptimizerSpec.Adam(1e-2, 0.9, 0.99, 1e-8);
    SnnParameters init = FastTrainerTest.strongInit(config, 5);
    EpropTrainer eprop = new EpropTrainer(init, spec, 3, TrainingObjective.PLAIN, null);
    FastTrainer tbptt1 = new FastTrainer(init, TrainingMode.TBPTT1, spec, 3);
    List<SpikeSample> samples = FastTrainerTest.randomBatch(new SplittableRandom(4), 3, 10, 15, 4,
        0.3);
    eprop.train(samples);
    tbptt1.train(samples);
    assertTrue(eprop.parameters().maxAbsDifference(tbptt1.parameters()) > 1e-3,
        "e-prop's traces change the updates");
    FastTrainer twin = new FastTrainer(eprop.parameters(), TrainingMode.TBPTT1, spec, 3);
    List<SpikeSample> test = FastTrainerTest.randomBatch(new SplittableRandom(8), 5, 10, 15, 4,
        0.3);
    var a = eprop.infer(test);
    var b = twin.infer(test);
    assertArrayEquals(b.spikes(), a.spikes());
    assertArrayEquals(b.sops(), a.sops());
    for (int s = 0; s < 5; s++) {
      assertArrayEquals(b.lastOutput()[s], a.lastOutput()[s], 1e-5);
    }
  }

  @Test
  void aRestoredTrainerContinuesBitIdentically() {
    SnnConfig config = new SnnConfig(12, List.of(9), true, 3, 0.9, 0.9, 1.0, Surrogate.DEFAULT);
    SnnParameters init = FastTrainerTest.strongInit(config, 2);
    OptimizerSpec spec = new OptimizerSpec.Adam(1e-2, 0.9, 0.99, 1e-8);
    double[] feedback = EpropTrainer.randomFeedback(9, 3, 7);
    SplittableRandom random = new SplittableRandom(6);
    List<SpikeSample> first = FastTrainerTest.randomBatch(random, 2, 6, 12, 3, 0.3);
    List<SpikeSample> second = FastTrainerTest.randomBatch(random, 2, 6, 12, 3, 0.3);
    EpropTrainer whole = new EpropTrainer(init, spec, 2, TrainingObjective.PLAIN, feedback);
    whole.train(first);
    StateMap saved = whole.saveState();
    whole.train(second);
    EpropTrainer resumed = new EpropTrainer(init, spec, 2, TrainingObjective.PLAIN, feedback);
    resumed.restoreState(saved);
    resumed.train(second);
    assertEquals(0, whole.parameters().maxAbsDifference(resumed.parameters()));
    EpropTrainer otherFeedback = new EpropTrainer(init, spec, 2, TrainingObjective.PLAIN,
        EpropTrainer.randomFeedback(9, 3, 8));
    assertThrows(IllegalArgumentException.class, () -> otherFeedback.restoreState(saved));
  }

  @Test
  void randomFeedbackIsSeededAndBoundedLikeTheOutputInitialisation() {
    double[] a = EpropTrainer.randomFeedback(50, 4, 1);
    assertArrayEquals(a, EpropTrainer.randomFeedback(50, 4, 1));
    assertNotEquals(a[0], EpropTrainer.randomFeedback(50, 4, 2)[0]);
    for (double v : a) {
      assertTrue(Math.abs(v) <= 1 / Math.sqrt(50));
    }
  }

  @Test
  void refusesWhatItDoesNotImplement() {
    SnnConfig twoLayers = new SnnConfig(5, List.of(4, 3), false, 2, 0.9, 0.9, 1.0,
        Surrogate.DEFAULT);
    var e = assertThrows(IllegalArgumentException.class, () -> new EpropTrainer(
        SnnParameters.initialise(twoLayers, 1), OptimizerSpec.Adam.PAPER, 1,
        TrainingObjective.PLAIN, null));
    assertTrue(e.getMessage().contains("one hidden layer"), e.getMessage());
    SnnConfig config = new SnnConfig(5, List.of(4), false, 2, 0.9, 0.9, 1.0, Surrogate.DEFAULT);
    assertThrows(IllegalArgumentException.class, () -> new EpropTrainer(
        SnnParameters.initialise(config, 1), OptimizerSpec.Adam.PAPER, 1,
        TrainingObjective.PLAIN, new double[3]));
  }

  @Test
  void traceMemoryIsFourBytesPerHiddenLayerParameterAndSampleWhateverTheSteps() {
    SnnConfig config = new SnnConfig(700, List.of(450), true, 20, 0.95, 0.95, 1.0,
        Surrogate.DEFAULT);
    long hiddenLayerParameters = (700L + 450 + 1) * 450;
    long presynaptic = 700 + 450 + 450;  // xbar, zbar, zout
    assertEquals(4 * (hiddenLayerParameters + presynaptic), EpropTrainer.traceBytes(config, 1));
    assertEquals(32 * EpropTrainer.traceBytes(config, 1), EpropTrainer.traceBytes(config, 32));
  }
}
