package io.spikeloop.hil.contract;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The device contract, unchanged, against {@code remote://} devices: each device the suite opens
 * is a fresh simulator behind its own server on loopback (a server serves one client at a time,
 * and some tests open two devices).
 */
class RemoteSimDeviceContractTest extends DeviceContractSuite {
  private final List<DeviceServer> servers = new ArrayList<>();

  @Override
  protected Device openDevice() {
    DeviceServer server = DeviceServer.start("sim", ServerOptions.loopback(0));
    servers.add(server);
    return Devices.open("remote://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stopServers() {
    servers.forEach(DeviceServer::close);
  }
}
