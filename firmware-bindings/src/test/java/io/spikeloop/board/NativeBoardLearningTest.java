package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reference firmware's on-chip learning engine through the device contract: control,
 * labels, telemetry and refusals. Bit-exact agreement with the simulator's engine is proven in
 * hil-tests (BoardSimLearningLockstepTest).
 */
class NativeBoardLearningTest {
  static final NetworkConfig NET = new NetworkConfig(24, List.of(
      new LayerConfig(16, true, 8, 4, 20, 1 << 11, 3900, 24)),
      new OutputConfig(4, 8, 4, 24, 3900));

  private Device board;

  @BeforeEach
  void open() {
    board = Devices.open("board:ref");
    board.configure(NET);
    writeStartWeights(board);
  }

  /** The seeded start weights of these tests (biases in [-200, 200), weights in [-40, 60)). */
  static void writeStartWeights(Device device) {
    SplittableRandom r = new SplittableRandom(5);
    for (WeightTensor t : NET.tensors()) {
      int[] v = new int[t.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.cols() == 1 ? r.nextInt(-200, 200) : r.nextInt(-40, 60);
      }
      device.writeWeights(t.name(), v);
    }
  }

  @AfterEach
  void close() {
    board.close();
  }

  static LearningConfig learning(Map<String, Integer> rates) {
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i / 16.0;
      table[i] = (int) Math.rint(16384 * 0.4 * Math.exp(-2 * x * x));
    }
    return new LearningConfig(rates, 8, 16, 943718, 1047527, -27, 8, 3, 12, 7, table);
  }

  static LearningConfig allTensors() {
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : NET.tensors()) {
      rates.put(t.name(), 1 << 22); // a quarter of a core LSB per unit step
    }
    return learning(rates);
  }

  private static List<SpikeFrame> frames(int steps, boolean labelled) {
    SplittableRandom r = new SplittableRandom(11);
    List<SpikeFrame> out = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      int[] ids = r.ints(0, NET.inputs()).limit(6).sorted().distinct().toArray();
      out.add(new SpikeFrame(ids, labelled ? t % 4 : SpikeFrame.NO_LABEL));
    }
    return out;
  }

  private Map<String, int[]> weights() {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (WeightTensor t : NET.tensors()) {
      w.put(t.name(), board.readWeights(t.name()));
    }
    return w;
  }

  @Test
  void labelledStepsLearnAndCountUpdates() {
    Map<String, int[]> before = weights();
    Sl1Device.enableLearning(board, allTensors());
    board.run(frames(40, false), ReadoutLevel.OUTPUTS);
    assertEquals(0, board.telemetry().learningUpdates(), "unlabelled steps do not learn");
    board.run(frames(40, true), ReadoutLevel.OUTPUTS);
    long params = NET.tensors().stream().mapToLong(WeightTensor::length).sum();
    assertEquals(40 * params, board.telemetry().learningUpdates());
    Map<String, int[]> after = weights();
    for (String name : List.of("layer0.in", "out.w", "out.bias")) {
      assertFalse(java.util.Arrays.equals(before.get(name), after.get(name)), name + " learned");
    }
    Sl1Device.disableLearning(board);
    board.run(frames(40, true), ReadoutLevel.OUTPUTS);
    assertEquals(40 * params, board.telemetry().learningUpdates(), "disabled: labels ignored");
    after.forEach((name, w) -> assertArrayEquals(w, board.readWeights(name), name + " unchanged"));
  }

  @Test
  void onlyTheListedTensorsLearn() {
    Map<String, int[]> before = weights();
    Sl1Device.enableLearning(board, learning(Map.of("out.w", 1 << 22)));
    board.run(frames(30, true), ReadoutLevel.OUTPUTS);
    assertEquals(30L * NET.output().size() * 16, board.telemetry().learningUpdates());
    Map<String, int[]> after = weights();
    for (String name : List.of("layer0.in", "layer0.rec", "layer0.bias", "out.bias")) {
      assertArrayEquals(before.get(name), after.get(name), name + " is not learned");
    }
    assertFalse(java.util.Arrays.equals(before.get("out.w"), after.get("out.w")));
  }

  @Test
  void refusalsNameTheProblem() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.enableLearning(board, learning(Map.of("layer3.in", 10))));
    assertTrue(e.getMessage().contains("layer3.in"), e.getMessage());
    Sl1Device.enableLearning(board, allTensors());
    var label = assertThrows(IllegalArgumentException.class,
        () -> board.step(new SpikeFrame(new int[] {1}, 4), ReadoutLevel.OUTPUTS));
    assertTrue(label.getMessage().contains("label 4 out of range: the network has 4 outputs"),
        label.getMessage());
    assertEquals(0, board.telemetry().steps(), "a refused run changes nothing");

    board.configure(new NetworkConfig(24, List.of(new LayerConfig(16, false, 8, 4, 20, 2048, 3900,
        24), new LayerConfig(8, false, 8, 4, 20, 2048, 3900, 16)), new OutputConfig(4, 8, 4, 24,
        3900)));
    var rule = assertThrows(DesignRuleViolation.class,
        () -> Sl1Device.enableLearning(board, learning(Map.of("out.w", 100))));
    assertEquals("DR-LEARNING", rule.rule());
    assertTrue(rule.getMessage().contains("one hidden layer"), rule.getMessage());
  }

  /**
   * The reference firmware's schedule extension: an event-driven engine visits fewer parameters
   * than the dense one on the same frames, and the extension refuses what it cannot do.
   */
  @Test
  void theLearningScheduleExtensionSelectsTheEventDrivenEngine() {
    RefLearningSchedule.select(board, "lazy");
    Sl1Device.enableLearning(board, allTensors());
    for (SpikeFrame f : frames(20, true)) {
      board.step(f, ReadoutLevel.OUTPUTS);
    }
    long params = NET.tensors().stream().mapToLong(WeightTensor::length).sum();
    long lazyUpdates = board.telemetry().learningUpdates();
    assertTrue(lazyUpdates > 0 && lazyUpdates < 20 * params, "visited " + lazyUpdates);
    var enabled = assertThrows(RuntimeException.class,
        () -> RefLearningSchedule.select(board, "catchup"));
    assertTrue(enabled.getMessage().contains("disable learning first"), enabled.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> RefLearningSchedule.select(board, "sparse"));
    assertTrue(unknown.getMessage().contains("dense, lazy or catchup"), unknown.getMessage());
    Device wrapped = new io.spikeloop.device.ForwardingDevice(board) {};
    var other = assertThrows(IllegalArgumentException.class,
        () -> RefLearningSchedule.select(wrapped, "lazy"));
    assertTrue(other.getMessage().contains("board:ref"), other.getMessage());
  }
}
