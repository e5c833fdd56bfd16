package io.spikeloop.data;

/**
 * A labelled set of spike samples with a fixed number of input channels, classes and steps.
 * Implementations may load lazily but must return the same sample for the same index.
 */
public interface SpikeDataset {
  /** A name for reports, e.g. {@code synthetic/train} or {@code nmnist:/data/nmnist/Test}. */
  String name();

  int channels();

  int classes();

  /** Time steps per sample. */
  int steps();

  int size();

  SpikeSample sample(int index);
}
