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

  /** Channels that spiked at step t (a copy). */
  public int[] spikesAt(int t) {
    return java.util.Arrays.copyOfRange(channels, offsets[t], offsets[t + 1]);
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
