package io.spikeloop.bench;

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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * On-chip learning speed, as thread CPU time (the JNA call runs on the calling thread, so the
 * C engine's time counts too; other load on a shared machine does not): the reference firmware
 * ({@code board:ref}, C engine through JNA, 100 labelled steps per call) against the simulator's
 * Java engine ({@code sim}). Networks: the L1 study's RSNN 700-32(rec)-20 and 700-450(rec)-20
 * (~3 % input density), and N-MNIST's FF 2312-200-10 (sim only, on a larger simulated core:
 * the reference firmware takes at most 1024 inputs), every step labelled, every tensor learning,
 * 8- and 4-bit Adam state. Each step is a forward step plus one tBPTT1 learning step. Prints
 * learning steps per CPU second, ns of CPU per parameter update, and training samples per CPU
 * second at 100 steps per sample (105 for N-MNIST). N-MNIST also runs on the simulator's
 * event-driven engines ({@code learning=lazy|catchup}, {@code docs/core-spec.md} 9.7), where "ns/update"
 * is CPU per parameter of the network (not per parameter visited).
 *
 * <p>Run: {@code mvn -o -B -q -pl bench -am package -DskipTests} then
 * {@code java -cp "bench/target/classes:bench/target/lib/*"
 * io.spikeloop.bench.LearningStepBenchmark [trials [cpu-seconds-per-trial [8|4 [nmnist [density
 * [event-driven]]]]]]} (one state width per JVM for clean figures; {@code nmnist}: the N-MNIST
 * rows only; {@code density}: N-MNIST input density, default 0.03; {@code event-driven}: the lazy
 * and catch-up engines only).
 */
public final class LearningStepBenchmark {
  private static final int BATCH = 100;

  private LearningStepBenchmark() {}

  public static void main(String[] args) {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
    // One state width per JVM gives clean figures: after 8-bit runs the JIT's profile of the
    // optimizer loop no longer fits 4-bit state, and its recompilation can run 2x slower.
    int[] widths = args.length > 2 ? new int[] {Integer.parseInt(args[2])} : new int[] {8, 4};
    System.out.println("machine: " + MachineDescription.describe());
    System.out.printf(Locale.ROOT, "%-10s %-16s %5s %12s %10s %12s %12s %10s%n", "device",
        "network", "state", "steps/cpu-s", "us/step", "ns/update", "samples/cpu-s", "params");
    boolean nmnistOnly = args.length > 3 && args[3].equals("nmnist");
    for (int hidden : nmnistOnly ? new int[0] : new int[] {32, 450}) {
      NetworkConfig net = new NetworkConfig(700, List.of(LayerConfig.builder(hidden, 700, 1000)
              .recurrent(true).membraneBits(24).alpha(3900).build()),
          OutputConfig.builder(20).weightExponent(-2).outputBits(24).kappa(3900).build());
      List<SpikeFrame> frames = labelled(NativeBoardBenchmark.frames(2000, 42), 20);
      for (int bits : widths) {
        for (String name : new String[] {"board:ref", "sim"}) {
          report(name, "700-" + hidden + "(rec)-20", net, bits, frames, 100, trials, seconds);
        }
      }
    }
    NetworkConfig nmnist = new NetworkConfig(2312, List.of(LayerConfig.builder(200, 2312, 1000)
            .membraneBits(24).alpha(3900).build()),
        OutputConfig.builder(10).weightExponent(-2).outputBits(24).kappa(3900).build());
    // input density: 3 % by default; N-MNIST at --dt 6 averages ~1.3 % (29 of 2312 per step)
    double density = args.length > 4 ? Double.parseDouble(args[4]) : 0.03;
    List<SpikeFrame> frames = labelled(sparseFrames(2312, density, 1000, 43), 10);
    boolean eventDrivenOnly = args.length > 5 && args[5].equals("event-driven");
    for (int bits : widths) {
      if (!eventDrivenOnly) {
        report("sim:inputs=4096,fan-in=4096", "2312-200-10", nmnist, bits, frames, 105, trials,
            seconds);
      }
      for (String schedule : new String[] {"lazy", "catchup"}) {
        report("sim:inputs=4096,fan-in=4096,learning=" + schedule, "2312-200-10", nmnist, bits,
            frames, 105, trials, seconds);
      }
    }
  }

  private static void report(String name, String label, NetworkConfig net, int bits,
      List<SpikeFrame> frames, int stepsPerSample, int trials, double seconds) {
    try (Device d = Devices.open(name)) {
      d.configure(net);
      NativeBoardBenchmark.loadWeights(d, net, 7);
      Sl1Device.enableLearning(d, learning(net, bits));
      measure(d, frames, 0.5); // warm-up
      double[] rates = new double[trials];
      for (int t = 0; t < trials; t++) {
        rates[t] = measure(d, frames, seconds);
      }
      Arrays.sort(rates);
      double median = rates[trials / 2];
      long params = net.tensors().stream().mapToLong(WeightTensor::length).sum();
      System.out.printf(Locale.ROOT, "%-10s %-16s %5s %12.1f %10.1f %12.1f %12.2f %10d%n",
          name.startsWith("sim") ? (name.contains("learning=") ? "sim-"
              + name.substring(name.indexOf("learning=") + 9) : "sim") : name,
          label, bits + "-bit", median, 1e6 / median,
          1e9 / median / params, median / stepsPerSample, params);
    }
  }

  /** Labels change every 25 steps, cycling through the classes. */
  private static List<SpikeFrame> labelled(List<SpikeFrame> frames, int classes) {
    List<SpikeFrame> out = new ArrayList<>();
    int label = 0;
    for (SpikeFrame f : frames) {
      out.add(new SpikeFrame(f.axons(), (label++ / 25) % classes));
    }
    return out;
  }

  private static List<SpikeFrame> sparseFrames(int inputs, double density, int steps, long seed) {
    Random rnd = new Random(seed);
    List<SpikeFrame> out = new ArrayList<>(steps);
    int[] ids = new int[inputs];
    for (int t = 0; t < steps; t++) {
      int n = 0;
      for (int i = 0; i < inputs; i++) {
        if (rnd.nextDouble() < density) {
          ids[n++] = i;
        }
      }
      out.add(new SpikeFrame(Arrays.copyOf(ids, n)));
    }
    return out;
  }

  private static LearningConfig learning(NetworkConfig net, int stateBits) {
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : net.tensors()) {
      rates.put(t.name(), 1 << 20);
    }
    int[] table = new int[64];
    for (int i = 0; i < table.length; i++) {
      double x = i / 20.0;
      table[i] = (int) Math.rint(16384 * 0.8 * Math.exp(-x * x));
    }
    return LearningConfig.builder(rates, 5, table).stateBits(stateBits).build();
  }

  /** Labelled steps per CPU second of this thread over about {@code seconds} of CPU. */
  private static double measure(Device d, List<SpikeFrame> frames, double seconds) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long steps = 0;
    int at = 0;
    long start = cpu.getCurrentThreadCpuTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      if (at + BATCH > frames.size()) {
        at = 0;
      }
      d.run(frames.subList(at, at + BATCH), ReadoutLevel.OUTPUTS);
      at += BATCH;
      steps += BATCH;
      now = cpu.getCurrentThreadCpuTime();
    } while (now < end);
    return steps / ((now - start) / 1e9);
  }
}
