package io.spikeloop.device;

/** Argument checks for the contract's records; messages name the quantity and the bound. */
public final class Checks {
  private Checks() {}

  public static void positive(String what, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
  }

  public static void range(String what, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          what + " must be in [" + min + ", " + max + "], got " + value);
    }
  }
}
