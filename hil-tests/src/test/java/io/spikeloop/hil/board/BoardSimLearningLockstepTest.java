package io.spikeloop.hil.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.board.RefLearningSchedule;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.SimOptions;
import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On-chip learning in lock-step: the simulator's Java learning engine and the reference
 * firmware's C engine (through JNA, batched with labels) learn side by side and must agree on
 * every spike, membrane and output of every step, on every weight tensor every batch and at the
 * end, and on the learning-update count.
 */
class BoardSimLearningLockstepTest {
  private static final int BATCH = 100;

  /** 700-64(rec)-20, ~3% random input, a label per 25-step "sample", every fifth step unlabelled. */
  @ParameterizedTest(name = "{0}-bit Adam state")
  @ValueSource(ints = {8, 4})
  void randomInputWithLabelsAgreesEveryStepAndEveryWeight(int stateBits) {
    randomInput(stateBits, AdamSchedule.DENSE);
  }

  /**
   * The event-driven engines (docs/core-spec.md 9.7): the simulator's {@code sim:learning=lazy|
   * catchup} against the firmware's, {@code board:ref,learning=lazy|catchup} (selected through
   * {@link RefLearningSchedule}).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = AdamSchedule.class, names = {"LAZY", "CATCH_UP"})
  void eventDrivenEnginesAgreeEveryStepAndEveryWeight(AdamSchedule schedule) {
    randomInput(8, schedule);
  }

  /**
   * The e-prop rule (docs/learning-engine.md section 11) in lock-step: 700-64(rec)-20, eight
   * 25-step samples with a reset before each (the traces restart on both), every fifth step
   * unlabelled. In the middle of sample 3 both hand out their learning-state image (traces in
   * section eprop.traces), which must be the same bytes, and the two swap: a fresh simulator
   * continues from the board's image and a fresh board from the simulator's, still in lock-step
   * to the end, where the images agree byte for byte again.
   */
  @ParameterizedTest(name = "{0}-bit Adam state")
  @ValueSource(ints = {8, 4})
  void epropAgreesEveryStepAndEveryWeightAcrossSamples(int stateBits) {
    NetworkConfig net = new NetworkConfig(700, List.of(
        new LayerConfig(64, true, 8, 0, 20, 700, 3900, 700)),
        new OutputConfig(20, 8, -1, 20, 3900));
    Random rnd = new Random(57 + stateBits);
    LearningConfig eprop = learning(net, stateBits, 8).toBuilder()
        .rule(LearningRule.EPROP).traceShift(20).build();
    Device sim = new SimDevice();
    Device board = Devices.open("board:ref");
    try {
      for (Device d : List.of(sim, board)) {
        d.configure(net);
      }
      BoardSimLockstepTest.writeSameRandomWeights(net, rnd, sim, board);
      Map<String, int[]> initial = weights(sim, net);
      Sl1Device.enableLearning(sim, eprop);
      Sl1Device.enableLearning(board, eprop);
      long spikes = 0;
      for (int sample = 0; sample < 8; sample++) {
        List<SpikeFrame> frames = new ArrayList<>();
        for (int t = 0; t < 25; t++) {
          TreeSet<Integer> ids = new TreeSet<>();
          for (int i = 0; i < 700; i++) {
            if (rnd.nextDouble() < 0.03) {
              ids.add(i);
            }
          }
          frames.add(new SpikeFrame(ids.stream().mapToInt(Integer::intValue).toArray(),
              t % 5 == 4 ? SpikeFrame.NO_LABEL : sample % 20));
        }
        sim.reset();
        board.reset();
        int cut = sample == 3 ? 12 : frames.size();
        for (int[] part : new int[][] {{0, cut}, {cut, frames.size()}}) {
          if (part[0] == cut && cut < frames.size()) {
            byte[] fromSim = Sl1Device.learningState(sim).toBytes();
            byte[] fromBoard = Sl1Device.learningState(board).toBytes();
            assertArrayEquals(fromSim, fromBoard, "mid-sample images, Java and C");
            Device simAfter = resumed(new SimDevice(), board, net, eprop);
            Device boardAfter = resumed(Devices.open("board:ref"), sim, net, eprop);
            sim.close();
            board.close();
            sim = simAfter;
            board = boardAfter;
          }
          List<StepResult> onBoard = board.run(frames.subList(part[0], part[1]),
              ReadoutLevel.FULL);
          for (int t = part[0]; t < part[1]; t++) {
            StepResult a = sim.step(frames.get(t), ReadoutLevel.FULL);
            StepResult b = onBoard.get(t - part[0]);
            String at = "sample " + sample + " step " + t;
            assertArrayEquals(a.spikes(), b.spikes(), "spikes at " + at);
            assertArrayEquals(a.membranes(), b.membranes(), "membranes at " + at);
            assertArrayEquals(a.outputs(), b.outputs(), "outputs at " + at);
            spikes += b.spikes()[0].length;
          }
        }
        assertSameWeights(sim, board, net, "after sample " + sample);
      }
      assertTrue(spikes > 200 * 64 / 50, "the net must spike (>2%) to be a test: " + spikes);
      assertEquals(sim.telemetry().learningUpdates(), board.telemetry().learningUpdates(),
          "learning updates");
      long moved = 0;
      long params = 0;
      Map<String, int[]> learned = weights(board, net);
      for (WeightTensor t : net.tensors()) {
        params += t.length();
        int[] a = initial.get(t.name());
        int[] b = learned.get(t.name());
        for (int i = 0; i < a.length; i++) {
          moved += a[i] != b[i] ? 1 : 0;
        }
      }
      assertTrue(moved > params / 100, "e-prop must move weights to be a test: " + moved + " of "
          + params);
      assertArrayEquals(Sl1Device.learningState(sim).toBytes(),
          Sl1Device.learningState(board).toBytes(), "the images at the end, Java and C");
    } finally {
      sim.close();
      board.close();
    }
  }

  /**
   * {@code fresh} brought to where {@code from} is: its network, weights, learning enabled as
   * {@code learning}, then {@code from}'s learning state and dynamic state (with telemetry).
   */
  private static Device resumed(Device fresh, Device from, NetworkConfig net,
                                LearningConfig learning) {
    fresh.configure(net);
    weights(from, net).forEach(fresh::writeWeights);
    Sl1Device.enableLearning(fresh, learning);
    Sl1Device.restoreLearningState(fresh, Sl1Device.learningState(from));
    Sl1Device.restore(fresh, Sl1Device.state(from));
    return fresh;
  }

  /**
   * The firmware reuses its board slots: an event-driven engine enabled on the slot where a dense
   * engine just learned must still agree with the simulator (its step needs the gradient buffer
   * at 0 outside the rows it writes; the dense step leaves its last gradient there).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = AdamSchedule.class, names = {"LAZY", "CATCH_UP"})
  void eventDrivenEnginesOnABoardSlotADenseEngineUsedAgree(AdamSchedule schedule) {
    try (Device dense = Devices.open("board:ref")) {
      dense.configure(NET);
      BoardSimLockstepTest.writeSameRandomWeights(NET, new Random(1), dense);
      Sl1Device.enableLearning(dense, learning(NET, 8, 8));
      Random rnd = new Random(2);
      List<SpikeFrame> frames = new ArrayList<>();
      for (int t = 0; t < 20; t++) {
        frames.add(new SpikeFrame(rnd.ints(20, 0, 700).distinct().sorted().toArray(), t % 20));
      }
      dense.run(frames, ReadoutLevel.OUTPUTS);
    } // the next board opened gets this slot, its gradient buffer as the dense engine left it
    randomInput(8, schedule);
  }

  private static final NetworkConfig NET = new NetworkConfig(700, List.of(
      new LayerConfig(64, true, 8, 0, 20, 700, 3900, 700)),
      new OutputConfig(20, 8, -1, 20, 3900));

  private static void randomInput(int stateBits, AdamSchedule schedule) {
    NetworkConfig net = NET;
    Random rnd = new Random(31 + stateBits);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < 300; t++) {
      TreeSet<Integer> ids = new TreeSet<>();
      for (int i = 0; i < 700; i++) {
        if (rnd.nextDouble() < 0.03) {
          ids.add(i);
        }
      }
      int label = t % 5 == 4 ? SpikeFrame.NO_LABEL : (t / 25) % 20;
      frames.add(new SpikeFrame(ids.stream().mapToInt(Integer::intValue).toArray(), label));
    }
    long spikes = runLockstep(net, frames, learning(net, stateBits, 8), 5, schedule);
    assertTrue(spikes > 300 * 64 / 50, "the net must spike (>2%) to be a test: " + spikes);
  }

  /**
   * Real spike trains with real labels: two Heidelberg Digits recordings (lauscher, 70 channels,
   * 2 ms bins, label = the spoken digit) into a 70-64(rec)-10 network.
   */
  @ParameterizedTest(name = "{0}-bit Adam state")
  @ValueSource(ints = {8})
  void realHeidelbergDigitsWithLabelsAgree(int stateBits) throws IOException {
    Path dir = Path.of(System.getProperty("spikeloop.data", "../shared/data"),
        "heidelberg-digits", "lauscher-70ch");
    assumeTrue(Files.isDirectory(dir), "real data absent: " + dir.toAbsolutePath()
        + " (set -Dspikeloop.data); skipping the real-data learning lock-step run");
    Pattern digit = Pattern.compile("digit-(\\d+)\\.csv$");
    List<SpikeFrame> frames = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().limit(2)
          .toList()) {
        Matcher m = digit.matcher(csv.getFileName().toString());
        assertTrue(m.find(), "no digit label in " + csv);
        frames.addAll(BoardSimLockstepTest.binned(csv, 0.002, Integer.parseInt(m.group(1))));
      }
    }
    assertTrue(frames.size() > 500, "expected two recordings of ~1 s, got " + frames.size());
    NetworkConfig net = new NetworkConfig(70, List.of(
        new LayerConfig(64, true, 8, 3, 16, 1500, 3800, 70)),
        new OutputConfig(10, 8, 0, 24, 4000));
    long spikes = runLockstep(net, frames, learning(net, stateBits, 10), 7, AdamSchedule.DENSE);
    assertTrue(spikes > frames.size(), "the net must spike to be a test: " + spikes);
  }

  /** All tensors learn at 1/16 core LSB per unit Adam step; a double-Gaussian-like table. */
  private static LearningConfig learning(NetworkConfig net, int stateBits, int outputFracBits) {
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      rates.put(t.name(), 1 << 20);
    }
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i / 20.0;
      table[i] = (int) Math.rint(16384 * (0.9 * Math.exp(-x * x) - 0.1 * Math.exp(-x * x / 36)));
    }
    return new LearningConfig(rates, stateBits, 64, 943718, 1047527, -27, 8, 12345,
        outputFracBits, 5, table);
  }

  /** Runs both devices with learning on, compares everything; returns the hidden spikes seen. */
  private static long runLockstep(NetworkConfig net, List<SpikeFrame> frames,
                                  LearningConfig learning, long seed, AdamSchedule schedule) {
    String simName = "sim:learning=" + schedule.cliName();
    try (SimDevice sim = new SimDevice(simName, SimOptions.parse(simName),
        SimDevice.DEFAULT_LIMITS);
         Device board = Devices.open("board:ref,learning=" + schedule.cliName())) {
      Random rnd = new Random(seed);
      for (Device d : List.of(sim, board)) {
        d.configure(net);
      }
      BoardSimLockstepTest.writeSameRandomWeights(net, rnd, sim, board);
      Map<String, int[]> initial = weights(sim, net);
      Sl1Device.enableLearning(sim, learning);
      Sl1Device.enableLearning(board, learning);
      long spikes = 0;
      long labelled = 0;
      for (int from = 0; from < frames.size(); from += BATCH) {
        List<SpikeFrame> batch = frames.subList(from, Math.min(frames.size(), from + BATCH));
        List<StepResult> onBoard = board.run(batch, ReadoutLevel.FULL);
        for (int i = 0; i < batch.size(); i++) {
          int t = from + i;
          StepResult s = sim.step(batch.get(i), ReadoutLevel.FULL);
          StepResult b = onBoard.get(i);
          assertArrayEquals(s.spikes(), b.spikes(), "spikes at step " + t);
          assertArrayEquals(s.membranes(), b.membranes(), "membranes at step " + t);
          assertArrayEquals(s.outputs(), b.outputs(), "outputs at step " + t);
          for (int[] layer : b.spikes()) {
            spikes += layer.length;
          }
          labelled += batch.get(i).label() == SpikeFrame.NO_LABEL ? 0 : 1;
        }
        assertSameWeights(sim, board, net, "after step " + (from + batch.size()));
      }
      long params = net.tensors().stream().mapToLong(WeightTensor::length).sum();
      if (schedule == AdamSchedule.DENSE) {
        assertEquals(labelled * params, sim.telemetry().learningUpdates(), "sim learning updates");
      } else {
        assertTrue(sim.telemetry().learningUpdates() < labelled * params / 2,
            "event-driven learning visits a fraction of the parameters: "
                + sim.telemetry().learningUpdates() + " of " + labelled * params);
      }
      assertEquals(sim.telemetry().learningUpdates(), board.telemetry().learningUpdates(),
          "learning updates");
      Map<String, int[]> learned = weights(board, net);
      long moved = 0;
      for (WeightTensor t : net.tensors()) {
        int[] a = initial.get(t.name());
        int[] b = learned.get(t.name());
        for (int i = 0; i < a.length; i++) {
          moved += a[i] != b[i] ? 1 : 0;
        }
      }
      assertTrue(moved > params / 100, "learning must move weights to be a test: " + moved
          + " of " + params);
      return spikes;
    }
  }

  private static Map<String, int[]> weights(Device d, NetworkConfig net) {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      w.put(t.name(), d.readWeights(t.name()));
    }
    return w;
  }

  private static void assertSameWeights(Device sim, Device board, NetworkConfig net, String when) {
    for (WeightTensor t : net.tensors()) {
      int[] s = sim.readWeights(t.name());
      int[] b = board.readWeights(t.name());
      if (!Arrays.equals(s, b)) {
        int i = Arrays.mismatch(s, b);
        throw new AssertionError(t.name() + " differs " + when + " at " + i + ": sim " + s[i]
            + ", board " + b[i]);
      }
    }
  }
}
