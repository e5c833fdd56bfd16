package io.spikeloop.mapper;

import io.spikeloop.model.SnnParameters;

/** What a {@link ChipCalibrator} measured on one chip, and what measuring it cost the device. */
public interface ChipCalibration {
  /** {@code p} with its weights changed to undo what was measured (the same shape). */
  SnnParameters compensate(SnnParameters p);

  /** Device steps the probes ran. */
  long probeSteps();

  /** Device energy the probes spent (the device's energy model). */
  double probeJoules();

  /** Device cycles the probes spent. */
  double probeCycles();
}
