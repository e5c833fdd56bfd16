package io.spikeloop.mapper;

/**
 * Something the mapping changed on the way: {@code item} names the part of the float model
 * ({@code layer0.bias}, {@code alpha}, {@code out.w}), {@code kind} what happened, {@code detail}
 * by how much.
 */
public record MappingLoss(String item, Kind kind, String detail) {
  /** What happened to an item. */
  public enum Kind {
    /** Not represented on the chip at all (e.g. a bias on a chip without biases). */
    DROPPED,
    /** Values outside the target's range were saturated. */
    CLIPPED,
    /** Rounded to the target's resolution. */
    ROUNDED,
    /** Computed differently by the chip (order of operations, timing, saturation). */
    CHANGED
  }

  @Override
  public String toString() {
    return item + ": " + kind.name().toLowerCase(java.util.Locale.ROOT) + " (" + detail + ")";
  }
}
