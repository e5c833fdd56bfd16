package io.spikeloop.diff;

import io.spikeloop.device.StepResult;

/**
 * A 64-bit hash of one step's readout: spikes (ids per layer), membranes (where read out),
 * outputs and SOPs, each list prefixed by its length so that moving a value between layers
 * changes the hash. Two equal readouts always hash alike; two different ones collide with
 * probability about 2^-64. The mixing is splitmix64's finaliser over a running multiply-xor.
 */
public final class StepHash {
  private StepHash() {}

  public static long of(StepResult r) {
    long h = 0x6A09E667F3BCC909L;
    h = mix(h, r.sops());
    h = ints(h, r.outputs());
    if (r.spikes() != null) {
      for (int[] layer : r.spikes()) {
        h = ints(h, layer);
      }
    }
    if (r.membranes() != null) {
      for (int[] layer : r.membranes()) {
        h = ints(h, layer);
      }
    }
    return finish(h);
  }

  /** A 64-bit hash of several integer arrays (e.g. every weight tensor of a network). */
  public static long of(int[]... arrays) {
    long h = 0x3C6EF372FE94F82BL;
    for (int[] a : arrays) {
      h = ints(h, a);
    }
    return finish(h);
  }

  /**
   * A 64-bit FNV-1a hash of a target payload's bytes (a learning-state image, a device state);
   * for SL-1's learning-state image it equals {@code LearningState.hash()}.
   */
  public static long ofPayload(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte x : bytes) {
      h ^= x & 0xFF;
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** Folds a step's hash into a run's running hash. */
  public static long chain(long running, long step) {
    return finish(mix(running, step));
  }

  private static long ints(long h, int[] values) {
    h = mix(h, values.length);
    for (int v : values) {
      h = mix(h, v);
    }
    return h;
  }

  private static long mix(long h, long v) {
    return (h ^ v) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
  }

  private static long finish(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
