package io.spikeloop.hil.contract;

import io.spikeloop.device.Device;
import io.spikeloop.device.ForwardingDevice;
import io.spikeloop.device.Devices;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;

/**
 * The device contract, unchanged, against the reference firmware served over TCP
 * ({@code spikeloop serve --device board:ref}, opened as {@code remote://}): each device the suite
 * opens is a {@code board:ref} behind its own server on loopback. Closing the client device stops
 * its server, which closes the board: the firmware has only four cores to open at once.
 */
class RemoteBoardDeviceContractTest extends DeviceContractSuite {

  @Override
  protected Device openDevice() {
    DeviceServer server = DeviceServer.start("board:ref", ServerOptions.loopback(0));
    try {
      return new ServedDevice(Devices.open("remote://127.0.0.1:" + server.port()), server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** A remote device that stops its server when closed. */
  private static final class ServedDevice extends ForwardingDevice {
    private final DeviceServer server;

    ServedDevice(Device remote, DeviceServer server) {
      super(remote);
      this.server = server;
    }

    @Override
    public void close() {
      try {
        super.close();
      } finally {
        server.close();
      }
    }
  }
}
