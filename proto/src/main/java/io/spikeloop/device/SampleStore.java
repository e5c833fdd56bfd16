package io.spikeloop.device;

import java.util.List;

/**
 * A store of spike samples in the device's own memory ({@link Capability#SAMPLE_STORE}), found
 * with {@code device.extension(SampleStore.class)}: a rehearsal buffer that the device replays
 * through its core without the host streaming the events again. Samples are records of the
 * format {@link StoredSample} (compressed event lists with a label); the store's capacity counts
 * exactly the record bytes it holds, in at most {@link #slots()} slots.
 *
 * <p>State: {@link Device#reset} and {@link Device#configure} keep the store (its samples are
 * inputs, not network state; ids are checked against the network loaded when a sample is
 * replayed); closing the device empties it. A served device keeps its store across client
 * reconnects; a restarted server has lost it ({@code docs/remote.md}).
 */
public interface SampleStore {
  /** Bytes of records the store can hold. */
  long capacityBytes();

  /** How many samples it can hold at most (slot ids are 0..slots-1). */
  int slots();

  /** Bytes of the records held now (the store's device memory in use). */
  long usedBytes();

  default long freeBytes() {
    return capacityBytes() - usedBytes();
  }

  /**
   * Checks and stores one record in the lowest free slot and returns the slot id. Nothing
   * changes when it is refused.
   *
   * @throws IllegalArgumentException when the record is malformed (naming the field)
   * @throws IllegalStateException when it does not fit, naming its size and the free bytes, or
   *                               when every slot is taken
   */
  int put(byte[] record);

  /** {@link #put(byte[])} of {@code sample}'s record. */
  default int put(StoredSample sample) {
    return put(sample.encode());
  }

  /** Frees a slot. @throws IllegalArgumentException for an id out of range or an empty slot */
  void remove(int slot);

  /** Frees every slot. */
  void clear();

  /** The samples held, by ascending slot id. */
  List<Entry> list();

  /**
   * Runs the sample in {@code slot} through the core from the device's current state, exactly as
   * {@link Device#run} runs its frames (each with the sample's label: a labelled sample learns
   * while on-chip learning is enabled), and returns what that run returns. Telemetry counts the
   * steps as any others. Every id (and, while learning, the label) is checked against the loaded
   * network before the first step runs.
   *
   * @throws IllegalArgumentException for an id out of range, an empty slot, or a sample that does
   *                                  not fit the network (naming the step and the id)
   * @throws IllegalStateException    before configure
   */
  List<StepResult> replay(int slot, ReadoutLevel readout);

  /**
   * One stored sample.
   *
   * @param slot   its slot id
   * @param label  its label, or {@link SpikeFrame#NO_LABEL}
   * @param steps  time steps
   * @param events input events in all
   * @param bytes  its record's length (what it takes of the capacity)
   */
  record Entry(int slot, int label, int steps, int events, int bytes) {}
}
