package io.spikeloop.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.DeviceInfo;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DeviceState;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NativeBoardDeviceTest {
  /** 40 inputs, a recurrent layer of 30, a feed-forward layer of 20, 5 outputs. */
  private static final NetworkConfig NET = new NetworkConfig(40, List.of(
      new LayerConfig(30, true, 8, 4, 16, 1024, 3900, 40),
      new LayerConfig(20, false, 6, 5, 16, 1500, 4000, 30)),
      new OutputConfig(5, 8, 0, 16, 3800));

  private Device board;

  @BeforeEach
  void open() {
    board = Devices.open("board:ref");
  }

  @AfterEach
  void close() {
    board.close();
  }

  private static void loadRandomWeights(Device d, long seed) {
    Random rnd = new Random(seed);
    for (WeightTensor t : NET.tensors()) {
      int[] v = new int[t.length()];
      int span = t.name().endsWith("bias") ? 64 : (1 << (Math.min(t.bits(), 8) - 1));
      for (int i = 0; i < v.length; i++) {
        v[i] = rnd.nextInt(2 * span) - span;
      }
      d.writeWeights(t.name(), v);
    }
  }

  private static List<SpikeFrame> randomFrames(int steps, double density, long seed) {
    Random rnd = new Random(seed);
    List<SpikeFrame> frames = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < NET.inputs(); i++) {
        if (rnd.nextDouble() < density) {
          ids.add(i);
        }
      }
      frames.add(new SpikeFrame(ids.stream().mapToInt(Integer::intValue).toArray()));
    }
    return frames;
  }

  @Test
  void reportsTheReferenceFirmwareAndItsLimits() {
    DeviceInfo info = board.info();
    assertEquals("board:ref", info.name());
    assertEquals("sl1-ref-firmware", info.kind());
    assertTrue(info.has(Capability.FORWARD) && info.has(Capability.SNAPSHOT)
        && info.has(Capability.MEMBRANE_READOUT) && info.has(Capability.WEIGHT_READBACK));
    assertTrue(info.has(Capability.ON_CHIP_LEARNING) && !info.has(Capability.CYCLE_MODEL));
    assertEquals(1024, CoreLimits.fromNames(info.limits()).maxInputs());
    assertEquals(16L << 20, CoreLimits.fromNames(info.limits()).synapseMemoryBits());
    assertEquals(Telemetry.ZERO, board.telemetry());
  }

  @Test
  void weightsReadBackAsWritten() {
    board.configure(NET);
    assertArrayEquals(new int[30 * 40], board.readWeights("layer0.in"), "configure zeroes");
    loadRandomWeights(board, 7);
    Random rnd = new Random(7);
    for (WeightTensor t : NET.tensors()) {
      int[] expected = new int[t.length()];
      int span = t.name().endsWith("bias") ? 64 : (1 << (Math.min(t.bits(), 8) - 1));
      for (int i = 0; i < expected.length; i++) {
        expected[i] = rnd.nextInt(2 * span) - span;
      }
      assertArrayEquals(expected, board.readWeights(t.name()), t.name());
    }
  }

  @Test
  void batchedRunEqualsStepByStepAcrossBatchBoundariesAndReadoutLevels() {
    int steps = NativeBoardDevice.MAX_BATCH + 44; // two native calls
    List<SpikeFrame> frames = randomFrames(steps, 0.2, 3);
    board.configure(NET);
    loadRandomWeights(board, 11);
    List<StepResult> batched = board.run(frames, ReadoutLevel.FULL);
    Telemetry afterBatch = board.telemetry();
    board.reset();
    long hiddenSpikes = 0;
    for (int t = 0; t < steps; t++) {
      ReadoutLevel level = ReadoutLevel.values()[t % 3];
      StepResult one = board.step(frames.get(t), level);
      StepResult all = batched.get(t);
      assertEquals(t, one.step());
      assertArrayEquals(all.outputs(), one.outputs(), "outputs at step " + t);
      assertEquals(all.sops(), one.sops(), "sops at step " + t);
      if (level == ReadoutLevel.OUTPUTS) {
        assertNull(one.spikes());
      } else {
        assertTrue(Arrays.deepEquals(all.spikes(), one.spikes()), "spikes at step " + t);
      }
      if (level == ReadoutLevel.FULL) {
        assertTrue(Arrays.deepEquals(all.membranes(), one.membranes()), "u at step " + t);
      } else {
        assertNull(one.membranes());
      }
      for (int[] layer : all.spikes()) {
        hiddenSpikes += layer.length;
      }
    }
    assertTrue(hiddenSpikes > steps, "the test network must actually spike: " + hiddenSpikes);
    assertEquals(hiddenSpikes, afterBatch.count(Sl1Target.HIDDEN_SPIKES));
    assertEquals(2L * steps, board.telemetry().steps(), "reset keeps telemetry");
    assertEquals(steps * (30L + 20 + 5), afterBatch.count(Sl1Target.NEURON_UPDATES));
  }

  @Test
  void restoringAStateIntoAnotherBoardContinuesIdentically() {
    List<SpikeFrame> frames = randomFrames(60, 0.2, 5);
    board.configure(NET);
    loadRandomWeights(board, 13);
    board.run(frames.subList(0, 30), ReadoutLevel.OUTPUTS);
    DeviceState snapshot = Sl1Device.state(board);
    assertEquals(30, snapshot.step());
    List<StepResult> rest = board.run(frames.subList(30, 60), ReadoutLevel.FULL);
    try (Device other = Devices.open("board:ref")) {
      other.configure(NET);
      loadRandomWeights(other, 13);
      Sl1Device.restore(other, snapshot);
      assertEquals(snapshot, Sl1Device.state(other));
      List<StepResult> again = other.run(frames.subList(30, 60), ReadoutLevel.FULL);
      for (int t = 0; t < 30; t++) {
        assertEquals(rest.get(t).step(), again.get(t).step());
        assertArrayEquals(rest.get(t).outputs(), again.get(t).outputs());
        assertTrue(Arrays.deepEquals(rest.get(t).membranes(), again.get(t).membranes()));
        assertTrue(Arrays.deepEquals(rest.get(t).spikes(), again.get(t).spikes()));
      }
      assertEquals(board.telemetry(), other.telemetry());
    }
  }

  @Test
  void badInputIsRefusedByTheFirmwareAndChangesNothing() {
    board.configure(NET);
    loadRandomWeights(board, 17);
    board.run(randomFrames(5, 0.3, 1), ReadoutLevel.OUTPUTS);
    DeviceState before = Sl1Device.state(board);
    int[] weightsBefore = board.readWeights("layer0.in");

    var outOfRange = assertThrows(IllegalArgumentException.class, () -> board.run(
        List.of(new SpikeFrame(1, 2), new SpikeFrame(3, 40)), ReadoutLevel.OUTPUTS));
    assertTrue(outOfRange.getMessage().contains("board:ref: spikeloop_run failed with "
        + "SPIKELOOP_ERR_ARGUMENT: step 1: input axon id 40 out of range [0, 40)"),
        outOfRange.getMessage());

    int[] tooWide = new int[30 * 40];
    tooWide[41] = 128;
    var wide = assertThrows(IllegalArgumentException.class,
        () -> board.writeWeights("layer0.in", tooWide));
    assertTrue(wide.getMessage().contains("tensor layer0.in value 128 at [1][1] does not fit 8"
        + " signed bits [-128, 127]"), wide.getMessage());

    var shape = assertThrows(IllegalArgumentException.class,
        () -> board.writeWeights("layer1.in", new int[7]));
    assertTrue(shape.getMessage().contains("tensor layer1.in needs 20x30 = 600 values, got 7"),
        shape.getMessage());
    var noRec = assertThrows(IllegalArgumentException.class,
        () -> board.writeWeights("layer1.rec", new int[400]));
    assertTrue(noRec.getMessage().contains("no weight tensor 'layer1.rec'"), noRec.getMessage());

    int[][] u = Arrays.stream(before.membranes()).map(int[]::clone).toArray(int[][]::new);
    u[0][3] = 1 << 15; // does not fit 16 bits
    var badState = assertThrows(IllegalArgumentException.class, () -> Sl1Device.restore(board,
        new DeviceState(5, u, before.lastSpikes(), before.outputs(), before.telemetry())));
    assertTrue(badState.getMessage().contains("layer 0 membrane 3 = 32768 does not fit 16 bits"),
        badState.getMessage());

    assertEquals(before, Sl1Device.state(board));
    assertArrayEquals(weightsBefore, board.readWeights("layer0.in"));
  }

  @Test
  void aNetworkTooBigForTheCoreIsADesignRuleViolationAndKeepsTheLoadedOne() {
    board.configure(NET);
    loadRandomWeights(board, 19);
    List<SpikeFrame> frames = randomFrames(20, 0.2, 9);
    List<StepResult> expected = board.run(frames, ReadoutLevel.FULL);
    board.reset();
    NetworkConfig wide = new NetworkConfig(1000, List.of(
        new LayerConfig(1000, true, 8, 0, 16, 100, 4096, 1000)), new OutputConfig(4, 8, 0, 16, 0));
    var e = assertThrows(DesignRuleViolation.class, () -> board.configure(wide));
    assertEquals("DR-FANIN", e.rule());
    assertEquals("design rule DR-FANIN: layer 0 fan-in (1000 inputs + 1000 recurrent) = 2000"
        + " exceeds the core's limit 1536 (board:ref, spikeloop_configure)", e.getMessage());
    NetworkConfig tooMany = new NetworkConfig(1025, List.of(
        new LayerConfig(10, false, 8, 0, 16, 100, 4096, 1025)), new OutputConfig(4, 8, 0, 16, 0));
    var inputs = assertThrows(DesignRuleViolation.class, () -> board.configure(tooMany));
    assertEquals("DR-INPUTS", inputs.rule());
    assertTrue(inputs.getMessage().contains("inputs = 1025 exceeds the core's limit 1024"),
        inputs.getMessage());
    NetworkConfig big = new NetworkConfig(1024, List.of(
        new LayerConfig(1024, false, 16, 0, 32, 100, 4096, 1024)), new OutputConfig(4, 16, 0, 32, 0));
    var memory = assertThrows(DesignRuleViolation.class, () -> board.configure(big));
    assertEquals("design rule DR-SYNAPSE-MEMORY: weight storage bits = 16875648 exceeds the core's"
        + " limit 16777216 (board:ref, spikeloop_configure)", memory.getMessage());
    assertEquals(NET, board.config(), "a refused configure keeps the loaded network");
    List<StepResult> again = board.run(frames, ReadoutLevel.FULL);
    for (int t = 0; t < frames.size(); t++) {
      assertTrue(Arrays.deepEquals(expected.get(t).membranes(), again.get(t).membranes()));
    }
  }

  @Test
  void callsBeforeConfigureOrAfterCloseFail() {
    var e = assertThrows(IllegalStateException.class,
        () -> board.step(SpikeFrame.silent(), ReadoutLevel.OUTPUTS));
    assertTrue(e.getMessage().contains("not configured"), e.getMessage());
    board.close();
    board.close(); // idempotent
    var closed = assertThrows(IllegalStateException.class, board::telemetry);
    assertEquals("board:ref is closed", closed.getMessage());
  }
}
