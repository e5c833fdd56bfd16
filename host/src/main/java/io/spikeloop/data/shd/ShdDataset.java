package io.spikeloop.data.shd;

import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;

/**
 * SHD recordings binned into {@code steps} bins of {@code dtSeconds} (defaults: 10 ms x 100 = 1 s,
 * as the paper); a channel spikes in a step when it fired at least once in that bin. Samples are
 * binned on first use and kept.
 */
public final class ShdDataset implements SpikeDataset {
  public static final double DEFAULT_DT_MS = 10.0;
  public static final int DEFAULT_STEPS = 100;

  private final String name;
  private final ShdRecordings recordings;
  private final double dtSeconds;
  private final int steps;
  private final SpikeSample[] binned;

  public ShdDataset(String name, ShdRecordings recordings, double dtSeconds, int steps) {
    if (!(dtSeconds > 0) || steps < 1) {
      throw new IllegalArgumentException("dt must be > 0 and steps >= 1, got " + dtSeconds
          + " s and " + steps);
    }
    this.name = name;
    this.recordings = recordings;
    this.dtSeconds = dtSeconds;
    this.steps = steps;
    this.binned = new SpikeSample[recordings.size()];
  }

  public double dtSeconds() {
    return dtSeconds;
  }

  public ShdRecordings recordings() {
    return recordings;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int channels() {
    return recordings.channels();
  }

  @Override
  public int classes() {
    return recordings.classes();
  }

  @Override
  public int steps() {
    return steps;
  }

  @Override
  public int size() {
    return recordings.size();
  }

  @Override
  public SpikeSample sample(int index) {
    SpikeSample s = binned[index];
    if (s == null) {
      float[] t = recordings.times()[index];
      short[] u = recordings.units()[index];
      double[] times = new double[t.length];
      int[] units = new int[u.length];
      for (int i = 0; i < t.length; i++) {
        times[i] = t[i];
        units[i] = u[i];
      }
      s = SpikeSample.bin(times, units, dtSeconds, steps, recordings.labels()[index],
          recordings.speakers()[index]);
      binned[index] = s; // benign race: the same sample is computed either way
    }
    return s;
  }
}
