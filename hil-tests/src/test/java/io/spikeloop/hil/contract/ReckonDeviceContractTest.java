package io.spikeloop.hil.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.board.ReckonBoard;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import org.junit.jupiter.api.Nested;

/** The contract suite's target-neutral parts on both ReckOn devices. */
class ReckonDeviceContractTest {
  @Nested
  class SimReckon extends DeviceContractSuite {
    @Override
    protected Device openDevice() {
      return Devices.open("sim:reckon");
    }
  }

  @Nested
  class BoardReckon extends DeviceContractSuite {
    @Override
    protected Device openDevice() {
      String reason = ReckonBoard.unavailableReason();
      assumeTrue(reason == null, () -> "board:reckon not built (needs the '"
          + ReckonBoard.VERILATOR_PACKAGE + "' package): " + reason);
      return Devices.open("board:reckon");
    }
  }
}
