package io.spikeloop.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The embedded default dataset: a temporal-order task on 700 input channels with 20 classes
 * (chance 5%). There are 5 spatial motifs, each a fixed group of 100 channels (motif {@code m}
 * owns channels {@code 100m .. 100m+99}; channels 500..699 carry only noise) that fire with
 * probability {@value #MOTIF_RATE} per step while the motif is shown. A class is an ordered pair
 * {@code (first, second)} of distinct motifs (5 x 4 = 20): the first motif is shown for the first
 * half of the sequence (boundary jittered by up to {@value #JITTER} steps), the second for the
 * rest. Every channel also fires with probability {@value #NOISE_RATE} per step (about 3% input
 * density overall). Each motif appears in 8 classes, as first and as second, so the class is only
 * known to a network that remembers the first half when the second is shown: a feed-forward net
 * read out at the last step can name the second motif but must mostly guess the first.
 *
 * <p>The motifs are the same for every seed; the seed draws the samples (test samples come from
 * an independent stream of the same seed).
 */
public final class SyntheticDataset {
  public static final int CHANNELS = 700;
  public static final int CLASSES = 20;
  public static final int MOTIFS = 5;
  public static final int MOTIF_CHANNELS = 100;
  public static final double MOTIF_RATE = 0.12;
  public static final double NOISE_RATE = 0.01;
  public static final int JITTER = 3;
  public static final int DEFAULT_STEPS = 100;
  public static final int TRAIN_SIZE = 2000;
  public static final int TEST_SIZE = 500;

  private SyntheticDataset() {}

  /** Train and test split with the default sizes; {@code --steps} sets the length. */
  public static DatasetSplit split(DatasetOptions options) {
    int steps = options.stepsOr(DEFAULT_STEPS);
    if (steps < 2 * JITTER + 4) {
      throw new IllegalArgumentException("synthetic needs at least " + (2 * JITTER + 4)
          + " steps, got " + steps);
    }
    SplittableRandom root = new SplittableRandom(options.seed());
    SplittableRandom trainRandom = root.split();
    SplittableRandom testRandom = root.split();
    return new DatasetSplit(generate("synthetic/train", TRAIN_SIZE, steps, trainRandom),
        generate("synthetic/test", TEST_SIZE, steps, testRandom));
  }

  /** The ordered motif pair {@code {first, second}} of a class. */
  public static int[] motifsOf(int label) {
    int first = label / (MOTIFS - 1);
    int r = label % (MOTIFS - 1);
    int second = r >= first ? r + 1 : r;
    return new int[] {first, second};
  }

  /** {@code size} samples of {@code steps} steps drawn from {@code seed} (benchmarks, tests). */
  public static SpikeDataset generate(int size, int steps, long seed) {
    return generate("synthetic/generated", size, steps, new SplittableRandom(seed));
  }

  static InMemoryDataset generate(String name, int size, int steps, SplittableRandom random) {
    List<SpikeSample> samples = new ArrayList<>(size);
    for (int n = 0; n < size; n++) {
      int label = n % CLASSES;
      int[] motifs = motifsOf(label);
      int boundary = steps / 2 + random.nextInt(-JITTER, JITTER + 1);
      int[] offsets = new int[steps + 1];
      int[] channels = new int[steps * 32];
      int count = 0;
      for (int step = 0; step < steps; step++) {
        int motif = step < boundary ? motifs[0] : motifs[1];
        int motifStart = motif * MOTIF_CHANNELS;
        int motifEnd = motifStart + MOTIF_CHANNELS;
        if (channels.length - count < CHANNELS) {
          channels = java.util.Arrays.copyOf(channels, channels.length + 2 * CHANNELS);
        }
        count = draw(random, 0, motifStart, NOISE_RATE, channels, count);
        count = draw(random, motifStart, motifEnd, MOTIF_RATE + NOISE_RATE, channels, count);
        count = draw(random, motifEnd, CHANNELS, NOISE_RATE, channels, count);
        offsets[step + 1] = count;
      }
      samples.add(new SpikeSample(label, offsets, java.util.Arrays.copyOf(channels, count), -1));
    }
    return new InMemoryDataset(name, CHANNELS, CLASSES, steps, samples);
  }

  /**
   * Appends each channel of {@code [from, to)} with probability {@code p}, ascending, by drawing
   * the geometric gaps between chosen channels (a few draws per step instead of one per channel).
   */
  private static int draw(SplittableRandom random, int from, int to, double p, int[] out,
                          int count) {
    double logKeep = Math.log(1 - p);
    int c = from - 1;
    while (true) {
      c += 1 + (int) Math.min(Integer.MAX_VALUE / 2.0,
          Math.floor(Math.log(1 - random.nextDouble()) / logKeep));
      if (c >= to) {
        return count;
      }
      out[count++] = c;
    }
  }
}
