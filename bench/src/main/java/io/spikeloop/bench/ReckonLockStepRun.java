package io.spikeloop.bench;

import io.spikeloop.board.BoardReckonChip;
import io.spikeloop.board.ReckonBoard;
import io.spikeloop.sim.reckon.CueAccumulation;
import io.spikeloop.sim.reckon.ReckonLockStep;
import io.spikeloop.sim.reckon.ReckonModel;
import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Long lock-step runs of {@code sim:reckon} against {@code board:reckon} (the verilated RTL), with
 * learning on; prints the steps that agreed or the first difference.
 *
 * <ul>
 *   <li>{@code cue [epochs]}: the upstream cue-accumulation protocol (training epochs then a test
 *       pass each), 112,500 training steps per epoch with e-prop on all tensors, state compared
 *       every 250 steps, weights after every sample;
 *   <li>{@code random [steps] [seed]}: a random 32-64-4 network with noise and stochastic
 *       rounding, samples of 1,000 ticks with TARGET_VALID on every tick after the 5th, state
 *       compared every 500 steps, weights after every sample.
 * </ul>
 *
 * <p>Run: {@code java -cp "bench/target/spikeloop-bench.jar:bench/target/lib/*"
 * io.spikeloop.bench.ReckonLockStepRun random 100000 1}
 */
public final class ReckonLockStepRun {
  private ReckonLockStepRun() {}

  public static void main(String[] args) {
    String reason = ReckonBoard.unavailableReason();
    if (reason != null) {
      System.err.println("board:reckon unavailable (needs the '" + ReckonBoard.VERILATOR_PACKAGE
          + "' package): " + reason);
      System.exit(2);
    }
    String mode = args.length > 0 ? args[0] : "random";
    long t0 = System.nanoTime();
    ReckonLockStep run;
    try (ReckonChip sim = new ReckonModel(); ReckonChip board = new BoardReckonChip()) {
      run = switch (mode) {
        case "cue" -> cue(sim, board, args.length > 1 ? Integer.parseInt(args[1]) : 1);
        case "random" -> random(sim, board, args.length > 1 ? Long.parseLong(args[1]) : 100_000,
            args.length > 2 ? Long.parseLong(args[2]) : 1);
        default -> throw new IllegalArgumentException("mode is cue or random, not " + mode);
      };
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "%s: %d steps (%d with e-prop), %d state and %d weight "
        + "comparisons, %.0f s: %s%n", mode, run.steps(), run.learnedSteps(), run.stateChecks(),
        run.weightChecks(), s, run.difference() == null ? "AGREE" : "DIFFER at " + run.difference());
    System.exit(run.difference() == null ? 0 : 1);
  }

  private static ReckonLockStep cue(ReckonChip sim, ReckonChip board, int epochs) {
    Path data = CueAccumulation.DEFAULT_DATA;
    List<CueAccumulation.Sample> train = CueAccumulation.readDataset(data.resolve("dataset_cueAcc_train.dat"));
    List<CueAccumulation.Sample> test = CueAccumulation.readDataset(data.resolve("dataset_cueAcc_test.dat"));
    CueAccumulation.load(sim, data);
    CueAccumulation.load(board, data);
    ReckonLockStep run = new ReckonLockStep(sim, board, 250);
    for (int e = 0; e < epochs; e++) {
      for (int phase = 0; phase < 2; phase++) {
        boolean training = phase == 0;
        sim.setEpropEnables(training ? 7 : 0);
        board.setEpropEnables(training ? 7 : 0);
        for (CueAccumulation.Sample sample : training ? train : test) {
          for (int t = 0; t < CueAccumulation.TICKS; t++) {
            if (!run.step(CueAccumulation.step(sample, t, training))) {
              return run;
            }
          }
        }
        System.err.printf(Locale.ROOT, "epoch %d %s: %d steps agree%n", e + 1,
            training ? "train" : "test", run.steps());
      }
    }
    return run;
  }

  private static ReckonLockStep random(ReckonChip sim, ReckonChip board, long steps, long seed) {
    Random r = new Random(seed);
    ReckonNetwork.Regularization reg =
        new ReckonNetwork.Regularization(false, true, true, true, 100, 0, 10, 0, 10, 0);
    ReckonNetwork.Eprop eprop = new ReckonNetwork.Eprop(7, false, 3, 4, 6, 5,
        new int[] {-400, 0, 300, 900}, new int[] {0, 1, 3, 2, 1}, 0, 8, 0, 8, 0, 14, reg);
    int[] alpha = new int[32];
    int[] thr = new int[32];
    for (int p = 0; p < 32; p++) {
      alpha[p] = 0x7C00 + r.nextInt(0x0A00);
      thr[p] = 300 + r.nextInt(900);
    }
    ReckonNetwork net = ReckonNetwork.builder(32, 64, 4).weightShifts(4, 3, 3).pairAlpha(alpha)
        .pairThreshold(thr).kappa(0x7A).stochasticRounding(true).noiseShift(9).eprop(eprop)
        .readout(ReckonNetwork.Readout.MEMBRANES_PER_STEP).build();
    for (ReckonChip chip : new ReckonChip[] {sim, board}) {
      chip.configure(net);
    }
    for (ReckonTensor t : ReckonTensor.values()) {
      byte[] w = new byte[t.rows(net) * t.columns(net)];
      for (int i = 0; i < w.length; i++) {
        w[i] = (byte) Math.max(-128, Math.min(127, Math.round(r.nextGaussian() * 30)));
      }
      sim.writeWeights(t, w);
      board.writeWeights(t, w);
    }
    // readback over SPI at CLK/8 is slow on the board: state every 500 steps, weights per sample
    ReckonLockStep run = new ReckonLockStep(sim, board, 500);
    int ticks = 1000;
    while (run.steps() < steps) {
      int label = r.nextInt(4);
      for (int t = 0; t < ticks; t++) {
        boolean end = t == ticks - 1;
        int[] events = new int[end ? 0 : r.nextInt(6)];
        for (int e = 0; e < events.length; e++) {
          events[e] = r.nextInt(32);
        }
        ReckonStep step = new ReckonStep(events, t == 5 ? label : -1, t >= 5, t >= 5, end);
        if (!run.step(step)) {
          return run;
        }
      }
      if (run.steps() % 10_000 < ticks) {
        System.err.printf(Locale.ROOT, "%d steps agree%n", run.steps());
      }
    }
    return run;
  }
}
