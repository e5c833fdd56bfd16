package io.spikeloop.device;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A spike sample as a {@link SampleStore} holds it: the input events of every step and a label,
 * in the record format {@code spikeloop-sample} version 1 that every implementation (the
 * simulator, the C firmware, the wire) shares byte for byte ({@code docs/driver-abi.md}, "Sample
 * records"). All integers little-endian:
 *
 * <pre>
 * offset  width            field
 * 0       u16              label: 0..65534, or 0xFFFF = no label
 * 2       u16              steps T: 1..65535
 * 4       u32              events E: input events over all steps, 0..2^31-1
 * 8       varints          per step t: n_t (events at t), then n_t gaps: the first axon id,
 *                          then id - previous id - 1 (ids strictly ascending within a step)
 * </pre>
 *
 * A varint is unsigned LEB128: 7 bits per byte, low group first, high bit set on every byte but
 * the last; 1 to 5 bytes, value at most 2^31 - 1, no overlong form (a last byte of 0 after the
 * first). Decoding checks every field, that the n_t add up to E, that every id stays at most
 * 2^31 - 1 and that the body ends exactly after T steps; ids against the network's inputs are
 * checked when the sample is replayed. A sparse sample takes about one byte per event.
 *
 * @param label   the class, or {@link SpikeFrame#NO_LABEL}
 * @param offsets T + 1 offsets into {@code axons}: step t's ids are axons[offsets[t]..offsets[t+1])
 * @param axons   input axon ids, ascending within each step
 */
public record StoredSample(int label, int[] offsets, int[] axons) {
  public static final int HEADER_BYTES = 8;
  public static final int NO_LABEL_CODE = 0xFFFF;
  public static final int MAX_STEPS = 0xFFFF;
  public static final int MAX_LABEL = 0xFFFE;

  public StoredSample {
    if (label < SpikeFrame.NO_LABEL || label > MAX_LABEL) {
      throw new IllegalArgumentException("sample label must be -1 (none) or 0.." + MAX_LABEL
          + ", got " + label);
    }
    if (offsets == null || offsets.length < 2 || offsets.length - 1 > MAX_STEPS) {
      throw new IllegalArgumentException("a sample has 1.." + MAX_STEPS + " steps, got "
          + (offsets == null ? 0 : offsets.length - 1));
    }
    if (axons == null || offsets[0] != 0 || offsets[offsets.length - 1] != axons.length) {
      throw new IllegalArgumentException("sample offsets must run from 0 to the number of events");
    }
    for (int t = 0; t + 1 < offsets.length; t++) {
      if (offsets[t + 1] < offsets[t]) {
        throw new IllegalArgumentException("sample offsets decrease at step " + t);
      }
      for (int i = offsets[t]; i < offsets[t + 1]; i++) {
        if (axons[i] < 0 || (i > offsets[t] && axons[i] <= axons[i - 1])) {
          throw new IllegalArgumentException("step " + t + ": axon ids must be non-negative and "
              + "strictly ascending, got " + axons[i] + " at event " + (i - offsets[t]));
        }
      }
    }
  }

  public int steps() {
    return offsets.length - 1;
  }

  public int events() {
    return axons.length;
  }

  /** The frames of the sample, each with the sample's label. */
  public List<SpikeFrame> frames() {
    List<SpikeFrame> frames = new ArrayList<>(steps());
    for (int t = 0; t < steps(); t++) {
      frames.add(new SpikeFrame(Arrays.copyOfRange(axons, offsets[t], offsets[t + 1]), label));
    }
    return frames;
  }

  /** The record bytes (format version 1). */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_BYTES + steps() + events());
    int code = label == SpikeFrame.NO_LABEL ? NO_LABEL_CODE : label;
    out.write(code & 0xFF);
    out.write(code >>> 8);
    out.write(steps() & 0xFF);
    out.write(steps() >>> 8);
    for (int i = 0; i < 4; i++) {
      out.write(events() >>> (8 * i) & 0xFF);
    }
    for (int t = 0; t < steps(); t++) {
      varint(out, offsets[t + 1] - offsets[t]);
      int previous = -1;
      for (int i = offsets[t]; i < offsets[t + 1]; i++) {
        varint(out, axons[i] - previous - 1);
        previous = axons[i];
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads a record, checking every field (see the class comment); a malformed record is an
   * {@link IllegalArgumentException} naming the field and the byte offset.
   */
  public static StoredSample decode(byte[] record) {
    if (record == null || record.length < HEADER_BYTES) {
      throw new IllegalArgumentException("sample record of " + (record == null ? 0 : record.length)
          + " bytes is shorter than its " + HEADER_BYTES + "-byte header");
    }
    int code = u16(record, 0);
    int steps = u16(record, 2);
    long events = (record[4] & 0xFFL) | (record[5] & 0xFFL) << 8 | (record[6] & 0xFFL) << 16
        | (record[7] & 0xFFL) << 24;
    if (steps == 0) {
      throw new IllegalArgumentException("sample record: steps is 0 (1.." + MAX_STEPS + ")");
    }
    if (events > record.length - HEADER_BYTES) {
      throw new IllegalArgumentException("sample record: " + events + " events announced, the body "
          + "of " + (record.length - HEADER_BYTES) + " bytes holds at most that many");
    }
    int[] offsets = new int[steps + 1];
    int[] axons = new int[(int) events];
    int[] pos = {HEADER_BYTES};
    int n = 0;
    for (int t = 0; t < steps; t++) {
      int count = readVarint(record, pos, "step " + t + " event count");
      if (count > events - n) {
        throw new IllegalArgumentException("sample record: step " + t + " has " + count
            + " events, more than the " + events + " announced in all");
      }
      long previous = -1;
      for (int e = 0; e < count; e++) {
        long id = previous + 1 + readVarint(record, pos, "step " + t + " axon gap");
        if (id > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("sample record: step " + t + " axon id " + id
              + " exceeds 2^31 - 1");
        }
        axons[n++] = (int) id;
        previous = id;
      }
      offsets[t + 1] = n;
    }
    if (n != events) {
      throw new IllegalArgumentException("sample record: " + events + " events announced, "
          + n + " found");
    }
    if (pos[0] != record.length) {
      throw new IllegalArgumentException("sample record: " + (record.length - pos[0])
          + " trailing bytes after " + steps + " steps");
    }
    return new StoredSample(code == NO_LABEL_CODE ? SpikeFrame.NO_LABEL : code, offsets, axons);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  private static void varint(ByteArrayOutputStream out, int value) {
    while (value >= 0x80) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  private static int readVarint(byte[] b, int[] pos, String what) {
    long value = 0;
    int start = pos[0];
    for (int i = 0; i < 5; i++) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("sample record truncated in the " + what
            + " at byte " + start);
      }
      int x = b[pos[0]++] & 0xFF;
      value |= (long) (x & 0x7F) << (7 * i);
      if (x < 0x80) {
        if (i > 0 && x == 0) {
          throw new IllegalArgumentException("sample record: overlong varint in the " + what
              + " at byte " + start);
        }
        if (value > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("sample record: the " + what + " at byte " + start
              + " exceeds 2^31 - 1");
        }
        return (int) value;
      }
    }
    throw new IllegalArgumentException("sample record: varint longer than 5 bytes in the " + what
        + " at byte " + start);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredSample s && s.label == label && Arrays.equals(s.offsets, offsets)
        && Arrays.equals(s.axons, axons);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * label + Arrays.hashCode(offsets)) + Arrays.hashCode(axons);
  }
}
