package io.spikeloop.convert.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Events in N-MNIST's file format: 5 bytes per event, byte 0 = x, byte 1 = y, bit 7 of byte 2 =
 * polarity (1 = ON, brighter), the other 23 bits (byte 2 low 7 bits, bytes 3, 4; big-endian) =
 * timestamp in microseconds (so at most 2^23 - 1 us = 8.39 s).
 */
public record NmnistEvents(byte[] x, byte[] y, boolean[] on, int[] timeMicros) {
  public static final int MAX_TIME_US = (1 << 23) - 1;

  public NmnistEvents {
    int n = x.length;
    if (y.length != n || on.length != n || timeMicros.length != n) {
      throw new IllegalArgumentException("event arrays differ in length");
    }
    for (int t : timeMicros) {
      if (t < 0 || t > MAX_TIME_US) {
        throw new IllegalArgumentException("timestamp " + t + " us outside 0.." + MAX_TIME_US);
      }
    }
  }

  public int size() {
    return x.length;
  }

  public int onCount() {
    int n = 0;
    for (boolean b : on) {
      n += b ? 1 : 0;
    }
    return n;
  }

  public byte[] encode() {
    byte[] out = new byte[5 * size()];
    for (int i = 0; i < size(); i++) {
      int t = timeMicros[i];
      out[5 * i] = x[i];
      out[5 * i + 1] = y[i];
      out[5 * i + 2] = (byte) ((on[i] ? 0x80 : 0) | (t >>> 16) & 0x7f);
      out[5 * i + 3] = (byte) (t >>> 8);
      out[5 * i + 4] = (byte) t;
    }
    return out;
  }

  public void write(Path file) throws IOException {
    Files.write(file, encode());
  }

  public static NmnistEvents read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    byte[] b = Files.readAllBytes(file);
    if (b.length == 0) {
      throw new IOException(file + ": empty N-MNIST recording (0 bytes, no events)");
    }
    if (b.length % 5 != 0) {
      throw new IOException(file + ": " + b.length + " bytes is not a whole number of 5-byte "
          + "events (truncated?)");
    }
    int n = b.length / 5;
    byte[] x = new byte[n];
    byte[] y = new byte[n];
    boolean[] on = new boolean[n];
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      x[i] = b[5 * i];
      y[i] = b[5 * i + 1];
      on[i] = (b[5 * i + 2] & 0x80) != 0;
      t[i] = (b[5 * i + 2] & 0x7f) << 16 | (b[5 * i + 3] & 0xff) << 8 | (b[5 * i + 4] & 0xff);
    }
    return new NmnistEvents(x, y, on, t);
  }
}
