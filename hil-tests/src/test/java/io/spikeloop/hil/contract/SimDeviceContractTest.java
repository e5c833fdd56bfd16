package io.spikeloop.hil.contract;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;

/** The contract on the in-process simulator, opened by name through the provider SPI. */
class SimDeviceContractTest extends DeviceContractSuite {
  @Override
  protected Device openDevice() {
    return Devices.open("sim");
  }
}
