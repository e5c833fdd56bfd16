package io.spikeloop.bench;

import io.spikeloop.device.Device;
import io.spikeloop.device.Devices;
import io.spikeloop.device.LayerConfig;
import io.spikeloop.device.LearningConfig;
import io.spikeloop.device.NetworkConfig;
import io.spikeloop.device.OutputConfig;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Learning steps per second with on-chip learning: the reference firmware ({@code board:ref},
 * C engine through JNA, 100 labelled steps per call) against the simulator's Java engine
 * ({@code sim}), on 700-H(rec)-20 networks (~3% input density, every step labelled, every tensor
 * learning), 8- and 4-bit Adam state. Each step is a forward step plus one tBPTT1 learning step.
 *
 * <p>Run: {@code mvn -o -B -q -pl bench -am package -DskipTests} then
 * {@code java -cp "bench/target/spikeloop-bench.jar:bench/target/lib/*"
 * io.spikeloop.bench.LearningStepBenchmark [trials [seconds-per-trial]]}.
 */
public final class LearningStepBenchmark {
  private static final int BATCH = 100;

  private LearningStepBenchmark() {}

  public static void main(String[] args) {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
    System.out.println("machine: " + MachineDescription.describe());
    List<SpikeFrame> frames = new ArrayList<>();
    int label = 0;
    for (SpikeFrame f : NativeBoardBenchmark.frames(2000, 42)) {
      frames.add(new SpikeFrame(f.axons(), (label++ / 25) % 20));
    }
    System.out.printf(Locale.ROOT, "%-10s %-14s %5s %16s %12s %14s%n", "device", "network",
        "state", "steps/s median", "us/step", "params/step");
    for (int hidden : new int[] {64, 450}) {
      NetworkConfig net = new NetworkConfig(700, List.of(new LayerConfig(hidden, true, 8, 0, 24,
          1000, 3900, 700)), new OutputConfig(20, 8, -2, 24, 3900));
      for (int bits : new int[] {8, 4}) {
        for (String name : new String[] {"board:ref", "sim"}) {
          try (Device d = Devices.open(name)) {
            d.configure(net);
            NativeBoardBenchmark.loadWeights(d, net, 7);
            d.enableLearning(learning(net, bits));
            measure(d, frames, 0.5); // warm-up
            double[] rates = new double[trials];
            for (int t = 0; t < trials; t++) {
              rates[t] = measure(d, frames, seconds);
            }
            Arrays.sort(rates);
            double median = rates[trials / 2];
            long params = net.tensors().stream().mapToLong(WeightTensor::length).sum();
            System.out.printf(Locale.ROOT, "%-10s %-14s %5s %16.0f %12.1f %14d%n", name,
                "700-" + hidden + "(rec)-20", bits + "-bit", median, 1e6 / median, params);
          }
        }
      }
    }
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
    return new LearningConfig(rates, stateBits, 64, 943718, 1047527, -27, 8, 1, 8, 5, table);
  }

  /** Labelled steps per second over about {@code seconds}. */
  private static double measure(Device d, List<SpikeFrame> frames, double seconds) {
    long steps = 0;
    int at = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      if (at + BATCH > frames.size()) {
        at = 0;
      }
      d.run(frames.subList(at, at + BATCH), ReadoutLevel.OUTPUTS);
      at += BATCH;
      steps += BATCH;
      now = System.nanoTime();
    } while (now < end);
    return steps / ((now - start) / 1e9);
  }
}
