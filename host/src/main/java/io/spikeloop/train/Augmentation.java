package io.spikeloop.train;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Augmentations of the training samples, the ones SHD practitioners use; they change the data,
 * not the trainer, so every mode sees the same. Applied in this order, each only when enabled:
 * <ol>
 *   <li>blend ({@link SpikeSample#blended}): with probability {@code blend} the sample is mixed
 *       with a random other training sample of the same class (the label stays exact, unlike
 *       mixup's soft labels, which the per-step cross-entropy with one label cannot take);</li>
 *   <li>time shift ({@link SpikeSample#shifted}) by a uniform number of steps in
 *       {@code [-maxShift, maxShift]};</li>
 *   <li>channel jitter ({@link SpikeSample#channelShifted}) by a uniform number of channels in
 *       {@code [-channelJitter, channelJitter]}, one offset for the whole sample;</li>
 *   <li>input dropout ({@link SpikeSample#thinned}): each input spike is dropped with probability
 *       {@code inputDropout}; the survivors are not rescaled (spikes are binary).</li>
 * </ol>
 * Every draw comes from one generator seeded by (seed, epoch, position in the epoch), so a
 * resumed run augments exactly as an uninterrupted one and a run is reproducible from its seed.
 */
public record Augmentation(int maxShift, int channelJitter, double inputDropout, double blend) {

  /** Training on the samples as they are. */
  public static final Augmentation NONE = new Augmentation(0, 0, 0, 0);

  public Augmentation {
    if (maxShift < 0) {
      throw new IllegalArgumentException("the time shift must be >= 0 steps, got " + maxShift);
    }
    if (channelJitter < 0) {
      throw new IllegalArgumentException("the channel jitter must be >= 0 channels, got "
          + channelJitter);
    }
    if (!(inputDropout >= 0 && inputDropout < 1)) {
      throw new IllegalArgumentException("the input dropout must lie in [0, 1), got "
          + inputDropout);
    }
    if (!(blend >= 0 && blend <= 1)) {
      throw new IllegalArgumentException("the blend probability must lie in [0, 1], got " + blend);
    }
  }

  /** Only the time shift of {@code maxShift} steps. */
  public static Augmentation timeShift(int maxShift) {
    return new Augmentation(maxShift, 0, 0, 0);
  }

  public boolean enabled() {
    return !equals(NONE);
  }

  /** Augments the samples of one training set; knows the set's classes for blending. */
  public Applied over(SpikeDataset train) {
    return new Applied(train);
  }

  /** This augmentation bound to a training set. */
  public final class Applied {
    private final SpikeDataset train;
    private final int[][] byClass;

    private Applied(SpikeDataset train) {
      this.train = train;
      if (blend > 0) {
        List<List<Integer>> lists = new ArrayList<>();
        for (int k = 0; k < train.classes(); k++) {
          lists.add(new ArrayList<>());
        }
        for (int i = 0; i < train.size(); i++) {
          lists.get(train.sample(i).label()).add(i);
        }
        byClass = lists.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
            .toArray(int[][]::new);
      } else {
        byClass = null;
      }
    }

    /**
     * Training sample {@code index}, placed at {@code position} of {@code epoch}'s order,
     * augmented with draws from (seed, epoch, position).
     */
    public SpikeSample sample(int index, long seed, int epoch, int position) {
      SpikeSample s = train.sample(index);
      if (!enabled()) {
        return s;
      }
      long key = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + position;
      SplittableRandom random = new SplittableRandom(key);
      if (blend > 0 && random.nextDouble() < blend) {
        int[] same = byClass[s.label()];
        if (same.length > 1) {
          // a partner other than the sample itself
          int pick = random.nextInt(same.length - 1);
          int partner = same[pick] == index ? same[same.length - 1] : same[pick];
          s = s.blended(train.sample(partner), random);
        }
      }
      if (maxShift > 0) {
        s = s.shifted(random.nextInt(-maxShift, maxShift + 1));
      }
      if (channelJitter > 0) {
        s = s.channelShifted(random.nextInt(-channelJitter, channelJitter + 1), train.channels());
      }
      if (inputDropout > 0) {
        s = s.thinned(inputDropout, random);
      }
      return s;
    }
  }
}
