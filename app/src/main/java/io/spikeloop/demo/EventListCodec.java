package io.spikeloop.demo;

import io.spikeloop.data.SpikeSample;
import java.io.ByteArrayOutputStream;

/**
 * A spike sample as a compressed event list, the form a rehearsal buffer keeps in device memory.
 * Every number is an unsigned LEB128 varint (7 bits per byte, high bit = more bytes follow):
 * label, steps, then per step the number of events and the channels as gaps (first channel, then
 * {@code channel - previous - 1}; channels are ascending and distinct within a step). Lossless:
 * {@link #decode} gives the sample back exactly (speaker id dropped: -1).
 */
final class EventListCodec {
  private EventListCodec() {}

  static byte[] encode(SpikeSample s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + s.spikeCount());
    varint(out, s.label());
    varint(out, s.steps());
    int[] offsets = s.offsets();
    int[] channels = s.channels();
    for (int t = 0; t < s.steps(); t++) {
      varint(out, offsets[t + 1] - offsets[t]);
      int previous = -1;
      for (int e = offsets[t]; e < offsets[t + 1]; e++) {
        varint(out, channels[e] - previous - 1);
        previous = channels[e];
      }
    }
    return out.toByteArray();
  }

  static SpikeSample decode(byte[] bytes) {
    int[] pos = {0};
    int label = readVarint(bytes, pos);
    int steps = readVarint(bytes, pos);
    int[] offsets = new int[steps + 1];
    int[] channels = new int[bytes.length]; // at least one byte per event: an upper bound
    int events = 0;
    for (int t = 0; t < steps; t++) {
      int count = readVarint(bytes, pos);
      int previous = -1;
      for (int e = 0; e < count; e++) {
        previous += readVarint(bytes, pos) + 1;
        channels[events++] = previous;
      }
      offsets[t + 1] = events;
    }
    if (pos[0] != bytes.length) {
      throw new IllegalArgumentException("event list has " + (bytes.length - pos[0])
          + " trailing bytes after " + steps + " steps");
    }
    return new SpikeSample(label, offsets, java.util.Arrays.copyOf(channels, events), -1);
  }

  private static void varint(ByteArrayOutputStream out, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("event lists hold non-negative numbers, got " + value);
    }
    while (value >= 0x80) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  private static int readVarint(byte[] bytes, int[] pos) {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      if (pos[0] >= bytes.length || shift > 28) {
        throw new IllegalArgumentException("event list truncated or malformed at byte " + pos[0]);
      }
      int b = bytes[pos[0]++] & 0xFF;
      value |= (b & 0x7F) << shift;
      if (b < 0x80) {
        return value;
      }
    }
  }
}
