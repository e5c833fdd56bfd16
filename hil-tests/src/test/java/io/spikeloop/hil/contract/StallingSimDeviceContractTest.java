package io.spikeloop.hil.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.sim.golden.CoreVector;
import org.junit.jupiter.api.Test;

/**
 * The contract on a simulator whose 2-entry FIFO overflows at almost every step: in the stall
 * policy that may only cost cycles, so every golden vector must still match bit for bit.
 */
class StallingSimDeviceContractTest extends DeviceContractSuite {
  private static final String NAME = "sim:odin,fifo=2,overflow=stall,synapse-lanes=1,neuron-lanes=1";

  @Override
  protected Device openDevice() {
    return Devices.open(NAME);
  }

  @Test
  void goldenVectorsHoldWhileTheFifoOverflows() {
    CoreVector v = CoreVector.load(CoreVector.files(CoreVector.folder()).get(0));
    try (Device d = Devices.open(NAME)) {
      v.assertMatches(d);
      assertTrue(d.telemetry().fifoOverflows() > 0, "the 2-entry FIFO should overflow: "
          + d.telemetry());
    }
  }
}
