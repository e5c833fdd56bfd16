package io.spikeloop.bench;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Steps per second of the native board ({@code board:ref}: the C reference firmware through JNA)
 * against the in-process simulator ({@code sim}) on the SHD-size network (700 inputs, 450
 * recurrent LIF, 20 outputs, random int8 weights, ~3% input density), with 1 and 100 steps per
 * device call, to show how batching amortises the JNA crossing. Devices are opened by name, so a
 * device whose provider is not on the class path is reported as absent.
 *
 * <p>Run: {@code mvn -o -B -q -pl bench -am package -DskipTests} then
 * {@code java -cp "bench/target/spikeloop-bench.jar:bench/target/lib/*"
 * io.spikeloop.bench.NativeBoardBenchmark [trials [seconds-per-trial]]}.
 */
public final class NativeBoardBenchmark {
  private static final int INPUTS = 700;
  private static final int HIDDEN = 450;
  private static final int OUTPUTS = 20;
  private static final double INPUT_DENSITY = 0.03;
  private static final double TARGET_HIDDEN_RATE = 0.04;
  private static final int FRAMES = 4000;

  private NativeBoardBenchmark() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.4;
    List<SpikeFrame> frames = frames(FRAMES, 42);
    NetworkConfig net;
    try (Device calibration = Devices.open("board:ref")) {
      net = shdNetwork(calibrateTheta(calibration, frames.subList(0, 400)));
    }
    System.out.println("machine: " + MachineDescription.describe());
    System.out.printf(Locale.ROOT, "network %d-%d(rec)-%d, int8 weights, theta %d (hidden rate"
        + " ~%.0f%%), input density %.1f%%; %d interleaved trials of %.1f s per case%n", INPUTS,
        HIDDEN, OUTPUTS, net.layers().get(0).theta(), 100 * TARGET_HIDDEN_RATE,
        100 * INPUT_DENSITY, trials, seconds);
    List<Device> devices = new ArrayList<>();
    for (String name : new String[] {"board:ref", "sim"}) {
      try {
        Device d = Devices.open(name);
        d.configure(net);
        loadWeights(d, net, 7);
        devices.add(d);
      } catch (RuntimeException absent) {
        System.out.println(name + ": not available here (" + absent.getMessage() + ")");
      }
    }
    // Cases run round-robin, so that load from other processes spreads over all of them.
    List<Case> cases = new ArrayList<>();
    for (Device d : devices) {
      for (ReadoutLevel readout : new ReadoutLevel[] {ReadoutLevel.OUTPUTS, ReadoutLevel.SPIKES}) {
        for (int batch : new int[] {1, 100}) {
          cases.add(new Case(d, readout, batch, new double[trials]));
        }
      }
    }
    for (Case c : cases) {
      measure(c, frames, 0.3); // warm-up
    }
    for (int trial = 0; trial < trials; trial++) {
      for (Case c : cases) {
        c.stepsPerSecond()[trial] = measure(c, frames, seconds).stepsPerSecond();
      }
    }
    System.out.printf(Locale.ROOT, "%-10s %-8s %6s %16s %14s %12s %10s%n", "device", "readout",
        "batch", "steps/s median", "steps/s best", "us/step med", "MSOP/s med");
    for (Case c : cases) {
      double[] sorted = c.stepsPerSecond().clone();
      Arrays.sort(sorted);
      double median = sorted[sorted.length / 2];
      Figures f = measure(c, frames, 0.05);
      System.out.printf(Locale.ROOT, "%-10s %-8s %6d %16.0f %14.0f %12.2f %10.0f%n",
          c.device().info().name(), c.readout(), c.batch(), median, sorted[sorted.length - 1],
          1e6 / median, median * f.sopsPerStep() / 1e6);
    }
    System.out.printf(Locale.ROOT, "SOPs per step %.0f, hidden spikes per step %.1f%n",
        measure(cases.get(0).withReadout(ReadoutLevel.SPIKES), frames, 0.2).sopsPerStep(),
        measure(cases.get(0).withReadout(ReadoutLevel.SPIKES), frames, 0.2).spikesPerStep());
    devices.forEach(Device::close);
    crossingCost(trials, seconds);
  }

  /**
   * The fixed cost of one device call: a 1-1-1 network and silent steps leave almost nothing but
   * the call itself (on the board: the JNA crossing and the result records).
   */
  private static void crossingCost(int trials, double seconds) {
    NetworkConfig tiny = new NetworkConfig(1, List.of(LayerConfig.builder(1, 1, 1).build()),
        OutputConfig.builder(1).build());
    List<SpikeFrame> silent = new ArrayList<>();
    for (int t = 0; t < 1000; t++) {
      silent.add(SpikeFrame.silent());
    }
    for (String name : new String[] {"board:ref", "sim"}) {
      Device d;
      try {
        d = Devices.open(name);
      } catch (RuntimeException absent) {
        continue;
      }
      try (d) {
        d.configure(tiny);
        for (int batch : new int[] {1, 100}) {
          Case c = new Case(d, ReadoutLevel.OUTPUTS, batch, new double[trials]);
          measure(c, silent, 0.3);
          for (int trial = 0; trial < trials; trial++) {
            c.stepsPerSecond()[trial] = measure(c, silent, seconds).stepsPerSecond();
          }
          double[] sorted = c.stepsPerSecond().clone();
          Arrays.sort(sorted);
          System.out.printf(Locale.ROOT, "%s, 1-1-1 network, silent steps, %d per call: %.2f us per"
              + " step median (%.2f best)%n", name, batch, 1e6 / sorted[sorted.length / 2],
              1e6 / sorted[sorted.length - 1]);
        }
      }
    }
  }

  private record Case(Device device, ReadoutLevel readout, int batch, double[] stepsPerSecond) {
    Case withReadout(ReadoutLevel r) {
      return new Case(device, r, batch, stepsPerSecond);
    }
  }

  private record Figures(long steps, long sops, long spikes, double seconds) {
    double stepsPerSecond() {
      return steps / seconds;
    }

    double sopsPerStep() {
      return (double) sops / steps;
    }

    double spikesPerStep() {
      return (double) spikes / steps;
    }
  }

  /** Runs batches of {@code batch} frames, cycling through them, for about {@code seconds}. */
  private static Figures measure(Case c, List<SpikeFrame> frames, double seconds) {
    Device d = c.device();
    int batch = c.batch();
    d.reset();
    long steps = 0;
    long sops = 0;
    long spikes = 0;
    int at = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      if (at + batch > frames.size()) {
        at = 0;
        d.reset();
      }
      List<StepResult> results = batch == 1 ? List.of(d.step(frames.get(at), c.readout()))
          : d.run(frames.subList(at, at + batch), c.readout());
      for (StepResult r : results) {
        sops += r.sops();
        if (r.spikes() != null) {
          spikes += r.spikes()[0].length;
        }
      }
      at += batch;
      steps += batch;
      now = System.nanoTime();
    } while (now < end);
    return new Figures(steps, sops, spikes, (now - start) / 1e9);
  }

  /** SHD-size: 700 inputs, 450 recurrent LIF (8-bit weights), 20 leaky outputs. */
  static NetworkConfig shdNetwork(int theta) {
    return new NetworkConfig(INPUTS, List.of(LayerConfig.builder(HIDDEN, INPUTS, theta)
            .recurrent(true).membraneBits(24).alpha(3900).build()),
        OutputConfig.builder(OUTPUTS).outputBits(24).kappa(3900).build());
  }

  /** Bisects theta until the hidden layer fires at about {@link #TARGET_HIDDEN_RATE}. */
  static int calibrateTheta(Device d, List<SpikeFrame> frames) {
    int lo = 1;
    int hi = 1 << 22;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      NetworkConfig net = shdNetwork(mid);
      d.configure(net);
      loadWeights(d, net, 7);
      long spikes = 0;
      for (StepResult r : d.run(frames, ReadoutLevel.SPIKES)) {
        spikes += r.spikes()[0].length;
      }
      if ((double) spikes / frames.size() / HIDDEN > TARGET_HIDDEN_RATE) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** Uniform int8 weights, zero biases. */
  static void loadWeights(Device d, NetworkConfig net, long seed) {
    Random rnd = new Random(seed);
    for (WeightTensor t : net.tensors()) {
      int[] v = new int[t.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.cols() == 1 ? 0 : rnd.nextInt(256) - 128;
      }
      d.writeWeights(t.name(), v);
    }
  }

  static List<SpikeFrame> frames(int steps, long seed) {
    Random rnd = new Random(seed);
    List<SpikeFrame> out = new ArrayList<>(steps);
    int[] ids = new int[INPUTS];
    for (int t = 0; t < steps; t++) {
      int n = 0;
      for (int i = 0; i < INPUTS; i++) {
        if (rnd.nextDouble() < INPUT_DENSITY) {
          ids[n++] = i;
        }
      }
      out.add(new SpikeFrame(Arrays.copyOf(ids, n)));
    }
    return out;
  }

}
