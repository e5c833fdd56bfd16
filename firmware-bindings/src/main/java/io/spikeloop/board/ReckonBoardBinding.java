package io.spikeloop.board;

import io.spikeloop.device.Device;
import io.spikeloop.target.reckon.ReckonChipDevice;
import io.spikeloop.target.reckon.ReckonTarget;

/**
 * ReckOn boards: {@code board:reckon} loads {@code libspikeloop_reckon.so} (the verilated RTL,
 * {@code docs/reckon-board.md}), whose {@code spikeloop_target()} is {@code reckon}; this binding
 * drives it through its own C ABI ({@code spikeloop_reckon.h}) as a {@link BoardReckonChip}
 * behind the generic contract ({@link ReckonChipDevice}). Hidden spikes are not visible at the
 * pins, so the device has no {@link ReckonChipDevice#SPIKE_READOUT}.
 */
public final class ReckonBoardBinding implements BoardBinding {
  /** Implementation kind in {@link io.spikeloop.device.DeviceInfo#kind()}. */
  public static final String KIND = "reckon-verilated-rtl";

  @Override
  public String targetId() {
    return ReckonTarget.ID;
  }

  @Override
  public Device open(String deviceName, BoardLibrary library) {
    BoardReckonChip chip = new BoardReckonChip(ReckonBoard.open(deviceName, library));
    return new ReckonChipDevice(deviceName, KIND,
        "ABI " + ReckonDriver.SPIKELOOP_RECKON_ABI_VERSION, chip);
  }
}
