package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.Fptt;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.sim.learning.AdamSchedule;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FPTT's regulariser (docs/architecture.md, "FPTT") beyond the golden vectors (which cover
 * tbptt1 with Adam and SGD in both trainers): the float32 trainer's chunked and multi-layer paths
 * against the float64 trainer, checkpoints that resume bit for bit, and the combinations refused.
 */
class FpttTest {
  private static final Fptt FPTT = new Fptt(0.3, 0.5);
  private static final TrainingObjective OBJECTIVE = TrainingObjective.PLAIN.withFptt(FPTT);

  @ParameterizedTest(name = "{0} hidden={1} {2}")
  @CsvSource({"tbptt1, 12;8, adam", "tbptt-3, 10, adam", "tbptt-3, 9, sgd", "bptt, 10, adam"})
  void fastTrainerFollowsTheReference(String mode, String hidden, String optimizer) {
    List<Integer> sizes = java.util.Arrays.stream(hidden.split(";")).map(String::trim)
        .map(Integer::valueOf).toList();
    SnnConfig config = new SnnConfig(15, sizes, true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
    TrainingMode m = mode.startsWith("tbptt-") ? TrainingMode.tbpttK(3) : TrainingMode.parse(mode, 1);
    OptimizerSpec spec = optimizer.equals("adam") ? new OptimizerSpec.Adam(1e-3, 0.9, 0.99, 1e-8)
        : new OptimizerSpec.Sgd(0.05, 0.5);
    SnnParameters init = FastTrainerTest.strongInit(config, 3);
    ReferenceTrainer reference = new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, m, spec,
        OBJECTIVE);
    FastTrainer fast = new FastTrainer(init, m, spec, 3, OBJECTIVE);
    FastTrainer plain = new FastTrainer(init, m, spec, 3);
    SplittableRandom random = new SplittableRandom(9);
    for (int round = 0; round < 3; round++) {
      List<SpikeSample> samples = FastTrainerTest.randomBatch(random, 3, 8, 15, 4, 0.25);
      var r = reference.train(samples);
      var f = fast.train(samples);
      plain.train(samples);
      assertEquals(r.meanLoss(), f.meanLoss(), 1e-4 * Math.abs(r.meanLoss()), "loss " + round);
    }
    new GoldenTrainVectorsTest.Tolerance(1e-5, 1e-4).check("parameter", fast.parameters(),
        reference.parameters());
    // the regulariser did something (else this test could not fail for a missing FPTT path)
    assertTrue(fast.parameters().maxAbsDifference(plain.parameters()) > 1e-4,
        "FPTT changed nothing: " + fast.parameters().maxAbsDifference(plain.parameters()));
  }

  @Test
  void checkpointsResumeBitForBit() {
    SnnConfig config = new SnnConfig(15, List.of(10), true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
    SnnParameters init = FastTrainerTest.strongInit(config, 5);
    OptimizerSpec adam = new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8);
    SplittableRandom random = new SplittableRandom(4);
    List<SpikeSample> first = FastTrainerTest.randomBatch(random, 2, 8, 15, 4, 0.25);
    List<SpikeSample> second = FastTrainerTest.randomBatch(random, 2, 8, 15, 4, 0.25);
    for (boolean fast : new boolean[] {true, false}) {
      SnnTrainer whole = trainer(fast, init, adam);
      whole.train(first);
      StateMap saved = whole.saveState();
      whole.train(second);
      SnnTrainer resumed = trainer(fast, init, adam);
      resumed.restoreState(saved);
      resumed.train(second);
      assertEquals(0, resumed.parameters().maxAbsDifference(whole.parameters()),
          (fast ? "float32" : "float64") + " trainer resumed differently");
      // a checkpoint of a run without FPTT has no state for it: refused, naming why
      SnnTrainer withoutFptt = fast ? new FastTrainer(init, TrainingMode.TBPTT1, adam, 2)
          : new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, TrainingMode.TBPTT1, adam);
      withoutFptt.train(first);
      StateMap plainState = withoutFptt.saveState();
      SnnTrainer target = trainer(fast, init, adam);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> target.restoreState(plainState));
      assertTrue(e.getMessage().contains("no FPTT state"), e.getMessage());
    }
  }

  private static SnnTrainer trainer(boolean fast, SnnParameters init, OptimizerSpec spec) {
    return fast ? new FastTrainer(init, TrainingMode.TBPTT1, spec, 2, OBJECTIVE)
        : new ReferenceTrainer(init.copy(), Surrogate.DEFAULT, TrainingMode.TBPTT1, spec,
            OBJECTIVE);
  }

  @Test
  void refusesWhatItCannotRegularise() {
    SnnConfig config = new SnnConfig(15, List.of(10), true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);
    SnnParameters init = FastTrainerTest.strongInit(config, 5);
    OptimizerSpec.Adam adam = new OptimizerSpec.Adam(1e-3, 0.9, 0.999, 1e-8);
    IllegalArgumentException lazy = assertThrows(IllegalArgumentException.class,
        () -> new FastTrainer(init, TrainingMode.TBPTT1, adam.withSchedule(AdamSchedule.LAZY), 1,
            OBJECTIVE));
    assertTrue(lazy.getMessage().contains("dense optimizer"), lazy.getMessage());
    IllegalArgumentException decay = assertThrows(IllegalArgumentException.class,
        () -> new TrainingObjective(0, false, 0, 1e-3, FPTT));
    assertTrue(decay.getMessage().contains("weight decay"), decay.getMessage());
    IllegalArgumentException eprop = assertThrows(IllegalArgumentException.class,
        () -> new EpropTrainer(init, adam, 1, OBJECTIVE, null));
    assertTrue(eprop.getMessage().contains("eprop"), eprop.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Fptt(-0.1, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new Fptt(0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Fptt(Double.NaN, 0.5));
  }
}
