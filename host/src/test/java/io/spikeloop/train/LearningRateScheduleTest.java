package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The cosine schedule's factors and how the loop and the float32 trainer apply them. */
class LearningRateScheduleTest {
  private static final SnnConfig CONFIG =
      new SnnConfig(15, List.of(10), true, 4, 0.92, 0.9, 1.0, Surrogate.DEFAULT);

  @Test
  void cosineStartsAtOneAndFallsToNearZero() {
    assertEquals(1, LearningRateSchedule.COSINE.scale(1, 20));
    assertEquals(0.5, LearningRateSchedule.COSINE.scale(11, 20), 1e-15);
    assertEquals((1 + Math.cos(Math.PI * 19 / 20)) / 2, LearningRateSchedule.COSINE.scale(20, 20));
    assertEquals(1, LearningRateSchedule.CONSTANT.scale(7, 20));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.COSINE.scale(21, 20));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step"));
  }

  @Test
  void aScaledRateIsTheSameAsASmallerRate() {
    SnnParameters init = FastTrainerTest.strongInit(CONFIG, 3);
    List<SpikeSample> batch = FastTrainerTest.randomBatch(new SplittableRandom(4), 3, 8, 15, 4,
        0.3);
    FastTrainer scaled = new FastTrainer(init, TrainingMode.TBPTT1, new OptimizerSpec.Sgd(0.1, 0.5),
        3);
    scaled.scaleLearningRate(0.5);
    FastTrainer smaller = new FastTrainer(init, TrainingMode.TBPTT1,
        new OptimizerSpec.Sgd(0.05, 0.5), 3);
    scaled.train(batch);
    smaller.train(batch);
    assertEquals(0, scaled.parameters().maxAbsDifference(smaller.parameters()));
    FastTrainer frozen = new FastTrainer(init, TrainingMode.BPTT, OptimizerSpec.Adam.PAPER, 3);
    SnnParameters before = frozen.parameters();
    frozen.scaleLearningRate(0);
    frozen.train(batch);
    assertEquals(0, frozen.parameters().maxAbsDifference(before));
  }

  @Test
  void theLoopHandsTheTrainerTheFactorOfEachEpoch() {
    List<SpikeSample> samples = FastTrainerTest.randomBatch(new SplittableRandom(5), 6, 8, 15, 4,
        0.3);
    InMemoryDataset set = new InMemoryDataset("s", 15, 4, 8, samples);
    List<Double> seen = new ArrayList<>();
    SnnTrainer recording = new FastTrainer(SnnParameters.initialise(CONFIG, 1), TrainingMode.TBPTT1,
        OptimizerSpec.Adam.PAPER, 6);
    TrainingLoop.run(new ScaleRecorder(recording, seen), new DatasetSplit(set, set),
        new TrainingLoop.Settings(4, 6, 1, Readout.SUM, Augmentation.NONE,
            LearningRateSchedule.COSINE), new TrainingLoop.Listener() {});
    assertEquals(List.of(1.0, LearningRateSchedule.COSINE.scale(2, 4),
        LearningRateSchedule.COSINE.scale(3, 4), LearningRateSchedule.COSINE.scale(4, 4)), seen);
    assertTrue(seen.get(3) < 0.2);
    assertThrows(UnsupportedOperationException.class, () -> new ReferenceTrainer(
        SnnParameters.initialise(CONFIG, 1), Surrogate.DEFAULT, TrainingMode.TBPTT1,
        OptimizerSpec.Adam.PAPER).scaleLearningRate(0.5));
  }

  /** Records the factors and passes everything on. */
  private record ScaleRecorder(SnnTrainer trainer, List<Double> seen) implements SnnTrainer {
    @Override
    public void scaleLearningRate(double scale) {
      seen.add(scale);
      trainer.scaleLearningRate(scale);
    }

    @Override
    public BatchResult train(List<SpikeSample> batch) {
      return trainer.train(batch);
    }

    @Override
    public Inference infer(List<SpikeSample> batch) {
      return trainer.infer(batch);
    }

    @Override
    public SnnParameters parameters() {
      return trainer.parameters();
    }

    @Override
    public io.spikeloop.checkpoint.StateMap saveState() {
      return trainer.saveState();
    }

    @Override
    public void restoreState(io.spikeloop.checkpoint.StateMap state) {
      trainer.restoreState(state);
    }
  }
}
