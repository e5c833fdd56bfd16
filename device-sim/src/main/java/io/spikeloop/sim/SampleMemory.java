package io.spikeloop.sim;

import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StoredSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated core's sample store memory: {@code slots} slots over {@code capacityBytes} of
 * record bytes, as the reference firmware's (same sizes, same lowest-free-slot rule, same
 * refusals), so both hand out the same slot ids for the same calls.
 */
final class SampleMemory {
  /** Record bytes of the reference core's store ({@code SL_REF_SAMPLE_STORE_BYTES}). */
  static final long DEFAULT_CAPACITY_BYTES = 65536;
  /** Slots of the reference core's store ({@code SL_REF_SAMPLE_SLOTS}). */
  static final int DEFAULT_SLOTS = 256;

  private final long capacityBytes;
  private final StoredSample[] samples;
  private final int[] recordBytes;
  private long usedBytes;

  SampleMemory(long capacityBytes, int slots) {
    this.capacityBytes = capacityBytes;
    this.samples = new StoredSample[slots];
    this.recordBytes = new int[slots];
  }

  long capacityBytes() {
    return capacityBytes;
  }

  int slots() {
    return samples.length;
  }

  long usedBytes() {
    return usedBytes;
  }

  int put(byte[] record) {
    StoredSample sample = StoredSample.decode(record);
    if (record.length > capacityBytes - usedBytes) {
      throw new IllegalStateException("sample store full: the record takes " + record.length
          + " bytes, " + (capacityBytes - usedBytes) + " of " + capacityBytes + " are free");
    }
    for (int slot = 0; slot < samples.length; slot++) {
      if (samples[slot] == null) {
        samples[slot] = sample;
        recordBytes[slot] = record.length;
        usedBytes += record.length;
        return slot;
      }
    }
    throw new IllegalStateException("sample store full: all " + samples.length
        + " slots are taken");
  }

  /** The sample in {@code slot}, or an error naming the slot. */
  StoredSample get(int slot) {
    if (slot < 0 || slot >= samples.length) {
      throw new IllegalArgumentException("sample slot " + slot + " out of range [0, "
          + samples.length + ")");
    }
    if (samples[slot] == null) {
      throw new IllegalArgumentException("sample slot " + slot + " is empty");
    }
    return samples[slot];
  }

  void remove(int slot) {
    get(slot);
    usedBytes -= recordBytes[slot];
    samples[slot] = null;
    recordBytes[slot] = 0;
  }

  void clear() {
    java.util.Arrays.fill(samples, null);
    java.util.Arrays.fill(recordBytes, 0);
    usedBytes = 0;
  }

  List<SampleStore.Entry> list() {
    List<SampleStore.Entry> out = new ArrayList<>();
    for (int slot = 0; slot < samples.length; slot++) {
      StoredSample s = samples[slot];
      if (s != null) {
        out.add(new SampleStore.Entry(slot, s.label(), s.steps(), s.events(), recordBytes[slot]));
      }
    }
    return out;
  }
}
