package io.spikeloop.hil.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.SimOptions;
import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkpoint and resume of the on-chip learning engine under every Adam schedule (dense, lazy,
 * catch-up) on every implementation: the simulator, the reference firmware through JNA
 * ({@code board:ref,learning=...}) and a simulator served over Netty on loopback. Learning is
 * stopped after some samples, the weights, learning-state image (version 2) and dynamic state are
 * read, a fresh device of the same kind is loaded with them, and both continue on the same
 * frames: every output, every weight and the learning state must equal the uninterrupted run bit
 * for bit, and the three implementations' images must be the same bytes. The e-prop rule is
 * checkpointed in the middle of a sample, its traces in the image's section eprop.traces.
 */
class LearningCheckpointResumeTest {
  /** Steps per "sample" (one label each). */
  private static final int SAMPLE = 25;
  /** Samples before the checkpoint and after it. */
  private static final int HEAD = 4;
  private static final int TAIL = 3;

  private static final NetworkConfig NET = new NetworkConfig(300, List.of(
      new LayerConfig(48, true, 8, 0, 20, 300, 3900, 300)),
      new OutputConfig(10, 8, -1, 20, 3900));

  @ParameterizedTest(name = "{0}")
  @EnumSource(AdamSchedule.class)
  void resumedLearningEqualsTheUninterruptedRunOnSimBoardAndServedSim(AdamSchedule schedule) {
    String sim = "sim:learning=" + schedule.cliName();
    List<SpikeFrame> frames = frames();
    List<SpikeFrame> head = frames.subList(0, HEAD * SAMPLE);
    List<SpikeFrame> tail = frames.subList(HEAD * SAMPLE, frames.size());

    byte[] simImage = resumeBitExactly(() -> simDevice(sim), head, tail, schedule);
    byte[] boardImage = resumeBitExactly(
        () -> Devices.open("board:ref,learning=" + schedule.cliName()), head, tail, schedule);
    assertArrayEquals(simImage, boardImage, "simulator and firmware images, byte for byte");
    try (DeviceServer a = DeviceServer.start(simDevice(sim), ServerOptions.loopback(0));
         DeviceServer b = DeviceServer.start(simDevice(sim), ServerOptions.loopback(0))) {
      List<DeviceServer> servers = List.of(a, b);
      int[] next = {0};
      byte[] servedImage = resumeBitExactly(
          () -> Devices.open("remote://127.0.0.1:" + servers.get(next[0]++).port()), head, tail,
          schedule);
      assertArrayEquals(simImage, servedImage, "the served simulator's image, byte for byte");
    }
  }

  /**
   * The e-prop rule: the checkpoint falls in the middle of a sample (12 steps into the fifth),
   * so the image's section eprop.traces carries presynaptic, output and eligibility traces under
   * way; the three implementations resume bit-identically and their images are the same bytes.
   */
  @org.junit.jupiter.api.Test
  void resumedEpropLearningEqualsTheUninterruptedRunOnSimBoardAndServedSim() {
    LearningConfig eprop = learning().toBuilder()
        .rule(io.spikeloop.target.sl1.LearningRule.EPROP).traceShift(20).build();
    List<SpikeFrame> frames = frames();
    int cut = HEAD * SAMPLE + 12;
    List<SpikeFrame> head = frames.subList(0, cut);
    List<SpikeFrame> tail = frames.subList(cut, frames.size());
    byte[] simImage = resumeBitExactly(SimDevice::new, head, tail, AdamSchedule.DENSE, eprop);
    LearningState saved = LearningState.fromBytes(simImage);
    assertEquals(LearningState.RULE_EPROP, saved.rule());
    assertEquals(LearningState.EPROP_TRACES_SECTION, saved.sections().get(0).name());
    byte[] boardImage = resumeBitExactly(() -> Devices.open("board:ref"), head, tail,
        AdamSchedule.DENSE, eprop);
    assertArrayEquals(simImage, boardImage, "simulator and firmware images, byte for byte");
    try (DeviceServer a = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0));
         DeviceServer b = DeviceServer.start(new SimDevice(), ServerOptions.loopback(0))) {
      List<DeviceServer> servers = List.of(a, b);
      int[] next = {0};
      byte[] servedImage = resumeBitExactly(
          () -> Devices.open("remote://127.0.0.1:" + servers.get(next[0]++).port()), head, tail,
          AdamSchedule.DENSE, eprop);
      assertArrayEquals(simImage, servedImage, "the served simulator's image, byte for byte");
    }
  }

  /**
   * The e-prop image is larger than tBPTT1's by the traces (2 B per hidden-layer parameter); a
   * served device whose frame limit it exceeds refuses the restore before anything is sent,
   * naming the request, its size and the limit, and keeps its state: never a truncated image.
   */
  @org.junit.jupiter.api.Test
  void anImageAboveTheServersFrameLimitIsRefusedByName() {
    LearningConfig eprop = learning().toBuilder()
        .rule(io.spikeloop.target.sl1.LearningRule.EPROP).traceShift(20).build();
    int limit = 96 << 10;
    try (DeviceServer server = DeviceServer.start(new SimDevice(),
             ServerOptions.loopback(0).withMaxFrameBytes(limit));
         Device served = Devices.open("remote://127.0.0.1:" + server.port())) {
      served.configure(NET);
      BoardSimLockstepTest.writeSameRandomWeights(NET, new Random(3), served);
      Sl1Device.enableLearning(served, eprop);
      served.run(frames().subList(0, 30), ReadoutLevel.OUTPUTS);
      LearningState image = Sl1Device.learningState(served);
      assertTrue(image.imageBytes() > limit, "the test needs an image above the limit: "
          + image.imageBytes());
      var e = assertThrows(IllegalArgumentException.class,
          () -> Sl1Device.restoreLearningState(served, image));
      assertTrue(e.getMessage().contains("RESTORE_LEARNING_STATE")
          && e.getMessage().contains("exceeds the server's frame limit of " + limit + " bytes"),
          e.getMessage());
      assertEquals(image, Sl1Device.learningState(served), "nothing changed");
    }
  }

  private static SimDevice simDevice(String name) {
    return new SimDevice(name, SimOptions.parse(name), SimDevice.DEFAULT_LIMITS);
  }

  /**
   * Runs the head on one device, checkpoints, runs the tail; loads a second device from the
   * checkpoint and runs the tail; compares. Returns the checkpoint's image.
   */
  private static byte[] resumeBitExactly(Supplier<Device> open, List<SpikeFrame> head,
                                         List<SpikeFrame> tail, AdamSchedule schedule) {
    return resumeBitExactly(open, head, tail, schedule, learning());
  }

  private static byte[] resumeBitExactly(Supplier<Device> open, List<SpikeFrame> head,
                                         List<SpikeFrame> tail, AdamSchedule schedule,
                                         LearningConfig learning) {
    try (Device first = open.get(); Device fresh = open.get()) {
      first.configure(NET);
      BoardSimLockstepTest.writeSameRandomWeights(NET, new Random(3), first);
      Sl1Device.enableLearning(first, learning);
      first.run(head, ReadoutLevel.OUTPUTS);

      byte[] image = Sl1Device.learningState(first).toBytes();
      LearningState saved = LearningState.fromBytes(image);
      assertEquals(LearningState.VERSION, image[4], "images are written as version 2");
      assertEquals(schedule.ordinal(), saved.schedule(), "the image names the schedule");
      if (schedule == AdamSchedule.CATCH_UP) {
        List<int[]> counters = saved.catchUpBlockSteps();
        int step = saved.tensors().get(0).step();
        assertTrue(java.util.Arrays.stream(counters.get(0)).anyMatch(t -> t < step),
            "some block of layer0.in last stepped before the checkpoint: a test of the counters");
      }
      DeviceState dynamic = Sl1Device.state(first);
      Map<String, int[]> weights = new LinkedHashMap<>();
      for (WeightTensor t : NET.tensors()) {
        weights.put(t.name(), first.readWeights(t.name()));
      }
      List<StepResult> uninterrupted = first.run(tail, ReadoutLevel.OUTPUTS);

      fresh.configure(NET);
      weights.forEach(fresh::writeWeights);
      Sl1Device.enableLearning(fresh, learning);
      Sl1Device.restoreLearningState(fresh, saved);
      Sl1Device.restore(fresh, dynamic);
      assertArrayEquals(image, Sl1Device.learningState(fresh).toBytes(), "restored as saved");
      List<StepResult> resumed = fresh.run(tail, ReadoutLevel.OUTPUTS);
      for (int i = 0; i < tail.size(); i++) {
        assertArrayEquals(uninterrupted.get(i).outputs(), resumed.get(i).outputs(),
            "outputs at tail step " + i);
      }
      for (WeightTensor t : NET.tensors()) {
        assertArrayEquals(first.readWeights(t.name()), fresh.readWeights(t.name()), t.name());
      }
      LearningState end = Sl1Device.learningState(first);
      assertEquals(end, Sl1Device.learningState(fresh), "learning state after the tail");
      assertNotEquals(saved, end, "the tail learned");

      // the other schedules' images are refused by name, and change nothing
      for (AdamSchedule other : AdamSchedule.values()) {
        if (other == schedule) {
          continue;
        }
        LearningState foreign = new LearningState(saved.inputs(), saved.hidden(),
            saved.outputs(), saved.outputFracBits(), saved.surrogateShift(),
            saved.surrogateLength(), saved.surrogateCrc(), saved.tensors(), saved.rule(),
            other.ordinal(), saved.sections());
        var e = assertThrows(IllegalArgumentException.class,
            () -> Sl1Device.restoreLearningState(fresh, foreign));
        assertTrue(e.getMessage().contains("schedule is " + other.cliName()), e.getMessage());
      }
      assertEquals(end, Sl1Device.learningState(fresh), "refusals changed nothing");
      return image;
    }
  }

  /** ~4 % random input, one label per sample, every fifth step unlabelled. */
  private static List<SpikeFrame> frames() {
    Random rnd = new Random(17);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < (HEAD + TAIL) * SAMPLE; t++) {
      TreeSet<Integer> ids = new TreeSet<>();
      for (int i = 0; i < NET.inputs(); i++) {
        if (rnd.nextDouble() < 0.04) {
          ids.add(i);
        }
      }
      int label = t % 5 == 4 ? SpikeFrame.NO_LABEL : (t / SAMPLE) % 10;
      frames.add(new SpikeFrame(ids.stream().mapToInt(Integer::intValue).toArray(), label));
    }
    return frames;
  }

  /** All tensors learn at 1/16 core LSB per unit Adam step; 8-bit state, blocks of 32. */
  private static LearningConfig learning() {
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : NET.tensors()) {
      rates.put(t.name(), 1 << 20);
    }
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i / 20.0;
      table[i] = (int) Math.rint(16384 * (0.9 * Math.exp(-x * x) - 0.1 * Math.exp(-x * x / 36)));
    }
    return new LearningConfig(rates, 8, 32, 943718, 1047527, -27, 8, 4321, 8, 5, table);
  }
}
