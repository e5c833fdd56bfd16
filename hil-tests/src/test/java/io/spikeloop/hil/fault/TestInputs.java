package io.spikeloop.hil.fault;

import io.spikeloop.data.InMemoryDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.target.sl1.RandomNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small active network and seeded inputs for the fault tests. */
final class TestInputs {
  static final int CHANNELS = 40;
  static final RandomNetwork NET = RandomNetwork.of(CHANNELS, List.of(24), true, 4, 3);

  private TestInputs() {}

  static List<SpikeFrame> frames(long seed, int steps) {
    Random r = new Random(seed);
    List<SpikeFrame> out = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      int[] ids = new int[CHANNELS];
      int n = 0;
      for (int c = 0; c < CHANNELS; c++) {
        if (r.nextDouble() < 0.08) {
          ids[n++] = c;
        }
      }
      out.add(new SpikeFrame(java.util.Arrays.copyOf(ids, n)));
    }
    return out;
  }

  static InMemoryDataset dataset(int samples, int steps) {
    List<SpikeSample> list = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      List<SpikeFrame> f = frames(100 + i, steps);
      int[] offsets = new int[steps + 1];
      List<Integer> ch = new ArrayList<>();
      for (int t = 0; t < steps; t++) {
        for (int a : f.get(t).axons()) {
          ch.add(a);
        }
        offsets[t + 1] = ch.size();
      }
      list.add(new SpikeSample(i % 4, offsets, ch.stream().mapToInt(x -> x).toArray(), -1));
    }
    return new InMemoryDataset("fault-test", CHANNELS, 4, steps, list);
  }
}
