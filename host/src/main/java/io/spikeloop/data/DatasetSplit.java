package io.spikeloop.data;

/** A training set and a test set of the same shape. */
public record DatasetSplit(SpikeDataset train, SpikeDataset test) {
  public DatasetSplit {
    if (train.channels() != test.channels() || train.classes() != test.classes()) {
      throw new IllegalArgumentException("train (" + train.channels() + " channels, "
          + train.classes() + " classes) and test (" + test.channels() + ", " + test.classes()
          + ") differ in shape");
    }
  }
}
