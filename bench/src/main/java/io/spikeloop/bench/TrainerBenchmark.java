package io.spikeloop.bench;

import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.data.SyntheticDataset;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.train.FastTrainer;
import io.spikeloop.train.TrainingMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Training throughput and memory of the fast float32 trainer on the paper's SHD recurrent size
 * (700-450-20, Adam, lr 1e-3), one thread, training on the embedded synthetic dataset (700
 * channels, ~3% input density, T steps; a real learning task, so hidden activity is what training
 * produces: the printed hidden rate is spikes per neuron and step, measured after the run).
 *
 * <p>{@code TrainerBenchmark} alone runs the standard set, each configuration in a fresh JVM
 * ({@code -XX:ActiveProcessorCount=1 -XX:+UseSerialGC}, so the JVM too stays on one core) and
 * prints one line per configuration; {@code TrainerBenchmark MODE BATCH STEPS} runs one
 * configuration in this JVM. Throughput: after a warm-up of at least 3 s, three rounds of at least
 * 4 s each, median of the three, over the 2,000 training samples of the synthetic set, as samples per CPU-second of the training thread (robust when
 * other processes share the cores; equal to samples per second on an idle machine) and per
 * wall-clock second. Memory ({@code memory} runs: one batch, one training pass, only that batch
 * generated): the process's peak resident set (VmHWM) and the heap still live after a full GC
 * with the trainer and its batch reachable.
 */
public final class TrainerBenchmark {
  static final double PYTORCH_TBPTT1_B1 = 3.8;
  static final double PYTORCH_TBPTT1_B32 = 109;
  static final double PYTORCH_BPTT_B32 = 267;

  public static void main(String[] args) throws Exception {
    if (args.length == 3) {
      runOne(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), true);
    } else if (args.length == 4 && args[3].equals("memory")) {
      runOne(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), false);
    } else if (args.length == 0) {
      System.out.println("machine: " + MachineDescription.describe());
      String[][] configs = {
          {"tbptt1", "1", "100"}, {"tbptt1", "32", "100"}, {"bptt", "32", "100"},
          {"tbptt1", "1", "100", "memory"}, {"tbptt1", "1", "10000", "memory"},
          {"tbptt1", "32", "100", "memory"}, {"tbptt1", "32", "1000", "memory"},
          {"tbptt1", "32", "10000", "memory"},
          {"bptt", "32", "100", "memory"}, {"bptt", "32", "1000", "memory"},
      };
      for (String[] c : configs) {
        child(c);
      }
    } else {
      System.err.println("usage: TrainerBenchmark [MODE BATCH STEPS [memory]]");
      System.exit(2);
    }
  }

  private static void child(String[] config) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC", "-Xmx4g",
        "-cp", System.getProperty("java.class.path"), TrainerBenchmark.class.getName()));
    cmd.addAll(Arrays.asList(config));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      r.lines().forEach(System.out::println);
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("benchmark child failed: " + cmd);
    }
  }

  static void runOne(String modeName, int batch, int steps, boolean throughput) throws Exception {
    TrainingMode mode = TrainingMode.parse(modeName, 1);
    SnnConfig config = SnnConfig.of(700, List.of(450), true, 20, 1.0, 20.0, 20.0);
    SnnParameters init = SnnParameters.initialise(config, 1);
    FastTrainer trainer = new FastTrainer(init, mode, OptimizerSpec.Adam.PAPER, batch);
    SpikeDataset data = throughput
        ? SyntheticDataset.split(new DatasetOptions(null, steps, 7)).train()
        : SyntheticDataset.generate(batch, steps, 7);
    List<List<SpikeSample>> batches = new ArrayList<>();
    for (int i = 0; i + batch <= (throughput ? data.size() : batch); i += batch) {
      List<SpikeSample> b = new ArrayList<>();
      for (int j = 0; j < batch; j++) {
        b.add(data.sample(i + j));
      }
      batches.add(b);
    }
    String rateText = "";
    if (throughput) {
      long warmEnd = System.nanoTime() + 3_000_000_000L;
      int i = 0;
      while (System.nanoTime() < warmEnd || i < 2) {
        trainer.train(batches.get(i++ % batches.size()));
      }
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] wall = new double[3];
      double[] cpu = new double[3];
      for (int r = 0; r < 3; r++) {
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long samples = 0;
        while (System.nanoTime() - start < 4_000_000_000L) {
          trainer.train(batches.get(i++ % batches.size()));
          samples += batch;
        }
        wall[r] = samples / ((System.nanoTime() - start) / 1e9);
        cpu[r] = samples / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
      }
      Arrays.sort(wall);
      Arrays.sort(cpu);
      double reference = modeName.equals("bptt") ? PYTORCH_BPTT_B32
          : batch == 1 ? PYTORCH_TBPTT1_B1 : PYTORCH_TBPTT1_B32;
      rateText = String.format(" %7.1f samples/CPU-s = %5.2fx PyTorch %3.0f (wall: %7.1f samples/s)",
          cpu[1], cpu[1] / reference, reference, wall[1]);
    } else {
      trainer.train(batches.get(0));
    }
    var inference = trainer.infer(batches.get(0));
    double rate = Arrays.stream(inference.spikes()).average().orElse(0) / steps / 450;
    System.gc();
    long liveHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long inputBytes = 0;
    for (List<SpikeSample> b : batches) {
      for (SpikeSample sample : b) {
        inputBytes += 4L * (sample.channels().length + sample.offsets().length);
      }
    }
    System.out.printf("%-7s batch %3d  T %6d %s  hidden rate %.3f  live heap %6.1f MB (inputs"
        + " %5.1f MB)  peak RSS %6.1f MB%n", modeName, batch, steps, rateText, rate,
        liveHeap / 1e6, inputBytes / 1e6, peakRssBytes() / 1e6);
    if (trainer.parameters().tensors().isEmpty()) {
      throw new IllegalStateException("unreachable: keeps the trainer live until here");
    }
  }

  /** Peak resident set size of this process (Linux VmHWM), or -1 elsewhere. */
  static long peakRssBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

}
