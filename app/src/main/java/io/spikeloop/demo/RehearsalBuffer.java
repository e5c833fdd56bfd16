package io.spikeloop.demo;

import io.spikeloop.data.SpikeSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Rehearsal buffer of spike samples under a byte budget. Samples are kept as
 * {@link EventListCodec} event lists and the budget counts exactly those bytes (the buffer's
 * device memory); a sample larger than the whole budget is never kept.
 *
 * <p>{@link Policy#BALANCED} (class-balanced, as GDumb): a new sample that does not fit evicts a
 * random sample of the class holding the most samples, unless its own class already holds the
 * most (then it is dropped). {@link Policy#RESERVOIR}: every sample streamed so far has the same
 * chance to be held (reservoir sampling, by count; evictions are random until the new one fits).
 */
final class RehearsalBuffer {
  enum Policy { BALANCED, RESERVOIR }

  private final long budgetBytes;
  private final Policy policy;
  private final Random random;
  private final List<byte[]> entries = new ArrayList<>();
  private final List<Integer> labels = new ArrayList<>();
  private long usedBytes;
  private long offered;

  RehearsalBuffer(long budgetBytes, Policy policy, long seed) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("buffer budget must be >= 0 bytes, got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
    this.policy = policy;
    this.random = new Random(seed);
  }

  /** Considers one streamed sample for the buffer. */
  void offer(SpikeSample sample) {
    offered++;
    byte[] encoded = EventListCodec.encode(sample);
    if (encoded.length > budgetBytes) {
      return;
    }
    if (policy == Policy.RESERVOIR && usedBytes + encoded.length > budgetBytes
        && random.nextDouble() * offered >= entries.size()) {
      return;
    }
    while (usedBytes + encoded.length > budgetBytes) {
      int victim = policy == Policy.RESERVOIR ? random.nextInt(entries.size())
          : balancedVictim(sample.label());
      if (victim < 0) {
        return;
      }
      remove(victim);
    }
    entries.add(encoded);
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
    usedBytes -= entries.get(i).length;
    entries.remove(i);
    labels.remove(i);
  }

  /** {@code n} samples drawn uniformly with replacement (none when empty), decoded. */
  List<SpikeSample> draw(int n) {
    List<SpikeSample> out = new ArrayList<>(n);
    for (int i = 0; i < n && !entries.isEmpty(); i++) {
      out.add(EventListCodec.decode(entries.get(random.nextInt(entries.size()))));
    }
    return out;
  }

  int size() {
    return entries.size();
  }

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
