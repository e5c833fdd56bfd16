package io.spikeloop.hil.mismatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.target.Equivalence;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A chip instance served over the wire is the same instance, and says it is imperfect. */
class RemoteChipInstanceTest {
  private static final String INSTANCE = "sim:mismatch=0.1,instance=7,noise=30,drop=0.05";
  private static final NetworkConfig NET = new NetworkConfig(32,
      List.of(new LayerConfig(24, true, 8, 4, 24, 3000, 3900, 32)),
      new OutputConfig(4, 8, 2, 24, 3900));

  private static void load(Device d) {
    d.configure(NET);
    SplittableRandom r = new SplittableRandom(11);
    for (String t : List.of("layer0.in", "layer0.rec", "out.w")) {
      int[] w = new int[NET.tensor(t).length()];
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextInt(-50, 128);
      }
      d.writeWeights(t, w);
    }
  }

  @Test
  void servedInstanceStepsBitForBitAsTheLocalOneAndDeclaresStatisticsOnly() {
    try (DeviceServer server = DeviceServer.start(INSTANCE, ServerOptions.loopback(0));
         Device remote = Devices.open("remote://127.0.0.1:" + server.port());
         Device local = Devices.open(INSTANCE)) {
      assertEquals(Equivalence.STATISTICS_ONLY, remote.equivalence());
      assertEquals(Equivalence.STATISTICS_ONLY, local.equivalence());
      assertEquals(Equivalence.BIT_EXACT, Devices.open("sim").equivalence());
      load(remote);
      load(local);
      SplittableRandom r = new SplittableRandom(3);
      for (int t = 0; t < 80; t++) {
        int[] axons = r.ints(0, 32).limit(8).distinct().sorted().toArray();
        StepResult a = remote.step(new SpikeFrame(axons), ReadoutLevel.FULL);
        StepResult b = local.step(new SpikeFrame(axons), ReadoutLevel.FULL);
        assertArrayEquals(b.outputs(), a.outputs(), "step " + t);
        assertArrayEquals(b.membranes()[0], a.membranes()[0], "step " + t);
      }
    }
  }
}
