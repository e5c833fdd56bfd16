package io.spikeloop.bench;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.LayerConfig;
import io.spikeloop.device.NetworkConfig;
import io.spikeloop.device.OutputConfig;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * io.spikeloop.bench.NativeBoardBenchmark [seconds-per-case]}.
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
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
    List<SpikeFrame> frames = frames(FRAMES, 42);
    NetworkConfig net;
    try (Device calibration = Devices.open("board:ref")) {
      net = shdNetwork(calibrateTheta(calibration, frames.subList(0, 400)));
    }
    System.out.println(machine());
    System.out.printf(Locale.ROOT, "network %d-%d(rec)-%d, int8 weights, theta %d (hidden rate"
        + " ~%.0f%%), input density %.1f%%, %.1f s per case%n", INPUTS, HIDDEN, OUTPUTS,
        net.layers().get(0).theta(), 100 * TARGET_HIDDEN_RATE, 100 * INPUT_DENSITY, seconds);
    System.out.printf(Locale.ROOT, "%-10s %-8s %6s %14s %12s %12s %10s%n", "device", "readout",
        "batch", "steps/s", "us/step", "MSOP/s", "spikes/st");
    for (String name : new String[] {"board:ref", "sim"}) {
      Device device;
      try {
        device = Devices.open(name);
      } catch (RuntimeException absent) {
        System.out.println(name + ": not available here (" + absent.getMessage() + ")");
        continue;
      }
      try (device) {
        device.configure(net);
        loadWeights(device, net, 7);
        for (ReadoutLevel readout : new ReadoutLevel[] {ReadoutLevel.OUTPUTS, ReadoutLevel.SPIKES}) {
          for (int batch : new int[] {1, 100}) {
            measure(device, name, readout, batch, frames, 0.5); // warm-up
            measure(device, name, readout, batch, frames, seconds).print();
          }
        }
      }
    }
  }

  private record Figures(String device, ReadoutLevel readout, int batch, long steps, long sops,
                         long spikes, double seconds) {
    void print() {
      System.out.printf(Locale.ROOT, "%-10s %-8s %6d %14.0f %12.2f %12.1f %10.1f%n", device,
          readout, batch, steps / seconds, 1e6 * seconds / steps, sops / seconds / 1e6,
          (double) spikes / steps);
    }
  }

  /** Runs batches of {@code batch} frames, cycling through them, for about {@code seconds}. */
  private static Figures measure(Device d, String name, ReadoutLevel readout, int batch,
                                 List<SpikeFrame> frames, double seconds) {
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
      List<StepResult> results = batch == 1
          ? List.of(d.step(frames.get(at), readout)) : d.run(frames.subList(at, at + batch), readout);
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
    return new Figures(name, readout, batch, steps, sops, spikes, (now - start) / 1e9);
  }

  /** SHD-size: 700 inputs, 450 recurrent LIF (8-bit weights), 20 leaky outputs. */
  static NetworkConfig shdNetwork(int theta) {
    return new NetworkConfig(INPUTS, List.of(new LayerConfig(HIDDEN, true, 8, 0, 24, theta, 3900,
        INPUTS)), new OutputConfig(OUTPUTS, 8, 0, 24, 3900));
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

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (Exception noProcFs) {
      // keep "unknown CPU"
    }
    return String.format(Locale.ROOT, "machine: %s, %d cores visible, %s %s, Java %s",
        cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"), System.getProperty("java.version"));
  }
}
