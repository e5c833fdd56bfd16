package io.spikeloop.board;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceUnavailableException;
import io.spikeloop.target.sl1.Sl1Target;

/**
 * SL-1 boards: driver ABI {@value SpikeloopDriver#SPIKELOOP_DRIVER_ABI_VERSION}
 * ({@code spikeloop_driver.h}, {@code docs/driver-abi.md}) behind {@link NativeBoardDevice}.
 */
public final class Sl1BoardBinding implements BoardBinding {
  @Override
  public String targetId() {
    return Sl1Target.ID;
  }

  @Override
  public Device open(String deviceName, BoardLibrary library) {
    SpikeloopDriver driver = library.bind(SpikeloopDriver.class);
    int version;
    try {
      version = driver.spikeloop_driver_abi_version();
    } catch (UnsatisfiedLinkError e) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file()
          + " is not a spikeloop driver (it has no spikeloop_driver_abi_version)", e);
    }
    if (version != SpikeloopDriver.SPIKELOOP_DRIVER_ABI_VERSION) {
      throw new DeviceUnavailableException(deviceName + ": " + library.file()
          + " implements driver ABI version " + version + ", this build of spikeloop needs version "
          + SpikeloopDriver.SPIKELOOP_DRIVER_ABI_VERSION);
    }
    return new NativeBoardDevice(deviceName, BoardDriver.open(driver, deviceName,
        library.board()));
  }
}
