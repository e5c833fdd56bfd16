package io.spikeloop.data;

/**
 * One sample: input spikes binned into {@code steps()} time steps, a class label and the speaker
 * (or recording source; -1 when unknown). Spikes are stored compactly (CSR): the channels that
 * spiked at step {@code t} are {@code channels[offsets[t] .. offsets[t+1])}, ascending and
 * distinct within a step.
 */
public record SpikeSample(int label, int[] offsets, int[] channels, int speaker) {
  public SpikeSample {
    if (offsets == null || offsets.length < 1 || offsets[0] != 0) {
      throw new IllegalArgumentException("offsets must start at 0");
    }
    if (offsets[offsets.length - 1] != channels.length) {
      throw new IllegalArgumentException("offsets end at " + offsets[offsets.length - 1]
          + " but there are " + channels.length + " spikes");
    }
    for (int t = 0; t + 1 < offsets.length; t++) {
      if (offsets[t + 1] < offsets[t]) {
        throw new IllegalArgumentException("offsets decrease at step " + t);
      }
      for (int i = offsets[t] + 1; i < offsets[t + 1]; i++) {
        if (channels[i] <= channels[i - 1]) {
          throw new IllegalArgumentException("channels of step " + t + " are not strictly ascending");
        }
      }
    }
    if (label < 0) {
      throw new IllegalArgumentException("label must be >= 0, got " + label);
    }
  }

  public int steps() {
    return offsets.length - 1;
  }

  public int spikeCount() {
    return channels.length;
  }

  /**
   * This sample with every spike moved {@code shift} steps later (earlier when negative), same
   * number of steps; spikes moved before step 0 or past the last step are dropped. The time-shift
   * augmentation of SHD training.
   */
  public SpikeSample shifted(int shift) {
    int steps = steps();
    if (shift == 0) {
      return this;
    }
    if (Math.abs(shift) >= steps) {
      return new SpikeSample(label, new int[steps + 1], new int[0], speaker);
    }
    int[] newOffsets = new int[steps + 1];
    for (int t = 0; t < steps; t++) {
      int source = t - shift;
      int count = source >= 0 && source < steps ? offsets[source + 1] - offsets[source] : 0;
      newOffsets[t + 1] = newOffsets[t] + count;
    }
    int firstKept = offsets[Math.max(0, -shift)];
    int[] newChannels = java.util.Arrays.copyOfRange(channels, firstKept,
        firstKept + newOffsets[steps]);
    return new SpikeSample(label, newOffsets, newChannels, speaker);
  }

  /**
   * This sample with every channel index moved by {@code shift} (the channel-jitter augmentation
   * of SHD training: neighbouring channels are neighbouring frequencies); spikes moved outside
   * {@code [0, channelCount)} are dropped.
   */
  public SpikeSample channelShifted(int shift, int channelCount) {
    if (channelCount < 1) {
      throw new IllegalArgumentException("channel count must be >= 1, got " + channelCount);
    }
    if (shift == 0) {
      return this;
    }
    return withChannels(c -> c + shift < 0 || c + shift >= channelCount ? -1 : c + shift);
  }

  /** This sample with each spike dropped independently with probability {@code drop}. */
  public SpikeSample thinned(double drop, java.util.SplittableRandom random) {
    if (!(drop >= 0 && drop < 1)) {
      throw new IllegalArgumentException("drop probability must lie in [0, 1), got " + drop);
    }
    if (drop == 0) {
      return this;
    }
    return withChannels(c -> random.nextDouble() >= drop ? c : -1);
  }

  /**
   * This sample with every spike's channel mapped by {@code map}, visited in time order; a
   * negative result drops the spike.
   */
  private SpikeSample withChannels(java.util.function.IntUnaryOperator map) {
    int steps = steps();
    int[] newOffsets = new int[steps + 1];
    int[] newChannels = new int[channels.length];
    int n = 0;
    for (int t = 0; t < steps; t++) {
      for (int i = offsets[t]; i < offsets[t + 1]; i++) {
        int c = map.applyAsInt(channels[i]);
        if (c >= 0) {
          newChannels[n++] = c;
        }
      }
      newOffsets[t + 1] = n;
    }
    return new SpikeSample(label, newOffsets, java.util.Arrays.copyOf(newChannels, n), speaker);
  }

  /**
   * A blend of this sample and {@code other} (the "blend" augmentation of SHD training, after
   * Nowotny et al. 2022): {@code other} is first shifted in time so that the mean step of its
   * spikes meets this sample's, then every spike of either is kept with probability 1/2 and the
   * two halves are merged (a spike kept from both counts once). Keeps this sample's label and
   * speaker; both must have the same number of steps.
   */
  public SpikeSample blended(SpikeSample other, java.util.SplittableRandom random) {
    int steps = steps();
    if (other.steps() != steps) {
      throw new IllegalArgumentException("blending samples of " + steps + " and "
          + other.steps() + " steps");
    }
    SpikeSample aligned = other.shifted((int) Math.round(meanStep() - other.meanStep()));
    int[] newOffsets = new int[steps + 1];
    int[] newChannels = new int[channels.length + aligned.channels.length];
    int n = 0;
    for (int t = 0; t < steps; t++) {
      int i = offsets[t];
      int j = aligned.offsets[t];
      int iEnd = offsets[t + 1];
      int jEnd = aligned.offsets[t + 1];
      // merge two ascending lists, drawing one coin per spike of each, in a fixed order
      while (i < iEnd || j < jEnd) {
        int c;
        boolean keep;
        if (j >= jEnd || (i < iEnd && channels[i] < aligned.channels[j])) {
          c = channels[i++];
          keep = random.nextBoolean();
        } else if (i >= iEnd || aligned.channels[j] < channels[i]) {
          c = aligned.channels[j++];
          keep = random.nextBoolean();
        } else {
          c = channels[i++];
          j++;
          keep = random.nextBoolean() | random.nextBoolean();
        }
        if (keep) {
          newChannels[n++] = c;
        }
      }
      newOffsets[t + 1] = n;
    }
    return new SpikeSample(label, newOffsets, java.util.Arrays.copyOf(newChannels, n), speaker);
  }

  /** The mean step of the spikes (0 when there are none). */
  public double meanStep() {
    if (channels.length == 0) {
      return 0;
    }
    double sum = 0;
    for (int t = 0; t < steps(); t++) {
      sum += (double) t * (offsets[t + 1] - offsets[t]);
    }
    return sum / channels.length;
  }

  /** Channels that spiked at step t (a copy). */
  public int[] spikesAt(int t) {
    return java.util.Arrays.copyOfRange(channels, offsets[t], offsets[t + 1]);
  }

  /** The sample as device input: one frame per step, each carrying {@code label}
   * ({@link io.spikeloop.device.SpikeFrame#NO_LABEL} for inference). */
  public java.util.List<io.spikeloop.device.SpikeFrame> frames(int label) {
    java.util.List<io.spikeloop.device.SpikeFrame> frames = new java.util.ArrayList<>(steps());
    for (int t = 0; t < steps(); t++) {
      frames.add(new io.spikeloop.device.SpikeFrame(spikesAt(t), label));
    }
    return frames;
  }

  /**
   * Bins per-event (time, channel) lists into a sample: events at {@code time < 0} or
   * {@code time >= steps * dt} are dropped, duplicates within a bin are merged (a binary spike
   * per channel and step, as the paper's inputs).
   */
  public static SpikeSample bin(double[] times, int[] units, double dt, int steps, int label,
                                int speaker) {
    if (times.length != units.length) {
      throw new IllegalArgumentException(times.length + " times but " + units.length + " units");
    }
    long[] keys = new long[times.length];
    int n = 0;
    for (int i = 0; i < times.length; i++) {
      if (!(times[i] >= 0)) {
        continue;
      }
      long t = (long) Math.floor(times[i] / dt);
      if (t >= steps) {
        continue;
      }
      keys[n++] = (t << 32) | (units[i] & 0xffffffffL);
    }
    java.util.Arrays.sort(keys, 0, n);
    int[] offsets = new int[steps + 1];
    int[] channels = new int[n];
    int m = 0;
    long prev = -1;
    for (int i = 0; i < n; i++) {
      if (keys[i] == prev) {
        continue;
      }
      prev = keys[i];
      channels[m++] = (int) keys[i];
      offsets[(int) (keys[i] >>> 32) + 1]++;
    }
    for (int t = 0; t < steps; t++) {
      offsets[t + 1] += offsets[t];
    }
    return new SpikeSample(label, offsets, java.util.Arrays.copyOf(channels, m), speaker);
  }
}
