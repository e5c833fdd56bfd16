package io.spikeloop.convert.audio;

/** Spikes of one recording: times in seconds (ascending) and channels, as SHD stores them. */
public record SpikeTrain(float[] times, short[] units, int channels, double durationSeconds) {
  public SpikeTrain {
    if (times.length != units.length) {
      throw new IllegalArgumentException(times.length + " times but " + units.length + " units");
    }
  }

  public int size() {
    return times.length;
  }

  /** Spikes per channel. */
  public int[] countsPerChannel() {
    int[] counts = new int[channels];
    for (short u : units) {
      counts[u]++;
    }
    return counts;
  }
}
