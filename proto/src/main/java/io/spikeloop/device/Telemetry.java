package io.spikeloop.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters a device accumulates since configure, by name. Each target names its counters
 * ({@link io.spikeloop.target.Target#telemetryCounters()}); the names here are the ones the generic
 * device contract itself speaks of (a step's sops, cycles, deadline miss and FIFO overflows are in
 * every {@link StepResult}). Counters are signed 64-bit, never decremented by a device; a counter
 * a device does not report reads 0. Cost (cycles, energy) is the target's
 * {@link io.spikeloop.target.CostModel} over these. Quantities that are not counts (energy
 * estimates in joules) are named additive measures beside the counters.
 *
 * @param counters name to count, in the device's order
 * @param measures name to additive float64 quantity (e.g. {@value #ENERGY_JOULES}), in order
 */
public record Telemetry(Map<String, Long> counters, Map<String, Double> measures) {
  public static final String STEPS = "steps";
  public static final String SOPS = "sops";
  public static final String CYCLES = "cycles";
  public static final String FIFO_OVERFLOWS = "fifo_overflows";
  public static final String DEADLINE_MISSES = "deadline_misses";
  public static final String LEARNING_UPDATES = "learning_updates";
  /** Measure: the device's own energy estimate in joules (absent without an energy model). */
  public static final String ENERGY_JOULES = "energy_joules";

  /** No counters, no energy. */
  public static final Telemetry ZERO = new Telemetry(Map.of(), Map.of());

  public Telemetry {
    if (counters == null) {
      throw new IllegalArgumentException("telemetry needs its counters");
    }
    for (var e : counters.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
        throw new IllegalArgumentException("telemetry counter '" + e.getKey() + "' has no name or "
            + "no value");
      }
    }
    if (measures == null) {
      throw new IllegalArgumentException("telemetry needs its measures");
    }
    for (var e : measures.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
        throw new IllegalArgumentException("telemetry measure '" + e.getKey() + "' has no name or "
            + "no value");
      }
    }
    counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
  }

  /** Every named counter at zero. */
  public static Telemetry zero(List<String> names) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, 0L);
    }
    return new Telemetry(m, Map.of());
  }

  /** The counter's value, 0 when the device does not report it. */
  public long count(String name) {
    Long v = counters.get(name);
    return v == null ? 0 : v;
  }

  /** The measure's value, 0 when the device does not report it. */
  public double measure(String name) {
    Double v = measures.get(name);
    return v == null ? 0 : v;
  }

  /** The device's own energy estimate, 0 without an energy model. */
  public double energyJoules() {
    return measure(ENERGY_JOULES);
  }

  public long steps() {
    return count(STEPS);
  }

  public long sops() {
    return count(SOPS);
  }

  public long cycles() {
    return count(CYCLES);
  }

  public long fifoOverflows() {
    return count(FIFO_OVERFLOWS);
  }

  public long deadlineMisses() {
    return count(DEADLINE_MISSES);
  }

  public long learningUpdates() {
    return count(LEARNING_UPDATES);
  }

  /** Counters accumulated between {@code earlier} and this (every name of either). */
  public Telemetry minus(Telemetry earlier) {
    return combine(earlier, -1);
  }

  /** Counters of this and {@code other} added (every name of either). */
  public Telemetry plus(Telemetry other) {
    return combine(other, 1);
  }

  private Telemetry combine(Telemetry other, int sign) {
    Map<String, Long> m = new LinkedHashMap<>(counters);
    for (var e : other.counters.entrySet()) {
      m.merge(e.getKey(), sign * e.getValue(), Long::sum);
    }
    Map<String, Double> q = new LinkedHashMap<>(measures);
    for (var e : other.measures.entrySet()) {
      q.merge(e.getKey(), sign * e.getValue(), Double::sum);
    }
    return new Telemetry(m, q);
  }

  /**
   * Equal when every counter and measure reads the same ({@link #count}, {@link #measure}): a
   * name one side does not report equals a zero on the other, and order does not matter.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Telemetry t && nonZero(counters).equals(nonZero(t.counters))
        && nonZero(measures).equals(nonZero(t.measures));
  }

  @Override
  public int hashCode() {
    return nonZero(counters).hashCode() * 31 + nonZero(measures).hashCode();
  }

  private static <V extends Number> Map<String, V> nonZero(Map<String, V> m) {
    Map<String, V> out = new java.util.HashMap<>();
    m.forEach((k, v) -> {
      if (v.doubleValue() != 0 || (v instanceof Double d && Double.doubleToRawLongBits(d) != 0)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** A builder filling counters in order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fills named counters; the order of {@link #put} calls is the order they are reported in. */
  public static final class Builder {
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private final Map<String, Double> measures = new LinkedHashMap<>();

    public Builder put(String name, long value) {
      counters.put(name, value);
      return this;
    }

    public Builder measure(String name, double value) {
      measures.put(name, value);
      return this;
    }

    public Telemetry build() {
      return new Telemetry(counters, measures);
    }
  }
}
