package io.spikeloop.data.shd;

/**
 * Spike recordings in SHD's layout, one row per sample: {@code times[i]} in seconds (ascending)
 * and {@code units[i]} (channel per spike, {@code 0 .. channels-1}), a class label, the speaker
 * and the trial (-1 when unknown; SHD files carry no trial, spikeloop's converter writes
 * {@code extra/trial}). {@code source} names the file for messages.
 */
public record ShdRecordings(String source, int channels, int classes, float[][] times,
                            short[][] units, int[] labels, int[] speakers, int[] trials) {
  public ShdRecordings {
    int n = times.length;
    if (units.length != n || labels.length != n || speakers.length != n || trials.length != n) {
      throw new IllegalArgumentException(source + ": " + n + " samples of times but "
          + units.length + " of units, " + labels.length + " labels, " + speakers.length
          + " speakers, " + trials.length + " trials");
    }
    if (channels < 1 || channels > Short.MAX_VALUE + 1) {
      throw new IllegalArgumentException(source + ": channels must be in 1..32768, got " + channels);
    }
    for (int i = 0; i < n; i++) {
      if (times[i].length != units[i].length) {
        throw new IllegalArgumentException(source + ": sample " + i + " has " + times[i].length
            + " spike times but " + units[i].length + " units");
      }
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(source + ": sample " + i + " has label " + labels[i]
            + ", outside 0.." + (classes - 1));
      }
      for (short u : units[i]) {
        if (u < 0 || u >= channels) {
          throw new IllegalArgumentException(source + ": sample " + i + " has unit " + u
              + ", outside 0.." + (channels - 1));
        }
      }
    }
  }

  public int size() {
    return times.length;
  }

  /** Rows {@code indices} of this set, as a new set (arrays shared, not copied). */
  public ShdRecordings select(String name, int[] indices) {
    float[][] t = new float[indices.length][];
    short[][] u = new short[indices.length][];
    int[] l = new int[indices.length];
    int[] s = new int[indices.length];
    int[] tr = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int j = indices[i];
      t[i] = times[j];
      u[i] = units[j];
      l[i] = labels[j];
      s[i] = speakers[j];
      tr[i] = trials[j];
    }
    return new ShdRecordings(name, channels, classes, t, u, l, s, tr);
  }
}
