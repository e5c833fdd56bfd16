package io.spikeloop.data;

import java.util.List;

/** A dataset held in memory; all samples are checked against the declared shape. */
public record InMemoryDataset(String name, int channels, int classes, int steps,
                              List<SpikeSample> samples) implements SpikeDataset {
  public InMemoryDataset {
    samples = List.copyOf(samples);
    if (channels < 1 || classes < 1 || steps < 1) {
      throw new IllegalArgumentException(name + ": channels, classes and steps must be >= 1");
    }
    for (int i = 0; i < samples.size(); i++) {
      SpikeSample s = samples.get(i);
      if (s.steps() != steps || s.label() >= classes) {
        throw new IllegalArgumentException(name + ": sample " + i + " has " + s.steps()
            + " steps and label " + s.label() + ", expected " + steps + " steps and label < "
            + classes);
      }
      for (int ch : s.channels()) {
        if (ch >= channels) {
          throw new IllegalArgumentException(name + ": sample " + i + " uses channel " + ch
              + " but the dataset has " + channels);
        }
      }
    }
  }

  @Override
  public int size() {
    return samples.size();
  }

  @Override
  public SpikeSample sample(int index) {
    return samples.get(index);
  }
}
