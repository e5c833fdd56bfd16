package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.checkpoint.Checkpoint;
import io.spikeloop.checkpoint.CheckpointFile;
import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.optim.OptimizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted at a checkpoint and resumed from the file ends with the same weights, bit for
 * bit, as a run that was never interrupted: for both trainers and every optimizer, mid-epoch and
 * at an epoch boundary.
 */
class TrainingResumeTest {
  @TempDir
  Path dir;

  private static final int CHANNELS = 24;
  private static final int CLASSES = 3;
  private static final int STEPS = 8;

  private static InMemoryDataset dataset(String name, int n, long seed) {
    Random r = new Random(seed);
    List<SpikeSample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(CLASSES);
      int[] offsets = new int[STEPS + 1];
      List<Integer> channels = new ArrayList<>();
      for (int t = 0; t < STEPS; t++) {
        for (int c = 0; c < CHANNELS; c++) {
          if (r.nextDouble() < (c / 8 == label ? 0.4 : 0.05)) {
            channels.add(c);
          }
        }
        offsets[t + 1] = channels.size();
      }
      samples.add(new SpikeSample(label, offsets,
          channels.stream().mapToInt(Integer::intValue).toArray(), -1));
    }
    return new InMemoryDataset(name, CHANNELS, CLASSES, STEPS, samples);
  }

  private static final DatasetSplit DATA = new DatasetSplit(dataset("train", 22, 1),
      dataset("test", 6, 2));
  private static final SnnConfig NET = SnnConfig.of(CHANNELS, List.of(10), true, CLASSES, 1.0,
      20, 20);
  private static final TrainingLoop.Settings SETTINGS = new TrainingLoop.Settings(2, 5, 9,
      Readout.LAST);

  /** Thrown by the listener to stop a run the way a crash would. */
  private static final class Crash extends RuntimeException {}

  private void assertResumesBitIdentically(Supplier<SnnTrainer> fresh, long crashAfterBatches)
      throws Exception {
    assertResumesBitIdentically(fresh, crashAfterBatches, SETTINGS);
  }

  private void assertResumesBitIdentically(Supplier<SnnTrainer> fresh, long crashAfterBatches,
                                           TrainingLoop.Settings settings) throws Exception {
    SnnTrainer uninterrupted = fresh.get();
    TrainingLoop.Result full = TrainingLoop.run(uninterrupted, DATA, settings,
        new TrainingLoop.Listener() {});

    Path file = dir.resolve("checkpoint-" + crashAfterBatches + ".slc");
    SnnTrainer crashing = fresh.get();
    assertThrows(Crash.class, () -> TrainingLoop.run(crashing, DATA, settings,
        new TrainingLoop.Listener() {
          @Override
          public void positionReached(TrainingLoop.Position p) {
            if (p.batchesDone() == crashAfterBatches) {
              try {
                CheckpointFile.write(file, new Checkpoint("test",
                    crashing.saveState().putAll(p.save())));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              throw new Crash();
            }
          }
        }));

    StateMap saved = CheckpointFile.read(file).state();
    SnnTrainer resumed = fresh.get();
    resumed.restoreState(saved);
    TrainingLoop.Result rest = TrainingLoop.run(resumed, DATA, settings,
        new TrainingLoop.Listener() {}, TrainingLoop.Position.load(saved));

    List<ParameterTensor> a = uninterrupted.parameters().tensors();
    List<ParameterTensor> b = resumed.parameters().tensors();
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).values(), b.get(i).values(), a.get(i).name()
          + " after resuming from batch " + crashAfterBatches);
    }
    assertEquals(uninterrupted.saveState(), resumed.saveState(), "optimizer state too");
    assertEquals(full.epochs().size(), rest.epochs().size());
    for (int e = 0; e < full.epochs().size(); e++) {
      assertEquals(full.epochs().get(e).trainLoss(), rest.epochs().get(e).trainLoss(),
          "epoch " + e + " loss");
      assertEquals(full.epochs().get(e).testAccuracy(), rest.epochs().get(e).testAccuracy());
    }
  }

  private static Supplier<SnnTrainer> fast(OptimizerSpec spec, TrainingMode mode) {
    return () -> new FastTrainer(SnnParameters.initialise(NET, 3), mode, spec, 5);
  }

  private static Supplier<SnnTrainer> reference(OptimizerSpec spec) {
    return () -> new ReferenceTrainer(SnnParameters.initialise(NET, 3), NET.surrogate(),
        TrainingMode.parse("tbptt1", 1), spec);
  }

  @Test
  void fastTrainerWithAdamMidEpochAndAtTheEpochBoundary() throws Exception {
    var spec = new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8);
    assertResumesBitIdentically(fast(spec, TrainingMode.parse("tbptt1", 1)), 2);
    assertResumesBitIdentically(fast(spec, TrainingMode.parse("tbptt1", 1)), 5);
  }

  @Test
  void timeShiftedTrainingResumesBitIdenticallyAndDiffersFromUnshifted() throws Exception {
    var spec = new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8);
    var shifted = new TrainingLoop.Settings(2, 5, 9, Readout.SUM, 3);
    assertResumesBitIdentically(fast(spec, TrainingMode.parse("tbptt1", 1)), 3, shifted);
    SnnTrainer plain = fast(spec, TrainingMode.parse("tbptt1", 1)).get();
    SnnTrainer augmented = fast(spec, TrainingMode.parse("tbptt1", 1)).get();
    TrainingLoop.run(plain, DATA, new TrainingLoop.Settings(2, 5, 9, Readout.SUM),
        new TrainingLoop.Listener() {});
    TrainingLoop.run(augmented, DATA, shifted, new TrainingLoop.Listener() {});
    assertFalse(java.util.Arrays.equals(plain.parameters().wIn(0),
        augmented.parameters().wIn(0)), "the shift must change what is trained on");
  }

  @Test
  void augmentedCosineScheduledRegularisedTrainingResumesBitIdentically() throws Exception {
    var spec = new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8);
    var settings = new TrainingLoop.Settings(3, 5, 9, Readout.SUM,
        new Augmentation(1, 2, 0.1, 0.5), LearningRateSchedule.COSINE);
    TrainingObjective objective = new TrainingObjective(1, true, 0.5, 0.1);
    java.util.function.Supplier<SnnTrainer> trainer = () -> new FastTrainer(
        SnnParameters.initialise(NET, 3), TrainingMode.TBPTT1, spec, 5, objective);
    assertResumesBitIdentically(trainer, 4, settings);
    assertResumesBitIdentically(trainer, 5, settings);
  }

  @Test
  void fastTrainerWithSgdMomentumAndChunks() throws Exception {
    assertResumesBitIdentically(fast(new OptimizerSpec.Sgd(0.05, 0.9),
        TrainingMode.parse("tbptt-k", 3)), 7);
  }

  @Test
  void referenceTrainerWithAdamAndQuantizedAdam() throws Exception {
    assertResumesBitIdentically(reference(new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8)), 3);
    assertResumesBitIdentically(reference(OptimizerSpec.QuantizedAdam.of(1e-3, 4, 16, 5)), 6);
  }

  @Test
  void aStateOfAnotherNetworkOrTrainerIsRefusedAndChangesNothing() {
    SnnTrainer trainer = fast(new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8),
        TrainingMode.parse("tbptt1", 1)).get();
    StateMap before = trainer.saveState();
    SnnConfig wider = SnnConfig.of(CHANNELS, List.of(11), true, CLASSES, 1.0, 20, 20);
    StateMap other = new FastTrainer(SnnParameters.initialise(wider, 3),
        TrainingMode.parse("tbptt1", 1), new OptimizerSpec.Adam(1e-2, 0.9, 0.999, 1e-8), 5)
        .saveState();
    var e = assertThrows(IllegalArgumentException.class, () -> trainer.restoreState(other));
    assertTrue(e.getMessage().contains("expected"), e.getMessage());
    assertEquals(before, trainer.saveState());
    var r = assertThrows(IllegalArgumentException.class,
        () -> trainer.restoreState(reference(OptimizerSpec.Adam.PAPER).get().saveState()));
    assertTrue(r.getMessage().contains("reference-float64"), r.getMessage());
  }

  @Test
  void aPositionFromAnotherSeedIsRefused() {
    SnnTrainer trainer = reference(OptimizerSpec.Adam.PAPER).get();
    List<TrainingLoop.Position> seen = new ArrayList<>();
    TrainingLoop.run(trainer, DATA, new TrainingLoop.Settings(1, 5, 9, Readout.LAST),
        new TrainingLoop.Listener() {
          @Override
          public void positionReached(TrainingLoop.Position p) {
            seen.add(p);
          }
        });
    assertEquals(5, seen.size(), "4 positions within the epoch of 22 samples, one after it");
    assertNotEquals(0, seen.get(1).nextSample());
    var e = assertThrows(IllegalArgumentException.class, () -> TrainingLoop.run(trainer, DATA,
        new TrainingLoop.Settings(2, 5, 10, Readout.LAST), new TrainingLoop.Listener() {},
        seen.get(1)));
    assertTrue(e.getMessage().contains("seed 10"), e.getMessage());
  }
}
