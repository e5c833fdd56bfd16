package io.spikeloop.demo;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SampleStore;
import io.spikeloop.device.StoredSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Rehearsal buffer of spike samples under a byte budget, held in the device's own memory: the
 * samples are records ({@link StoredSample}, format {@code spikeloop-sample} v1) in the device's
 * {@link SampleStore}, and a rehearsal step replays one through the core there, the host sending
 * only the slot id. The budget counts exactly the record bytes the store holds; a sample larger
 * than the whole budget is never kept.
 *
 * <p>The selection policy runs on the host, which keeps only slot ids, labels and record sizes:
 * {@link Policy#BALANCED} (class-balanced, as GDumb): a new sample that does not fit evicts a
 * random sample of the class holding the most samples, unless its own class already holds the
 * most (then it is dropped). {@link Policy#RESERVOIR}: every sample streamed so far has the same
 * chance to be held (reservoir sampling, by count; evictions are random until the new one fits).
 */
final class RehearsalBuffer {
  enum Policy { BALANCED, RESERVOIR }

  private final SampleStore store;
  private final long budgetBytes;
  private final Policy policy;
  private final Random random;
  private final List<Integer> slots = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private final List<Integer> labels = new ArrayList<>();
  private long usedBytes;
  private long offered;

  /**
   * @throws IllegalArgumentException for a negative budget, or one beyond the store's capacity
   */
  RehearsalBuffer(SampleStore store, long budgetBytes, Policy policy, long seed) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("buffer budget must be >= 0 bytes, got " + budgetBytes);
    }
    if (budgetBytes > store.capacityBytes()) {
      throw new IllegalArgumentException("a rehearsal buffer of " + budgetBytes + " bytes does "
          + "not fit the device's sample store of " + store.capacityBytes() + " bytes");
    }
    this.store = store;
    this.budgetBytes = budgetBytes;
    this.policy = policy;
    this.random = new Random(seed);
  }

  /** The sample's record: its events and label. */
  static StoredSample record(SpikeSample s) {
    return new StoredSample(s.label(), s.offsets(), s.channels());
  }

  /** Considers one streamed sample for the buffer (a kept sample goes into the device's store). */
  void offer(SpikeSample sample) {
    offered++;
    byte[] encoded = record(sample).encode();
    if (encoded.length > budgetBytes) {
      return;
    }
    if (policy == Policy.RESERVOIR && usedBytes + encoded.length > budgetBytes
        && random.nextDouble() * offered >= slots.size()) {
      return;
    }
    while (usedBytes + encoded.length > budgetBytes) {
      int victim = policy == Policy.RESERVOIR ? random.nextInt(slots.size())
          : balancedVictim(sample.label());
      if (victim < 0) {
        return;
      }
      remove(victim);
    }
    slots.add(store.put(encoded));
    sizes.add(encoded.length);
    labels.add(sample.label());
    usedBytes += encoded.length;
  }

  /** A random sample of the largest class, or -1 when {@code label} is (one of) the largest. */
  private int balancedVictim(int label) {
    Map<Integer, Integer> counts = new HashMap<>();
    labels.forEach(l -> counts.merge(l, 1, Integer::sum));
    int own = counts.getOrDefault(label, 0);
    int largest = -1;
    for (var e : counts.entrySet()) {
      if (largest < 0 || e.getValue() > counts.get(largest)) {
        largest = e.getKey();
      }
    }
    if (own + 1 > counts.get(largest) || largest == label) {
      return -1;
    }
    List<Integer> of = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i) == largest) {
        of.add(i);
      }
    }
    return of.get(random.nextInt(of.size()));
  }

  private void remove(int i) {
    store.remove(slots.get(i));
    usedBytes -= sizes.get(i);
    slots.remove(i);
    sizes.remove(i);
    labels.remove(i);
  }

  /**
   * {@code n} slots drawn uniformly with replacement (none when empty): what {@link #replay}
   * runs.
   */
  List<Integer> draw(int n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n && !slots.isEmpty(); i++) {
      out.add(slots.get(random.nextInt(slots.size())));
    }
    return out;
  }

  /**
   * Replays a drawn slot on the device (learning on its label while the engine is on), from a
   * reset state as a streamed sample trains.
   */
  void replay(io.spikeloop.device.Device device, int slot) {
    device.reset();
    store.replay(slot, ReadoutLevel.OUTPUTS);
  }

  int size() {
    return slots.size();
  }

  /** Record bytes held (equal to what the device's store reports for them). */
  long usedBytes() {
    return usedBytes;
  }

  long budgetBytes() {
    return budgetBytes;
  }

  /** Samples held per class label. */
  Map<Integer, Integer> classCounts() {
    Map<Integer, Integer> counts = new TreeMap<>();
    labels.forEach(l -> counts.merge(l, 1, Integer::sum));
    return counts;
  }
}
