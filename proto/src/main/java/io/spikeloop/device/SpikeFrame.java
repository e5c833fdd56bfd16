package io.spikeloop.device;

import java.util.Arrays;

/**
 * The input of one time step: the ids of the input axons that spiked, strictly ascending and
 * non-negative (the device checks them against its number of inputs), and an optional target
 * label for on-chip learning ({@link #NO_LABEL} when none).
 */
public record SpikeFrame(int[] axons, int label) {
  public static final int NO_LABEL = -1;
  private static final int[] NONE = new int[0];

  public SpikeFrame {
    if (axons == null) {
      axons = NONE;
    }
    for (int i = 0; i < axons.length; i++) {
      if (axons[i] < 0) {
        throw new IllegalArgumentException("negative axon id " + axons[i]);
      }
      if (i > 0 && axons[i] <= axons[i - 1]) {
        throw new IllegalArgumentException("axon ids must be strictly ascending, got "
            + axons[i - 1] + " then " + axons[i]);
      }
    }
    if (label < NO_LABEL) {
      throw new IllegalArgumentException("label must be >= 0 or NO_LABEL, got " + label);
    }
  }

  public SpikeFrame(int... axons) {
    this(axons, NO_LABEL);
  }

  /** An empty step. */
  public static SpikeFrame silent() {
    return new SpikeFrame(NONE, NO_LABEL);
  }

  /** The ids sorted and de-duplicated first (for callers holding unordered events). */
  public static SpikeFrame ofUnsorted(int[] ids, int label) {
    return new SpikeFrame(Arrays.stream(ids).sorted().distinct().toArray(), label);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpikeFrame f && f.label == label && Arrays.equals(f.axons, axons);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(axons) + label;
  }

  @Override
  public String toString() {
    return "SpikeFrame" + Arrays.toString(axons) + (label >= 0 ? " label " + label : "");
  }
}
