package io.spikeloop.mapper;

import io.spikeloop.device.Device;

/**
 * A target's per-instance calibration without training ({@link TargetMapper#calibrator}, {@code
 * reproduce hil-mismatch} arm (b)): probes one chip through the device contract and measures
 * what the weights can undo of its deviations from the nominal chip.
 */
@FunctionalInterface
public interface ChipCalibrator {
  /**
   * Measures the chip behind {@code device} for {@code mapping}'s network. Leaves the device
   * configured with the network and its weights zero: load the network again afterwards.
   *
   * @throws MappingRefusedException naming what of the network the probes cannot handle
   */
  ChipCalibration measure(Device device, TargetMapping mapping);
}
