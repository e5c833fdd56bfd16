package io.spikeloop.device;

/**
 * Counters a device accumulates since its last reset of telemetry (configure resets them).
 *
 * @param energyJoules estimated energy from the device's energy profile (0 when it has none)
 */
public record Telemetry(long steps, long sops, long cycles, long neuronUpdates, long hiddenSpikes,
                        long saturations, long fifoOverflows, long deadlineMisses,
                        double energyJoules, long learningUpdates) {
  public static final Telemetry ZERO = new Telemetry(0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0);

  /** Counters accumulated between {@code earlier} and this. */
  public Telemetry minus(Telemetry earlier) {
    return new Telemetry(steps - earlier.steps, sops - earlier.sops, cycles - earlier.cycles,
        neuronUpdates - earlier.neuronUpdates, hiddenSpikes - earlier.hiddenSpikes,
        saturations - earlier.saturations, fifoOverflows - earlier.fifoOverflows,
        deadlineMisses - earlier.deadlineMisses, energyJoules - earlier.energyJoules,
        learningUpdates - earlier.learningUpdates);
  }
}
