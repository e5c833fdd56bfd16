package io.spikeloop.sim.learning;

/**
 * What an element whose gradient is exactly 0 does at an Adam update ({@code
 * docs/learning-engine.md} section 10). The float trainers and the quantized Adam share it.
 */
public enum AdamSchedule {
  /** Every element steps at every update: {@code m}, {@code v} decay, {@code w} moves (PyTorch Adam). */
  DENSE,
  /**
   * An element with a zero gradient keeps {@code m}, {@code v} and {@code w} (PyTorch SparseAdam);
   * the work of an update follows the nonzero gradients.
   */
  LAZY,
  /**
   * {@link #LAZY}, with the skipped updates caught up in closed form at the element's next nonzero
   * gradient and at the end of each training batch.
   */
  CATCH_UP;

  /** The command-line spelling: {@code dense}, {@code lazy}, {@code catchup}. */
  public String cliName() {
    return this == CATCH_UP ? "catchup" : name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses {@link #cliName()}; anything else is an error naming the accepted values. */
  public static AdamSchedule parse(String name) {
    for (AdamSchedule s : values()) {
      if (s.cliName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown Adam schedule '" + name
        + "': expected dense, lazy or catchup");
  }

  /** Skips elements whose gradient is 0. */
  public boolean lazy() {
    return this != DENSE;
  }
}
