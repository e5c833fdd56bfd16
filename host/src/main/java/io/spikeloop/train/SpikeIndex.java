package io.spikeloop.train;

import io.spikeloop.data.SpikeSample;
import java.util.Arrays;

/**
 * Which samples of a batch saw presynaptic unit {@code j} spike in one step: samples
 * {@code sample[start[j] .. start[j+1])}, built by a counting sort in {@code O(units + spikes)}.
 * Walking weight rows in this order reads each row once per step however many samples use it,
 * for the forward sum and for the gradient row alike.
 */
final class SpikeIndex {
  final int[] start;
  final int[] sample;
  private final int[] cursor;
  private int units;

  SpikeIndex(int maxUnits, int maxBatch) {
    start = new int[maxUnits + 1];
    sample = new int[maxUnits * maxBatch];
    cursor = new int[maxUnits];
  }

  int units() {
    return units;
  }

  /** Indexes the input spikes of step {@code t} of each sample. */
  void fromSamples(java.util.List<SpikeSample> batch, int t, int inputs) {
    reset(inputs);
    for (SpikeSample s : batch) {
      int[] ch = s.channels();
      for (int p = s.offsets()[t]; p < s.offsets()[t + 1]; p++) {
        start[ch[p] + 1]++;
      }
    }
    offsets();
    for (int b = 0; b < batch.size(); b++) {
      SpikeSample s = batch.get(b);
      int[] ch = s.channels();
      for (int p = s.offsets()[t]; p < s.offsets()[t + 1]; p++) {
        sample[cursor[ch[p]]++] = b;
      }
    }
  }

  /** Indexes spike lists: sample {@code b} spiked at {@code ids[b][0 .. count[b])}. */
  void fromLists(int[][] ids, int[] count, int batch, int population) {
    reset(population);
    for (int b = 0; b < batch; b++) {
      int[] row = ids[b];
      for (int p = 0; p < count[b]; p++) {
        start[row[p] + 1]++;
      }
    }
    offsets();
    for (int b = 0; b < batch; b++) {
      int[] row = ids[b];
      for (int p = 0; p < count[b]; p++) {
        sample[cursor[row[p]]++] = b;
      }
    }
  }

  private void reset(int population) {
    units = population;
    Arrays.fill(start, 0, population + 1, 0);
  }

  private void offsets() {
    for (int j = 0; j < units; j++) {
      start[j + 1] += start[j];
    }
    System.arraycopy(start, 0, cursor, 0, units);
  }
}
