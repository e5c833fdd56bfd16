package io.spikeloop.hil.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The same configuration, weights and inputs through a remote simulator (lock-step and
 * streaming) and an in-process one give identical results: every field of every step, the
 * telemetry and the final state. An SHD-shaped network (700 inputs, recurrent hidden layer of
 * 450) with sparse and dense inputs, so both spike encodings cross the wire.
 */
class RemoteSimBitIdentityTest {

  @Test
  void remoteAndInProcessSimulatorsAgreeBitForBit() {
    NetworkConfig net = new NetworkConfig(700, List.of(new LayerConfig(450, true, 8, 0, 16, 300,
        3900, 700), new LayerConfig(40, false, 8, 0, 16, 200, 4000, 450)),
        new OutputConfig(20, 8, 0, 20, 3900));
    Random rnd = new Random(4);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      double density = t % 50 < 40 ? 0.03 : 0.5;
      frames.add(new SpikeFrame(java.util.stream.IntStream.range(0, 700)
          .filter(i -> rnd.nextDouble() < density).toArray()));
    }
    try (DeviceServer server = DeviceServer.start("sim", ServerOptions.loopback(0));
         RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
             .withWindow(64, 8));
         Device local = Devices.open("sim")) {
      Random w = new Random(5);
      for (Device d : List.of(local, remote)) {
        d.configure(net);
      }
      for (WeightTensor t : net.tensors()) {
        int[] values = w.ints(t.length(), -60, 64).toArray();
        local.writeWeights(t.name(), values);
        remote.writeWeights(t.name(), values);
      }
      for (ReadoutLevel level : ReadoutLevel.values()) {
        local.reset();
        remote.reset();
        List<StepResult> expected = local.run(frames, level);
        List<StepResult> got = new ArrayList<>();
        for (SpikeFrame f : frames.subList(0, 100)) {
          got.add(remote.step(f, level));
        }
        got.addAll(remote.run(frames.subList(100, frames.size()), level));
        for (int t = 0; t < frames.size(); t++) {
          assertSame(expected.get(t), got.get(t), level + " step " + t);
        }
        assertEquals(local.state(), remote.state());
      }
      assertEquals(local.telemetry(), remote.telemetry());
    }
  }

  private static void assertSame(StepResult a, StepResult b, String where) {
    assertEquals(a.step(), b.step(), where);
    assertArrayEquals(a.outputs(), b.outputs(), where);
    assertArrayEquals(a.spikes(), b.spikes(), where);
    assertArrayEquals(a.membranes(), b.membranes(), where);
    assertEquals(a.sops(), b.sops(), where);
    assertEquals(a.cycles(), b.cycles(), where);
    assertEquals(a.deadlineMiss(), b.deadlineMiss(), where);
    assertEquals(a.fifoOverflows(), b.fifoOverflows(), where);
  }
}
