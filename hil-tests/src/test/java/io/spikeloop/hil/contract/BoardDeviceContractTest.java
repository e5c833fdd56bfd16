package io.spikeloop.hil.contract;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;

/** The contract on the reference firmware through JNA ({@code board:ref}), opened by name. */
class BoardDeviceContractTest extends DeviceContractSuite {
  @Override
  protected Device openDevice() {
    return Devices.open("board:ref");
  }
}
