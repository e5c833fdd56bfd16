package io.spikeloop.bench;

import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.Telemetry;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.core.Sl1Core;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * SOPs/s and steps/s of the SL-1 simulator in one thread on the SHD-size recurrent network
 * (700 inputs at ~3% density, 450 recurrent LIF, 20 outputs, 8-bit weights), against a
 * straightforward dense evaluation of the same step (int matrix-vector products over all weights,
 * as {@code W @ x} would do it). Checks that both give the same outputs, then prints the figures.
 *
 * <p>Run: {@code java -cp "bench/target/spikeloop-bench.jar:bench/target/lib/*"
 * io.spikeloop.bench.Sl1CoreBenchmark [steps]}
 */
public final class Sl1CoreBenchmark {
  static final int INPUTS = 700;
  static final int HIDDEN = 450;
  static final int OUTPUTS = 20;
  static final double INPUT_DENSITY = 0.03;
  static final double TARGET_HIDDEN_RATE = 0.04;
  static final int FRAMES = 2000;

  private Sl1CoreBenchmark() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Random r = new Random(7);
    int[][] frames = inputFrames(r);
    int[] win = gaussianWeights(r, HIDDEN * INPUTS, 0, 40);
    int[] wrec = gaussianWeights(r, HIDDEN * HIDDEN, -6, 30);
    int[] wout = gaussianWeights(r, OUTPUTS * HIDDEN, 0, 40);
    int theta = calibrateTheta(frames, win, wrec, wout);
    NetworkConfig net = network(theta);

    Sl1Core core = load(new Sl1Core(net), win, wrec, wout);
    DenseStep dense = new DenseStep(net, win, wrec, wout);
    checkSameOutputs(core, dense, frames);

    System.out.println("SL-1 simulator benchmark: " + INPUTS + "-" + HIDDEN + "(recurrent)-"
        + OUTPUTS + ", 8-bit weights, theta " + theta);
    System.out.println("machine: " + MachineDescription.describe());

    SimDevice device = new SimDevice();
    device.configure(net);
    device.writeWeights("layer0.in", win);
    device.writeWeights("layer0.rec", wrec);
    device.writeWeights("out.w", wout);
    SpikeFrame[] sf = Arrays.stream(frames).map(SpikeFrame::new).toArray(SpikeFrame[]::new);
    int denseSteps = Math.max(100, steps / 20);

    // Warm-up, then rounds that time the three evaluations back to back: on a shared machine the
    // best round is the least disturbed one, and the ratio is taken within each round.
    eventDriven(core, frames, steps);
    viaDevice(device, sf, steps);
    dense.run(frames, denseSteps);
    int rounds = 7;
    double[] eventRate = new double[rounds];
    double[] deviceRate = new double[rounds];
    double[] denseRate = new double[rounds];
    double[] ratio = new double[rounds];
    long[] activity = new long[2];
    long sops = 0;
    for (int round = 0; round < rounds; round++) {
      core.reset();
      Arrays.fill(activity, 0);
      long t0 = System.nanoTime();
      sops = eventDriven(core, frames, steps, activity);
      eventRate[round] = steps / ((System.nanoTime() - t0) / 1e9);
      device.reset();
      t0 = System.nanoTime();
      viaDevice(device, sf, steps);
      deviceRate[round] = steps / ((System.nanoTime() - t0) / 1e9);
      dense.reset();
      t0 = System.nanoTime();
      dense.run(frames, denseSteps);
      denseRate[round] = denseSteps / ((System.nanoTime() - t0) / 1e9);
      ratio[round] = eventRate[round] / denseRate[round];
    }
    double sopsPerStep = sops / (double) steps;
    System.out.printf(Locale.ROOT, "activity: %.2f input events/step (%.1f%%), %.2f hidden spikes/step"
            + " (%.1f%%), %.0f SOPs/step%n", activity[0] / (double) steps,
        100.0 * activity[0] / steps / INPUTS, activity[1] / (double) steps,
        100.0 * activity[1] / steps / HIDDEN, sopsPerStep);
    System.out.printf(Locale.ROOT, "%d rounds; best (median)%n", rounds);
    System.out.printf(Locale.ROOT, "event-driven core   : %,10.0f (%,10.0f) steps/s  %5.2f (%5.2f) G SOP/s%n",
        max(eventRate), median(eventRate), max(eventRate) * sopsPerStep / 1e9,
        median(eventRate) * sopsPerStep / 1e9);
    System.out.printf(Locale.ROOT, "SimDevice (OUTPUTS) : %,10.0f (%,10.0f) steps/s  %5.2f (%5.2f) G SOP/s"
            + "  (with cycle/energy model, result records)%n", max(deviceRate), median(deviceRate),
        max(deviceRate) * sopsPerStep / 1e9, median(deviceRate) * sopsPerStep / 1e9);
    System.out.printf(Locale.ROOT, "dense int matvec    : %,10.0f (%,10.0f) steps/s  %5.2f (%5.2f) G MAC/s%n",
        max(denseRate), median(denseRate), max(denseRate) * DenseStep.macsPerStep() / 1e9,
        median(denseRate) * DenseStep.macsPerStep() / 1e9);
    System.out.printf(Locale.ROOT, "speed-up event-driven / dense: best rates %.1fx, median per-round "
        + "ratio %.1fx%n", max(eventRate) / max(denseRate), median(ratio));
    Telemetry t = device.telemetry();
    System.out.printf(Locale.ROOT, "modelled SL-1 (%s): %.0f cycles/step = %.1f us/step at %.0f MHz, "
            + "%.1f nJ/step%n", device.energyProfile().name(), t.cycles() / (double) t.steps(),
        t.cycles() / (double) t.steps() / device.info().clockHz() * 1e6,
        device.info().clockHz() / 1e6, t.energyJoules() / t.steps() * 1e9);
  }

  private static double max(double[] a) {
    return Arrays.stream(a).max().orElse(Double.NaN);
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static NetworkConfig network(int theta) {
    return new NetworkConfig(INPUTS, java.util.List.of(LayerConfig.builder(HIDDEN, INPUTS, theta)
            .recurrent(true).membraneBits(24).alpha(3900).build()),
        OutputConfig.builder(OUTPUTS).outputBits(24).kappa(3900).build());
  }

  static Sl1Core load(Sl1Core core, int[] win, int[] wrec, int[] wout) {
    core.writeWeights("layer0.in", win);
    core.writeWeights("layer0.rec", wrec);
    core.writeWeights("out.w", wout);
    return core;
  }

  /** Frames of Bernoulli(3%) input spikes, cycled through by the runs. */
  static int[][] inputFrames(Random r) {
    int[][] frames = new int[FRAMES][];
    int[] ids = new int[INPUTS];
    for (int f = 0; f < FRAMES; f++) {
      int n = 0;
      for (int i = 0; i < INPUTS; i++) {
        if (r.nextDouble() < INPUT_DENSITY) {
          ids[n++] = i;
        }
      }
      frames[f] = Arrays.copyOf(ids, n);
    }
    return frames;
  }

  static int[] gaussianWeights(Random r, int n, double mean, double sd) {
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = (int) FixedPoint.sat(Math.round(mean + sd * r.nextGaussian()), 8);
    }
    return w;
  }

  /** Bisects theta until the hidden layer fires at about {@link #TARGET_HIDDEN_RATE}. */
  static int calibrateTheta(int[][] frames, int[] win, int[] wrec, int[] wout) {
    int lo = 1;
    int hi = 1 << 20;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      Sl1Core core = load(new Sl1Core(network(mid)), win, wrec, wout);
      long[] activity = new long[2];
      eventDriven(core, frames, 500, activity);
      double rate = activity[1] / 500.0 / HIDDEN;
      if (rate > TARGET_HIDDEN_RATE) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  static long eventDriven(Sl1Core core, int[][] frames, int steps) {
    return eventDriven(core, frames, steps, new long[2]);
  }

  /** Runs the core; activity[0] += input events, activity[1] += hidden spikes. Returns SOPs. */
  static long eventDriven(Sl1Core core, int[][] frames, int steps, long[] activity) {
    long sops = 0;
    for (int t = 0; t < steps; t++) {
      int[] f = frames[t % frames.length];
      core.step(f, f.length);
      sops += core.stepSops();
      activity[0] += f.length;
      activity[1] += core.stepHiddenSpikes();
    }
    return sops;
  }

  static void viaDevice(SimDevice device, SpikeFrame[] frames, int steps) {
    for (int t = 0; t < steps; t++) {
      device.step(frames[t % frames.length], ReadoutLevel.OUTPUTS);
    }
  }

  static void checkSameOutputs(Sl1Core core, DenseStep dense, int[][] frames) {
    core.reset();
    dense.reset();
    for (int t = 0; t < 300; t++) {
      core.step(frames[t], frames[t].length);
      dense.step(frames[t]);
      for (int k = 0; k < OUTPUTS; k++) {
        if (core.output(k) != dense.o[k]) {
          throw new IllegalStateException("dense and event-driven differ at step " + t
              + " output " + k + ": " + dense.o[k] + " vs " + core.output(k));
        }
      }
    }
  }

  /**
   * The same step evaluated densely: input and spike vectors as 0/1 ints, every weight multiplied
   * and added ({@code acc = W_in @ x + W_rec @ z}), weights in their natural {@code [post][pre]}
   * layout; then the same LIF and output updates.
   */
  static final class DenseStep {
    final int theta;
    final int alpha;
    final int kappa;
    final int uBits;
    final int oBits;
    final int[] win;
    final int[] wrec;
    final int[] wout;
    final int[] x = new int[INPUTS];
    final int[] z = new int[HIDDEN];
    final int[] zNew = new int[HIDDEN];
    final int[] acc = new int[HIDDEN];
    final int[] accOut = new int[OUTPUTS];
    final long[] u = new long[HIDDEN];
    final long[] o = new long[OUTPUTS];

    DenseStep(NetworkConfig net, int[] win, int[] wrec, int[] wout) {
      LayerConfig c = net.layers().get(0);
      theta = c.theta();
      alpha = c.alpha();
      kappa = net.output().kappa();
      uBits = c.uBits();
      oBits = net.output().oBits();
      this.win = win;
      this.wrec = wrec;
      this.wout = wout;
    }

    static long macsPerStep() {
      return (long) HIDDEN * INPUTS + (long) HIDDEN * HIDDEN + (long) OUTPUTS * HIDDEN;
    }

    void reset() {
      Arrays.fill(z, 0);
      Arrays.fill(u, 0);
      Arrays.fill(o, 0);
    }

    void run(int[][] frames, int steps) {
      for (int t = 0; t < steps; t++) {
        step(frames[t % frames.length]);
      }
    }

    void step(int[] ids) {
      Arrays.fill(x, 0);
      for (int id : ids) {
        x[id] = 1;
      }
      matVec(win, INPUTS, x, acc, HIDDEN);
      for (int j = 0; j < HIDDEN; j++) {
        int a = acc[j];
        int row = j * HIDDEN;
        for (int i = 0; i < HIDDEN; i++) {
          a += wrec[row + i] * z[i];
        }
        long v = u[j] - (z[j] != 0 ? theta : 0);
        u[j] = FixedPoint.sat(FixedPoint.decay(v, alpha) + a, uBits);
        zNew[j] = u[j] >= theta ? 1 : 0;
      }
      System.arraycopy(zNew, 0, z, 0, HIDDEN);
      matVec(wout, HIDDEN, z, accOut, OUTPUTS);
      for (int k = 0; k < OUTPUTS; k++) {
        o[k] = FixedPoint.sat(FixedPoint.decay(o[k], kappa) + accOut[k], oBits);
      }
    }

    private static void matVec(int[] w, int cols, int[] v, int[] out, int rows) {
      for (int j = 0; j < rows; j++) {
        int a = 0;
        int row = j * cols;
        for (int i = 0; i < cols; i++) {
          a += w[row + i] * v[i];
        }
        out[j] = a;
      }
    }
  }

}
