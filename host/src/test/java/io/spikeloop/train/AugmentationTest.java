package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The training-sample augmentations: deterministic per draw key, label and shape preserved. */
class AugmentationTest {
  private static final InMemoryDataset TRAIN = new InMemoryDataset("train", 15, 4, 12,
      FastTrainerTest.randomBatch(new SplittableRandom(3), 24, 12, 15, 4, 0.3));
  private static final Augmentation ALL = new Augmentation(2, 3, 0.2, 0.5);

  @Test
  void sameSeedEpochAndPositionGiveTheSameSampleAndOthersDiffer() {
    var applied = ALL.over(TRAIN);
    for (int i = 0; i < TRAIN.size(); i++) {
      SpikeSample a = applied.sample(i, 9, 2, i + 1);
      SpikeSample b = ALL.over(TRAIN).sample(i, 9, 2, i + 1);
      assertArrayEquals(a.offsets(), b.offsets());
      assertArrayEquals(a.channels(), b.channels());
      assertEquals(TRAIN.sample(i).label(), a.label(), "the label is kept");
      assertEquals(12, a.steps(), "the length is kept");
      for (int c : a.channels()) {
        assertEquals(true, c >= 0 && c < 15, "channel " + c + " in range");
      }
    }
    int differing = 0;
    for (int i = 0; i < TRAIN.size(); i++) {
      SpikeSample e2 = applied.sample(i, 9, 2, 0);
      SpikeSample e3 = applied.sample(i, 9, 3, 0);
      SpikeSample s10 = applied.sample(i, 10, 2, 0);
      differing += java.util.Arrays.equals(e2.channels(), e3.channels()) ? 0 : 1;
      differing += java.util.Arrays.equals(e2.channels(), s10.channels()) ? 0 : 1;
    }
    assertEquals(2 * TRAIN.size(), differing, 4, "another epoch or seed draws anew");
  }

  @Test
  void eachAugmentationChangesTheSamplesAndNoneLeavesThemAlone() {
    for (Augmentation one : List.of(new Augmentation(2, 0, 0, 0), new Augmentation(0, 3, 0, 0),
        new Augmentation(0, 0, 0.3, 0), new Augmentation(0, 0, 0, 1))) {
      var applied = one.over(TRAIN);
      int changed = 0;
      for (int i = 0; i < TRAIN.size(); i++) {
        SpikeSample s = applied.sample(i, 1, 1, i);
        changed += java.util.Arrays.equals(s.channels(), TRAIN.sample(i).channels())
            && java.util.Arrays.equals(s.offsets(), TRAIN.sample(i).offsets()) ? 0 : 1;
      }
      assertNotEquals(0, changed, one + " changed nothing");
    }
    for (int i = 0; i < TRAIN.size(); i++) {
      assertSame(TRAIN.sample(i), Augmentation.NONE.over(TRAIN).sample(i, 1, 1, i));
    }
  }

  @Test
  void blendingMixesOnlySamplesOfTheSameClass() {
    // class k spikes only on channels 3k..3k+2: a partner of another class would show
    SplittableRandom random = new SplittableRandom(8);
    List<SpikeSample> samples = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int label = i % 4;
      double[] times = new double[6];
      int[] units = new int[6];
      for (int e = 0; e < 6; e++) {
        times[e] = random.nextInt(12);
        units[e] = 3 * label + random.nextInt(3);
      }
      samples.add(SpikeSample.bin(times, units, 1, 12, label, -1));
    }
    InMemoryDataset classes = new InMemoryDataset("by class", 15, 4, 12, samples);
    var applied = new Augmentation(0, 0, 0, 1).over(classes);
    int changed = 0;
    for (int i = 0; i < classes.size(); i++) {
      SpikeSample s = applied.sample(i, 5, 1, i);
      int label = classes.sample(i).label();
      assertEquals(label, s.label());
      for (int c : s.channels()) {
        assertEquals(label, c / 3, "channel " + c + " of a class-" + label + " sample");
      }
      changed += java.util.Arrays.equals(s.channels(), classes.sample(i).channels()) ? 0 : 1;
    }
    assertEquals(classes.size(), changed, 2, "blending changes (almost) every sample");
  }

  @Test
  void rejectsOutOfRangeSettings() {
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(0, -2, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(0, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(0, 0, 0, 1.5));
  }
}
