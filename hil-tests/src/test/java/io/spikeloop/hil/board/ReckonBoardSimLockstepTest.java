package io.spikeloop.hil.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.board.BoardReckonChip;
import io.spikeloop.board.ReckonBoard;
import io.spikeloop.sim.reckon.ReckonModel;
import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonRandomNetworks;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonStepResult;
import io.spikeloop.target.reckon.ReckonTensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * sim:reckon (the Java model) against board:reckon (the verilated RTL through its pins), tick
 * by tick on random small networks: the output bus and whether e-prop ran after every step, the
 * whole state (membranes, outputs, traces) read back over SPI between ticks, and every weight
 * after each sample. Names the first differing step and variable. Skips, naming the package,
 * where the board library could not be built (no verilator).
 */
class ReckonBoardSimLockstepTest {
  private static final int TICKS_PER_SAMPLE = 30;
  private static final int SAMPLES = 2;

  @ParameterizedTest(name = "seed {0}, learning {1}")
  @CsvSource({"1, false", "2, true", "3, true"})
  void modelAndRtlAgreeOnEveryStep(long seed, boolean learning) {
    String reason = ReckonBoard.unavailableReason();
    assumeTrue(reason == null, () -> "board:reckon not built (needs the '"
        + ReckonBoard.VERILATOR_PACKAGE + "' package): " + reason);
    Random random = new Random(seed);
    ReckonNetwork net = randomNetwork(random, learning);
    try (ReckonChip sim = new ReckonModel(); ReckonChip board = new BoardReckonChip()) {
      for (ReckonChip chip : new ReckonChip[] {sim, board}) {
        chip.configure(net);
      }
      byte[][] initial = new byte[ReckonTensor.values().length][];
      int learnedSteps = 0;
      int nonZeroBusBytes = 0;
      for (ReckonTensor t : ReckonTensor.values()) {
        byte[] w = new byte[t.rows(net) * t.columns(net)];
        initial[t.ordinal()] = w;
        for (int i = 0; i < w.length; i++) {
          w[i] = (byte) (random.nextInt(81) - 40);
        }
        sim.writeWeights(t, w);
        board.writeWeights(t, w);
      }
      for (int sample = 0; sample < SAMPLES; sample++) {
        int label = random.nextInt(net.outputs());
        for (int tick = 0; tick <= TICKS_PER_SAMPLE; tick++) {
          boolean end = tick == TICKS_PER_SAMPLE;
          int[] events = end ? new int[0] : randomEvents(random, net.inputs());
          boolean targetValid = learning && tick >= TICKS_PER_SAMPLE / 2;
          ReckonStep step = new ReckonStep(events, tick == TICKS_PER_SAMPLE / 2 ? label : -1,
              targetValid, tick >= TICKS_PER_SAMPLE / 2, end);
          ReckonStepResult a = sim.step(step);
          ReckonStepResult b = board.step(step);
          String where = "seed " + seed + ", sample " + sample + ", tick " + tick + ", " + step;
          assertArrayEquals(a.bus(), b.bus(), where + ": output bus");
          assertEquals(a.learned(), b.learned(), where + ": e-prop ran");
          learnedSteps += a.learned() ? 1 : 0;
          for (int v : a.bus()) {
            nonZeroBusBytes += v != 0 ? 1 : 0;
          }
          if (!end) {
            assertNull(sim.readState().firstDifference(board.readState()), where + ": state");
          }
        }
        for (ReckonTensor t : ReckonTensor.values()) {
          byte[] ws = sim.readWeights(t);
          byte[] wb = board.readWeights(t);
          int i = Arrays.mismatch(ws, wb);
          assertEquals(-1, i, () -> "seed " + seed + ", after sample: " + t + "[" + i / t.columns(net)
              + "][" + i % t.columns(net) + "] sim " + ws[i] + " board " + wb[i]);
        }
      }
      // the comparison saw activity: outputs moved, and with learning on, weights moved
      assertTrue(nonZeroBusBytes > 0, "no output ever left zero: the comparison saw nothing");
      if (learning) {
        assertTrue(learnedSteps > 0, "e-prop never ran");
        int moved = 0;
        for (ReckonTensor t : ReckonTensor.values()) {
          byte[] now = sim.readWeights(t);
          for (int i = 0; i < now.length; i++) {
            moved += now[i] != initial[t.ordinal()][i] ? 1 : 0;
          }
        }
        assertTrue(moved > 0, "e-prop moved no weight: the learning comparison saw nothing");
      }
    }
  }

  private static int[] randomEvents(Random random, int inputs) {
    return ReckonRandomNetworks.events(random, inputs);
  }

  private static ReckonNetwork randomNetwork(Random random, boolean learning) {
    return ReckonRandomNetworks.network(random, learning);
  }
}
