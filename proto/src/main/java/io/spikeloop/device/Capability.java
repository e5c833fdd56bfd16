package io.spikeloop.device;

/** What a device can do beyond the forward pass; placements check these before they start. */
public enum Capability {
  FORWARD,
  MEMBRANE_READOUT,
  SNAPSHOT,
  CYCLE_MODEL,
  ENERGY_MODEL,
  ON_CHIP_LEARNING,
  WEIGHT_READBACK,
  /** The learning engine's state can be read and restored ({@link Device#learningState}). */
  LEARNING_STATE
}
