package io.spikeloop.demo;

import io.spikeloop.device.Device;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consolidation by anchoring, orchestrated by the host (the SL-1 engine has no such option): at
 * the end of a stage the learned tensors are read back as anchors {@code a}, with an importance
 * per weight {@code imp = min(255, rshift_round(256 |a|, bitLength(max |a|) - 1))}, unsigned
 * Q0.8 (large weights matter most, a magnitude estimate as in pruning). After every measured
 * chunk of a later stage each weight is pulled back, {@code w <- w - rshift_round((w - a) imp,
 * 8)} (int64 products, results within the old range so no overflow), and written. Writing a
 * learned tensor restarts its engine masters at the written value (core spec 9.4), so the pull
 * also drops the sub-LSB master bits of that tensor. Device memory: one anchor (weight width) and
 * one importance byte per weight.
 */
final class Anchoring {
  private final Map<String, int[]> anchors = new LinkedHashMap<>();
  private final Map<String, int[]> importance = new LinkedHashMap<>();
  private long bytes;

  /** Takes the current values of {@code tensors} as anchors. */
  void anchor(Device device, List<String> tensors, int weightBits) {
    bytes = 0;
    for (String t : tensors) {
      int[] a = device.readWeights(t);
      int max = 1;
      for (int v : a) {
        max = Math.max(max, Math.abs(v));
      }
      int shift = 32 - Integer.numberOfLeadingZeros(max) - 1;
      int[] imp = new int[a.length];
      for (int i = 0; i < a.length; i++) {
        imp[i] = (int) Math.min(255, rshiftRound(256L * Math.abs(a[i]), shift));
      }
      anchors.put(t, a);
      importance.put(t, imp);
      bytes += (long) a.length * ((weightBits + 7) / 8 + 1);
    }
  }

  /** Pulls every anchored tensor back towards its anchor. */
  void pull(Device device) {
    anchors.forEach((t, a) -> {
      int[] w = device.readWeights(t);
      int[] imp = importance.get(t);
      for (int i = 0; i < w.length; i++) {
        w[i] -= (int) rshiftRound((long) (w[i] - a[i]) * imp[i], 8);
      }
      device.writeWeights(t, w);
    });
  }

  long bytes() {
    return bytes;
  }

  static long rshiftRound(long x, int shift) {
    return shift == 0 ? x : (x + (1L << (shift - 1))) >> shift;
  }
}
