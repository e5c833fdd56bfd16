package io.spikeloop.hil.contract;

import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.DeviceState;
import io.spikeloop.device.Devices;
import io.spikeloop.device.LearningConfig;
import io.spikeloop.device.LearningState;
import io.spikeloop.device.NetworkConfig;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import java.util.List;

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
  private record ServedDevice(Device remote, DeviceServer server) implements Device {
    @Override
    public DeviceInfo info() {
      return remote.info();
    }

    @Override
    public void configure(NetworkConfig config) {
      remote.configure(config);
    }

    @Override
    public NetworkConfig config() {
      return remote.config();
    }

    @Override
    public void writeWeights(String tensor, int[] values) {
      remote.writeWeights(tensor, values);
    }

    @Override
    public int[] readWeights(String tensor) {
      return remote.readWeights(tensor);
    }

    @Override
    public void enableLearning(LearningConfig learning) {
      remote.enableLearning(learning);
    }

    @Override
    public void disableLearning() {
      remote.disableLearning();
    }

    @Override
    public LearningState learningState() {
      return remote.learningState();
    }

    @Override
    public void restoreLearningState(LearningState state) {
      remote.restoreLearningState(state);
    }

    @Override
    public StepResult step(SpikeFrame input, ReadoutLevel readout) {
      return remote.step(input, readout);
    }

    @Override
    public List<StepResult> run(List<SpikeFrame> inputs, ReadoutLevel readout) {
      return remote.run(inputs, readout);
    }

    @Override
    public void reset() {
      remote.reset();
    }

    @Override
    public DeviceState state() {
      return remote.state();
    }

    @Override
    public void restore(DeviceState state) {
      remote.restore(state);
    }

    @Override
    public Telemetry telemetry() {
      return remote.telemetry();
    }

    @Override
    public void close() {
      try {
        remote.close();
      } finally {
        server.close();
      }
    }
  }
}
