package io.spikeloop.nir;

/**
 * How a NIR time constant {@code tau} becomes a per-step decay over a step {@code dt}. Both
 * rules give the same per-step input gain {@code r (1 - decay)} and leak drive
 * {@code (1 - decay) v_leak}; they differ only in the decay:
 * <ul>
 *   <li>{@link #EXACT}: {@code decay = exp(-dt/tau)}, the exact solution of
 *       {@code tau dv/dt = -v} over one step with the input held constant (spikeloop's own
 *       {@code alpha = exp(-dt/tau_m)});</li>
 *   <li>{@link #EULER}: {@code decay = 1 - dt/tau}, one forward-Euler step (what snnTorch and
 *       Norse do when they read or write NIR).</li>
 * </ul>
 */
public enum Discretisation {
  EXACT, EULER;

  /** The per-step decay of time constant {@code tau} (seconds) at step {@code dt}. */
  public double decay(double tau, double dt) {
    return switch (this) {
      case EXACT -> Math.exp(-dt / tau);
      case EULER -> 1 - dt / tau;
    };
  }

  /**
   * The time constant whose decay at step {@code dt} is {@code decay} (in (0, 1)); a decay of 1
   * (no leak) has no finite time constant and is refused.
   */
  public double tau(double decay, double dt) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("a decay of " + decay
          + " has no finite positive NIR time constant (needs 0 < decay < 1)");
    }
    return switch (this) {
      case EXACT -> -dt / Math.log(decay);
      case EULER -> dt / (1 - decay);
    };
  }

  /** The name used on the command line and in the file ({@code exact}, {@code euler}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Discretisation parse(String s) {
    for (Discretisation d : values()) {
      if (d.label().equalsIgnoreCase(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown discretisation '" + s + "' (exact or euler)");
  }
}
