package io.spikeloop.hil.mismatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.target.Equivalence;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The C reference board models the same chip instance as the simulator, bit for bit
 * ({@code docs/core-spec.md} section 10; driver ABI 4): the same mismatch pattern, the same
 * membrane noise and the same lost input events, step by step, through JNA, across a restored
 * state and over the wire.
 */
class BoardChipInstanceLockstepTest {
  private static final String CHIP = "mismatch=0.1,instance=42,noise=25,drop=0.05";
  /** Two hidden layers (stages 0 and 1 key their draws apart), the first recurrent. */
  private static final NetworkConfig NET = new NetworkConfig(200, List.of(
      new LayerConfig(96, true, 8, 3, 20, 1500, 3850, 200),
      new LayerConfig(48, false, 8, 3, 20, 1200, 3900, 96)),
      new OutputConfig(10, 8, 1, 24, 3950));

  private static List<SpikeFrame> frames(int steps, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      frames.add(new SpikeFrame(r.ints(0, NET.inputs()).limit(14).distinct().sorted().toArray()));
    }
    return frames;
  }

  /** The same random weights (biases small) into every device. */
  private static void load(long seed, Device... devices) {
    SplittableRandom r = new SplittableRandom(seed);
    for (WeightTensor t : NET.tensors()) {
      int[] w = new int[t.length()];
      int span = t.cols() == 1 ? 40 : 1 << (t.bits() - 1);
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextInt(-span + (t.cols() == 1 ? 0 : span / 4), span); // excitatory on average
      }
      for (Device d : devices) {
        d.writeWeights(t.name(), w);
      }
    }
  }

  private static void assertSameStep(StepResult s, StepResult b, int t) {
    assertEquals(s.step(), b.step(), "step counter at " + t);
    assertArrayEquals(s.spikes(), b.spikes(), "spikes at step " + t);
    assertArrayEquals(s.membranes(), b.membranes(), "membranes at step " + t);
    assertArrayEquals(s.outputs(), b.outputs(), "outputs at step " + t);
    assertEquals(s.sops(), b.sops(), "sops at step " + t);
  }

  @Test
  void boardAndSimulatorModelTheSameInstanceBitForBitThroughARestore() {
    List<SpikeFrame> frames = frames(400, 5);
    try (Device sim = Devices.open("sim:" + CHIP); Device board = Devices.open("board:ref," + CHIP);
         Device perfect = Devices.open("sim")) {
      assertEquals(Equivalence.STATISTICS_ONLY, board.equivalence());
      for (Device d : List.of(sim, board, perfect)) {
        d.configure(NET);
      }
      load(9, sim, board, perfect);
      List<StepResult> onBoard = new ArrayList<>();
      for (int from = 0; from < 250; from += 100) { // batches through JNA
        onBoard.addAll(board.run(frames.subList(from, Math.min(250, from + 100)),
            ReadoutLevel.FULL));
      }
      // the rest on a second board restored from the first one's state (noise and loss are
      // keyed by the restored step counter)
      TargetState at250 = board.state();
      List<StepResult> perfectRun = perfect.run(frames, ReadoutLevel.FULL);
      try (Device second = Devices.open("board:ref," + CHIP)) {
        second.configure(NET);
        load(9, second);
        second.restore(at250);
        onBoard.addAll(second.run(frames.subList(250, 400), ReadoutLevel.FULL));
        Telemetry tb = second.telemetry();
        long spikes = 0;
        int differFromPerfect = 0;
        for (int t = 0; t < frames.size(); t++) {
          StepResult s = sim.step(frames.get(t), ReadoutLevel.FULL);
          assertSameStep(s, onBoard.get(t), t);
          for (int[] layer : s.spikes()) {
            spikes += layer.length;
          }
          differFromPerfect += java.util.Arrays.equals(s.outputs(), perfectRun.get(t).outputs())
              ? 0 : 1;
        }
        Telemetry ts = sim.telemetry();
        assertEquals(ts.steps(), tb.steps(), "telemetry steps");
        assertEquals(ts.sops(), tb.sops(), "telemetry sops");
        assertEquals(ts.count(Sl1Target.HIDDEN_SPIKES), tb.count(Sl1Target.HIDDEN_SPIKES));
        assertEquals(ts.count(Sl1Target.SATURATIONS), tb.count(Sl1Target.SATURATIONS));
        // a test only where the instance is active and differs from the perfect chip
        assertTrue(spikes > frames.size() * 5L, "the net must spike: " + spikes);
        assertTrue(differFromPerfect > frames.size() / 2, "the instance must differ from the "
            + "perfect chip at most steps, differed at " + differFromPerfect);
        // lost inputs lower the SOPs below the perfect chip's for the same input
        assertTrue(ts.sops() != perfect.telemetry().sops(), "drop=0.05 must lose events");
      }
    }
  }

  @Test
  void aServedBoardInstanceIsTheSimulatorsInstance() {
    List<SpikeFrame> frames = frames(150, 8);
    try (DeviceServer server = DeviceServer.start("board:ref," + CHIP, ServerOptions.loopback(0));
         Device remote = Devices.open("remote://127.0.0.1:" + server.port());
         Device sim = Devices.open("sim:" + CHIP)) {
      assertEquals(Equivalence.STATISTICS_ONLY, remote.equivalence());
      for (Device d : List.of(remote, sim)) {
        d.configure(NET);
      }
      load(3, remote, sim);
      List<StepResult> served = remote.run(frames, ReadoutLevel.FULL);
      for (int t = 0; t < frames.size(); t++) {
        assertSameStep(sim.step(frames.get(t), ReadoutLevel.FULL), served.get(t), t);
      }
    }
  }
}
