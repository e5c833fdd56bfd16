package io.spikeloop.target;

import io.spikeloop.device.Telemetry;

/**
 * How a target turns its devices' telemetry counters into cost: core cycles and energy. Placements
 * and reports ask this, never the device's class.
 */
public interface CostModel {
  /** Core cycles spent over the counters (0 where the target has no cycle model). */
  long cycles(Telemetry counters);

  /** Energy in joules spent over the counters (0 where the target has no energy model). */
  double energyJoules(Telemetry counters);

  /** Cycles the on-chip learning engine spent (0 without one). */
  default long learningCycles(Telemetry counters) {
    return 0;
  }

  /** Energy in joules the on-chip learning engine spent (0 without one). */
  default double learningJoules(Telemetry counters) {
    return 0;
  }

  /** A target without a cost model. */
  CostModel NONE = new CostModel() {
    @Override
    public long cycles(Telemetry counters) {
      return 0;
    }

    @Override
    public double energyJoules(Telemetry counters) {
      return 0;
    }
  };
}
