package io.spikeloop.hil.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikeloop.board.BoardReckonChip;
import io.spikeloop.board.ReckonBoard;
import io.spikeloop.sim.reckon.ReckonModel;
import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonNetwork;
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
  private static final int TICKS_PER_SAMPLE = 40;
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
      for (ReckonTensor t : ReckonTensor.values()) {
        byte[] w = new byte[t.rows(net) * t.columns(net)];
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
    }
  }

  private static int[] randomEvents(Random random, int inputs) {
    int n = random.nextInt(4);
    int[] events = new int[n];
    for (int i = 0; i < n; i++) {
      events[i] = random.nextInt(inputs);
    }
    return events;
  }

  private static ReckonNetwork randomNetwork(Random random, boolean learning) {
    int inputs = 2 * (1 + random.nextInt(6));
    int recurrent = 2 * (2 + random.nextInt(6));
    int outputs = 1 + random.nextInt(3);
    int pairs = Math.max(inputs, recurrent) / 2;
    int[] alpha = new int[pairs];
    int[] threshold = new int[pairs];
    for (int p = 0; p < pairs; p++) {
      alpha[p] = 0x7000 + random.nextInt(0x2000);
      threshold[p] = 200 + random.nextInt(1500);
    }
    ReckonNetwork.Regularization reg =
        new ReckonNetwork.Regularization(false, true, true, true, 160, 0, 10, 0, 10, 0);
    ReckonNetwork.Eprop eprop = new ReckonNetwork.Eprop(learning ? 7 : 0, false, 3, 4, 6, 5,
        new int[] {-400, 0, 205, 600}, new int[] {0, 1, 2, 3, 1}, 0, 8, 0, 8, 0, 14, reg);
    return ReckonNetwork.builder(inputs, recurrent, outputs)
        .weightShifts(3 + random.nextInt(3), 2 + random.nextInt(3), random.nextInt(4))
        .pairAlpha(alpha)
        .pairThreshold(threshold)
        .kappa(0x70 + random.nextInt(0x11))
        .resetToZero(random.nextBoolean())
        .stochasticRounding(random.nextBoolean())
        .noiseShift(random.nextBoolean() ? -1 : 8 + random.nextInt(8))
        .eprop(eprop)
        .readout(ReckonNetwork.Readout.MEMBRANES_PER_STEP)
        .build();
  }
}
