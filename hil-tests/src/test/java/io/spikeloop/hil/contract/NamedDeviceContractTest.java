package io.spikeloop.hil.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract suite against any device named by {@value #PROPERTY} ({@code board:NAME},
 * {@code remote://HOST:PORT}, {@code sim:OPTIONS}), so a vendor runs it on a board without
 * editing sources ({@code docs/hil.md}). Without the property the class is skipped.
 */
class NamedDeviceContractTest extends DeviceContractSuite {
  static final String PROPERTY = "spikeloop.contract.device";

  @BeforeAll
  static void needsADeviceName() {
    String name = System.getProperty(PROPERTY);
    assumeTrue(name != null && !name.isBlank(), "-D" + PROPERTY + "=NAME names no device");
  }

  @Override
  protected Device openDevice() {
    return Devices.open(System.getProperty(PROPERTY));
  }
}
