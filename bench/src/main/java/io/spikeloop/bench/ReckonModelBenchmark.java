package io.spikeloop.bench;

import io.spikeloop.sim.reckon.ReckonModel;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonTensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Random;

/**
 * Steps per CPU-second of {@code sim:reckon} on the full 256-256-16 network in the three regimes
 * the verilated board was measured in ({@code ../shared/boards/reckon/README.md}: ~1.8 ms per step
 * idle, ~19 ms with 10 input events and ~10 spikes, ~49 ms with learning): no input, 10 random
 * input events per step, and 10 events with e-prop on all tensors (TARGET_VALID every step).
 * Prints CPU microseconds per step, mean hidden spikes per step and the speed-up over the board.
 *
 * <p>Run: {@code java -cp "bench/target/spikeloop-bench.jar:bench/target/lib/*"
 * io.spikeloop.bench.ReckonModelBenchmark [steps]}
 */
public final class ReckonModelBenchmark {
  private static final double BOARD_IDLE_MS = 1.8, BOARD_EVENTS_MS = 19, BOARD_LEARNING_MS = 49;

  private ReckonModelBenchmark() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    System.out.println("sim:reckon, 256-256-16, " + steps + " steps per regime, one thread");
    run("idle", steps, 0, false, BOARD_IDLE_MS);
    run("10 events", steps, 10, false, BOARD_EVENTS_MS);
    run("10 events + e-prop", steps / 4, 10, true, BOARD_LEARNING_MS);
  }

  static ReckonNetwork network() {
    ReckonNetwork.Eprop eprop = new ReckonNetwork.Eprop(0, false, 3, 4, 6, 5,
        new int[] {-2000, -1000, 1000, 2000}, new int[] {0, 1, 2, 1, 0}, 0, 8, 0, 8, 0, 14,
        ReckonNetwork.Regularization.NONE);
    return ReckonNetwork.builder(256, 256, 16).weightShifts(3, 3, 3).alpha(0x7E00)
        .threshold(1500).kappa(0x79).stochasticRounding(true).eprop(eprop).build();
  }

  static byte[] weights(Random r, int n, int spread) {
    byte[] w = new byte[n];
    for (int i = 0; i < n; i++) {
      w[i] = (byte) Math.max(-128, Math.min(127, Math.round(r.nextGaussian() * spread)));
    }
    return w;
  }

  private static void run(String name, int steps, int events, boolean learning, double boardMs) {
    Random r = new Random(11);
    ReckonModel chip = new ReckonModel();
    chip.configure(network());
    chip.writeWeights(ReckonTensor.INPUT, weights(r, 256 * 256, 40));
    chip.writeWeights(ReckonTensor.RECURRENT, weights(r, 256 * 256, 6));
    chip.writeWeights(ReckonTensor.OUTPUT, weights(r, 256 * 16, 20));
    chip.setEpropEnables(learning ? 7 : 0);
    ReckonStep[] pattern = new ReckonStep[256];
    for (int p = 0; p < pattern.length; p++) {
      int[] ev = new int[events];
      for (int e = 0; e < events; e++) {
        ev[e] = r.nextInt(256);
      }
      pattern[p] = new ReckonStep(ev, -1, learning, true, false);
    }
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long spikes = 0;
    long cpu = 0;
    int done = 0;
    for (int round = 0; round < 2; round++) { // round 0 warms up the JIT
      int n = round == 0 ? Math.min(steps, 2000) : steps;
      long t0 = bean.getCurrentThreadCpuTime();
      for (int s = 0; s < n; s++) {
        if (!chip.inSample()) {
          chip.step(new ReckonStep(null, -1, false, false, false));
          chip.step(new ReckonStep(null, 3, false, false, false)); // the label, after tick 1
        }
        boolean end = (s + 1) % 2000 == 0;
        ReckonStep step = end ? new ReckonStep(null, -1, false, true, true) : pattern[s & 255];
        chip.step(step);
        if (round == 1) {
          spikes += chip.lastSpikeCount();
        }
      }
      if (round == 1) {
        cpu = bean.getCurrentThreadCpuTime() - t0;
        done = n;
      }
    }
    double usPerStep = cpu / 1e3 / done;
    System.out.printf(Locale.ROOT, "%-20s %8.1f us/step  %9.0f steps/CPU-s  %5.1f spikes/step  "
        + "%6.0fx the board (%.1f ms/step)%n", name, usPerStep, 1e6 / usPerStep,
        spikes / (double) done, boardMs * 1e3 / usPerStep, boardMs);
  }
}
