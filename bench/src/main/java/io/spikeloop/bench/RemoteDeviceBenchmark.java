package io.spikeloop.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.RemoteDevice;
import io.spikeloop.remote.RemoteOptions;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Remote device over loopback against the same device in process, on the SHD-size network
 * (700 inputs at ~3% density, 450 recurrent LIF, 20 outputs): steps/s and per-step round-trip
 * latency p50/p99 for lock-step ({@code step}, one round trip per step) and streaming
 * ({@code run}, a window of steps in flight), the ratio to the in-process device, and bytes on
 * the wire per spike for sparse and dense steps. Server and client share this JVM (and machine).
 * Checks first that remote and in-process results are identical.
 *
 * <p>Run: {@code java -cp "bench/target/spikeloop-bench.jar:bench/target/lib/*"
 * io.spikeloop.bench.RemoteDeviceBenchmark [steps] [device]} (defaults 20000, sim).
 */
public final class RemoteDeviceBenchmark {
  static final int INPUTS = 700;
  static final int HIDDEN = 450;
  static final int OUTPUTS = 20;
  static final double SPARSE = 0.03;
  static final double DENSE = 0.5;
  static final int FRAMES = 1000;
  static final int ROUNDS = 5;

  private RemoteDeviceBenchmark() {}

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    String deviceName = args.length > 1 ? args[1] : "sim";
    Random rnd = new Random(1);
    List<SpikeFrame> sparse = frames(rnd, SPARSE, FRAMES);
    List<SpikeFrame> dense = frames(rnd, DENSE, 200);
    NetworkConfig net = network(64);
    int[][] weights = weights(net, new Random(2));

    try (Device local = Devices.open(deviceName)) {
      int theta = calibrate(local, sparse, weights);
      net = network(theta);
      load(local, net, weights);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (Device served = Devices.open(deviceName);
           DeviceServer server = DeviceServer.start(served, ServerOptions.loopback(0)
               .withRegistry(registry));
           RemoteDevice remote = RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port())
               .withRegistry(registry))) {
        load(remote, net, weights);
        checkIdentical(local, remote, sparse);
        double rate = hiddenRate(local, sparse);

        System.out.println("Remote device benchmark: " + deviceName + " " + INPUTS + "-" + HIDDEN
            + "(recurrent)-" + OUTPUTS + ", input density " + SPARSE + ", hidden spike rate "
            + fmt(rate) + ", theta " + theta + ", " + steps + " steps per figure");
        System.out.println("machine: " + MachineDescription.describe());
        System.out.println("remote and in-process results identical over " + sparse.size()
            + " steps at every readout level");
        System.out.println();
        System.out.println(ROUNDS + " rounds; each round times the in-process device and the"
            + " remote one back to back. steps/s: best (median) of the rounds; p50/p99 of the"
            + " per-step round trip: median of the rounds; ratio: median of the per-round"
            + " in-process/remote steps/s ratios; cpu us: CPU time of the whole process (client"
            + " and server threads) per step, median of the rounds.");
        System.out.printf(Locale.ROOT, "%-36s %20s %9s %9s %7s %9s%n", "mode", "steps/s", "p50 us",
            "p99 us", "ratio", "cpu us");
        for (ReadoutLevel level : new ReadoutLevel[] {ReadoutLevel.OUTPUTS, ReadoutLevel.FULL}) {
          lockStep(local, sparse, level, steps / 4);   // warm-up
          lockStep(remote, sparse, level, steps / 4);
          double[][] in = new double[ROUNDS][];
          double[][] lk = new double[ROUNDS][];
          for (int r = 0; r < ROUNDS; r++) {
            in[r] = lockStep(local, sparse, level, steps);
            lk[r] = lockStep(remote, sparse, level, steps);
          }
          report("in-process step, " + level, in, in);
          report("remote lock-step, " + level, lk, in);
        }
        RemoteDevice last = remote;
        for (int[] wb : new int[][] {{256, 16}, {1024, 64}}) {
          try (RemoteDevice streaming = reconnectWith(last, server, registry, wb[0], wb[1])) {
            last = streaming;
            stream(local, sparse, ReadoutLevel.OUTPUTS, steps / 4);
            stream(streaming, sparse, ReadoutLevel.OUTPUTS, steps / 4);
            double[][] in = new double[ROUNDS][];
            double[][] st = new double[ROUNDS][];
            for (int r = 0; r < ROUNDS; r++) {
              // 5x the steps: the process CPU clock ticks in 10 ms on Linux.
              in[r] = stream(local, sparse, ReadoutLevel.OUTPUTS, 5 * steps);
              st[r] = stream(streaming, sparse, ReadoutLevel.OUTPUTS, 5 * steps);
            }
            report("in-process run, OUTPUTS", in, in);
            report("remote stream w" + wb[0] + "/b" + wb[1] + ", OUTPUTS", st, in);
          }
        }
        System.out.println();
        try (RemoteDevice fresh = RemoteDevice.connect(RemoteOptions.of("127.0.0.1",
            server.port()).withRegistry(registry))) {
          wireBytes(fresh, sparse, "sparse (" + SPARSE + ")");
          wireBytes(fresh, dense, "dense (" + DENSE + ")");
        }
      }
    }
  }

  /** Closes {@code previous} (the server serves one client at a time) and opens with this window. */
  private static RemoteDevice reconnectWith(RemoteDevice previous, DeviceServer server,
                                            SimpleMeterRegistry registry, int window, int batch) {
    previous.close();
    return RemoteDevice.connect(RemoteOptions.of("127.0.0.1", server.port()).withRegistry(registry)
        .withWindow(window, batch));
  }

  /** {steps/s, p50 us, p99 us} of stepping one frame at a time. */
  private static double[] lockStep(Device d, List<SpikeFrame> frames, ReadoutLevel level, int steps) {
    d.reset();
    long[] lat = new long[steps];
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    for (int t = 0; t < steps; t++) {
      long s = System.nanoTime();
      d.step(frames.get(t % frames.size()), level);
      lat[t] = System.nanoTime() - s;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuMicros = (processCpuNanos() - cpu0) / 1e3 / steps;
    Arrays.sort(lat);
    return new double[] {steps / seconds, lat[steps / 2] / 1e3, lat[(int) (steps * 0.99)] / 1e3,
        cpuMicros};
  }

  /** {steps/s, p50 us, p99 us} of run() over the frames (latency: per run() call of FRAMES steps / FRAMES). */
  private static double[] stream(Device d, List<SpikeFrame> frames, ReadoutLevel level, int steps) {
    d.reset();
    int calls = Math.max(1, steps / frames.size());
    long[] perStep = new long[calls];
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    for (int c = 0; c < calls; c++) {
      long s = System.nanoTime();
      d.run(frames, level);
      perStep[c] = (System.nanoTime() - s) / frames.size();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpuMicros = (processCpuNanos() - cpu0) / 1e3 / ((double) calls * frames.size());
    Arrays.sort(perStep);
    return new double[] {(double) calls * frames.size() / seconds, perStep[calls / 2] / 1e3,
        perStep[Math.min(calls - 1, (int) (calls * 0.99))] / 1e3, cpuMicros};
  }

  /**
   * Request bytes per input spike, and reply bytes per hidden spike: the SPIKES reply minus the
   * OUTPUTS reply of the same steps, over the hidden spikes they carry. Frame headers included.
   */
  private static void wireBytes(RemoteDevice d, List<SpikeFrame> frames, String what) {
    long inputSpikes = frames.stream().mapToLong(f -> f.axons().length).sum();
    double[] sent = new double[2];
    double[] received = new double[2];
    long hiddenSpikes = 0;
    ReadoutLevel[] levels = {ReadoutLevel.OUTPUTS, ReadoutLevel.SPIKES};
    for (int i = 0; i < 2; i++) {
      d.reset();
      double out0 = d.metrics().bytesOut();
      double in0 = d.metrics().bytesIn();
      for (SpikeFrame f : frames) {
        StepResult r = d.step(f, levels[i]);
        if (r.spikes() != null) {
          for (int[] layer : r.spikes()) {
            hiddenSpikes += layer.length;
          }
        }
      }
      sent[i] = d.metrics().bytesOut() - out0;
      received[i] = d.metrics().bytesIn() - in0;
    }
    int n = frames.size();
    System.out.printf(Locale.ROOT, "%-16s request %6.1f B/step, %5.2f B per input spike (%.1f"
            + " input spikes/step); reply OUTPUTS %6.1f B/step, SPIKES %6.1f B/step, %5.2f B per"
            + " hidden spike (%.1f hidden spikes/step)%n", what, sent[0] / n,
        sent[0] / Math.max(1, inputSpikes), (double) inputSpikes / n, received[0] / n,
        received[1] / n, (received[1] - received[0]) / Math.max(1, hiddenSpikes),
        (double) hiddenSpikes / n);
  }

  private static void report(String mode, double[][] rounds, double[][] inProcess) {
    double[] rate = new double[rounds.length];
    double[] p50 = new double[rounds.length];
    double[] p99 = new double[rounds.length];
    double[] ratio = new double[rounds.length];
    double[] cpu = new double[rounds.length];
    for (int r = 0; r < rounds.length; r++) {
      cpu[r] = rounds[r][3];
      rate[r] = rounds[r][0];
      p50[r] = rounds[r][1];
      p99[r] = rounds[r][2];
      ratio[r] = inProcess[r][0] / rounds[r][0];
    }
    System.out.printf(Locale.ROOT, "%-36s %9.0f (%8.0f) %9.1f %9.1f %7.2f %9.1f%n", mode,
        Arrays.stream(rate).max().orElse(0), median(rate), median(p50), median(p99), median(ratio),
        median(cpu));
  }

  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void checkIdentical(Device a, Device b, List<SpikeFrame> frames) {
    for (ReadoutLevel level : ReadoutLevel.values()) {
      a.reset();
      b.reset();
      List<StepResult> ra = a.run(frames, level);
      List<StepResult> rb = new ArrayList<>();
      for (int t = 0; t < frames.size() / 2; t++) {
        rb.add(b.step(frames.get(t), level));
      }
      rb.addAll(b.run(frames.subList(frames.size() / 2, frames.size()), level));
      for (int t = 0; t < ra.size(); t++) {
        StepResult x = ra.get(t);
        StepResult y = rb.get(t);
        if (x.step() != y.step() || !Arrays.equals(x.outputs(), y.outputs())
            || !Arrays.deepEquals(x.spikes(), y.spikes())
            || !Arrays.deepEquals(x.membranes(), y.membranes()) || x.sops() != y.sops()
            || x.cycles() != y.cycles()) {
          throw new IllegalStateException("remote and in-process differ at step " + t + ", " + level);
        }
      }
    }
  }

  private static double hiddenRate(Device d, List<SpikeFrame> frames) {
    d.reset();
    long spikes = 0;
    for (StepResult r : d.run(frames, ReadoutLevel.SPIKES)) {
      spikes += r.spikes()[0].length;
    }
    return (double) spikes / ((long) frames.size() * HIDDEN);
  }

  /** The smallest power-of-two-ish threshold giving a hidden rate of at most ~5%. */
  private static int calibrate(Device d, List<SpikeFrame> frames, int[][] weights) {
    int theta = 16;
    while (theta < 32_000) {
      load(d, network(theta), weights);
      if (hiddenRate(d, frames.subList(0, 200)) <= 0.05) {
        return theta;
      }
      theta = theta * 3 / 2;
    }
    return theta;
  }

  static NetworkConfig network(int theta) {
    return new NetworkConfig(INPUTS,
        List.of(LayerConfig.builder(HIDDEN, INPUTS, theta).recurrent(true).alpha(3900).build()),
        OutputConfig.builder(OUTPUTS).outputBits(20).kappa(3900).build());
  }

  private static int[][] weights(NetworkConfig net, Random rnd) {
    List<WeightTensor> ts = net.tensors();
    int[][] w = new int[ts.size()][];
    for (int i = 0; i < ts.size(); i++) {
      WeightTensor t = ts.get(i);
      w[i] = new int[t.length()];
      for (int j = 0; j < w[i].length; j++) {
        double g = rnd.nextGaussian() * (t.cols() == 1 ? 2 : 30) + (t.name().endsWith(".rec") ? -4 : 2);
        w[i][j] = (int) Math.max(-127, Math.min(127, Math.round(g)));
      }
    }
    return w;
  }

  private static void load(Device d, NetworkConfig net, int[][] w) {
    d.configure(net);
    List<WeightTensor> ts = net.tensors();
    for (int i = 0; i < ts.size(); i++) {
      d.writeWeights(ts.get(i).name(), w[i]);
    }
  }

  private static List<SpikeFrame> frames(Random rnd, double density, int n) {
    List<SpikeFrame> out = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      int[] ids = new int[INPUTS];
      int k = 0;
      for (int i = 0; i < INPUTS; i++) {
        if (rnd.nextDouble() < density) {
          ids[k++] = i;
        }
      }
      out.add(new SpikeFrame(Arrays.copyOf(ids, k)));
    }
    return out;
  }

  private static String fmt(double x) {
    return String.format(Locale.ROOT, "%.3f", x);
  }

}
