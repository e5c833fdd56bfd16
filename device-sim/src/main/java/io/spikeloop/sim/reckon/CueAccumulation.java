package io.spikeloop.sim.reckon;

import io.spikeloop.target.reckon.ReckonChip;
import io.spikeloop.target.reckon.ReckonCostModel;
import io.spikeloop.target.reckon.ReckonPresets;
import io.spikeloop.target.reckon.ReckonStep;
import io.spikeloop.target.reckon.ReckonStepResult;
import io.spikeloop.target.reckon.ReckonTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ReckOn's own task, the delayed-supervision navigation (cue accumulation) of {@code
 * upstream/src/tbench.sv}, on any {@link ReckonChip}: 40-100-2, 2,250 ticks per sample, the label
 * and TARGET_VALID / INFER_ACC from tick 2,101 on (training) or INFER_ACC only (test), e-prop on
 * all three tensors while training, from the given initial weights. The data files are read from
 * the upstream folder at run time (never copied into the repository).
 *
 * <p>Mapping of the testbench's loop onto steps: an event of time {@code t} is sent after {@code
 * t} ticks, so it belongs to step {@code t} (0-based; step {@code s} is tick {@code s+1}); the
 * last tick (step 2,249) lowers SAMPLE, and events it would carry are dropped by the chip.
 */
public final class CueAccumulation {
  /** Where the upstream data lives, relative to the repository root. */
  public static final Path DEFAULT_DATA = Path.of("../shared/boards/reckon/upstream/src/data");
  public static final int TICKS = 2250;
  public static final int TARGET_TICK = 2100;

  private CueAccumulation() {}

  /** One sample: the input events of each step and the label. */
  public record Sample(int[][] eventsPerStep, int label) {}

  /** Figures of one epoch: training-phase and test-phase accuracy, cost per sample. */
  public record Epoch(int epoch, double trainAccuracy, double testAccuracy,
      double cyclesPerSample, double joulesPerSample) {
    public String json() {
      return String.format(Locale.ROOT, "{\"epoch\": %d, \"trainAccuracy\": %.4f, "
          + "\"testAccuracy\": %.4f, \"cyclesPerSample\": %.1f, \"joulesPerSample\": %.4e}",
          epoch, trainAccuracy, testAccuracy, cyclesPerSample, joulesPerSample);
    }
  }

  /** Reads a {@code dataset_cueAcc_*.dat} file. */
  public static List<Sample> readDataset(Path file) {
    List<String> lines = lines(file);
    int count = Integer.parseInt(lines.get(0).trim());
    List<Sample> samples = new ArrayList<>(count);
    int line = 1;
    for (int s = 0; s < count; s++) {
      List<List<Integer>> perStep = new ArrayList<>();
      for (int t = 0; t < TICKS; t++) {
        perStep.add(new ArrayList<>());
      }
      int label = -1;
      while (true) {
        if (line >= lines.size()) {
          throw new IllegalArgumentException(file + ": sample " + s + " has no end mark (-1)");
        }
        String[] f = lines.get(line++).split(",");
        int neuron = Integer.parseInt(f[0].trim());
        int time = Integer.parseInt(f[1].trim());
        if (neuron == -1) {
          break;
        } else if (neuron == -2) {
          label = time;
        } else if (time < TICKS - 1) {
          perStep.get(Math.max(time, label >= 0 ? TARGET_TICK : 0)).add(neuron);
        }
      }
      if (label < 0) {
        throw new IllegalArgumentException(file + ": sample " + s + " has no target mark (-2)");
      }
      int[][] events = new int[TICKS][];
      for (int t = 0; t < TICKS; t++) {
        events[t] = perStep.get(t).stream().mapToInt(Integer::intValue).toArray();
      }
      samples.add(new Sample(events, label));
    }
    return samples;
  }

  /** Reads {@code count} whitespace-separated decimal weights into signed bytes. */
  public static byte[] readWeights(Path file, int count) {
    String[] tokens = String.join(" ", lines(file)).trim().split("\\s+");
    if (tokens.length < count) {
      throw new IllegalArgumentException(file + ": " + count + " weights needed, found " + tokens.length);
    }
    byte[] w = new byte[count];
    for (int i = 0; i < count; i++) {
      int v = Integer.parseInt(tokens[i]);
      if (v < -128 || v > 127) {
        throw new IllegalArgumentException(file + ": weight " + i + " is " + v + ", not 8-bit");
      }
      w[i] = (byte) v;
    }
    return w;
  }

  /** Configures {@code chip} with the testbench's network and initial weights. */
  public static void load(ReckonChip chip, Path dataDir) {
    chip.configure(ReckonPresets.cueAccumulation());
    chip.writeWeights(ReckonTensor.INPUT, readWeights(dataDir.resolve("init_rand_weights_inp_cueAcc.dat"), 40 * 100));
    chip.writeWeights(ReckonTensor.RECURRENT, readWeights(dataDir.resolve("init_rand_weights_rec_cueAcc.dat"), 100 * 100));
    chip.writeWeights(ReckonTensor.OUTPUT, readWeights(dataDir.resolve("init_rand_weights_out_cueAcc.dat"), 100 * 2));
  }

  /** Step {@code s} (0..2,249) of {@code sample} as the testbench drives it. */
  public static ReckonStep step(Sample sample, int s, boolean train) {
    boolean supervised = s >= TARGET_TICK;
    boolean last = s == TICKS - 1;
    return new ReckonStep(last ? null : sample.eventsPerStep()[s],
        train && s == TARGET_TICK ? sample.label() : -1, train && supervised, supervised, last);
  }

  /** Runs one sample; returns the label the chip sent. Adds the sample's cycles to {@code cost}. */
  public static int runSample(ReckonChip chip, Sample sample, boolean train, long[] cost) {
    int inference = -1;
    for (int s = 0; s < TICKS; s++) {
      boolean last = s == TICKS - 1;
      ReckonStepResult r = chip.step(step(sample, s, train));
      cost[0] += r.cycles();
      cost[1] += r.synapticOps();
      if (last) {
        inference = r.label();
      }
    }
    return inference;
  }

  /** Accuracy of one pass over {@code samples}, learning or not. */
  public static double pass(ReckonChip chip, List<Sample> samples, boolean train, long[] cost) {
    chip.setEpropEnables(train ? 7 : 0);
    int correct = 0;
    for (Sample s : samples) {
      if (runSample(chip, s, train, cost) == s.label()) {
        correct++;
      }
    }
    return correct / (double) samples.size();
  }

  /** The testbench's training loop for {@code epochs} epochs. */
  public static List<Epoch> run(ReckonChip chip, Path dataDir, int epochs, boolean verbose) {
    return run(chip, dataDir, epochs, verbose, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /**
   * The training loop on the first {@code trainSamples} and {@code testSamples} samples of each
   * set (a subset for quick checks; the testbench uses all).
   */
  public static List<Epoch> run(ReckonChip chip, Path dataDir, int epochs, boolean verbose,
                                int trainSamples, int testSamples) {
    if (epochs < 1 || trainSamples < 1 || testSamples < 1) {
      throw new IllegalArgumentException("epochs, train and test samples must be >= 1, got "
          + epochs + ", " + trainSamples + ", " + testSamples);
    }
    List<Sample> allTrain = readDataset(dataDir.resolve("dataset_cueAcc_train.dat"));
    List<Sample> allTest = readDataset(dataDir.resolve("dataset_cueAcc_test.dat"));
    List<Sample> train = allTrain.subList(0, Math.min(trainSamples, allTrain.size()));
    List<Sample> test = allTest.subList(0, Math.min(testSamples, allTest.size()));
    load(chip, dataDir);
    List<Epoch> result = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      long[] cost = new long[2];
      double trainAcc = pass(chip, train, true, cost);
      double testAcc = pass(chip, test, false, cost);
      int samples = train.size() + test.size();
      Epoch epoch = new Epoch(e, trainAcc, testAcc, cost[0] / (double) samples,
          ReckonCostModel.joules(cost[1]) / samples);
      result.add(epoch);
      if (verbose) {
        System.err.printf(Locale.ROOT, "epoch %d: train %.0f%%, test %.0f%%%n", e,
            100 * trainAcc, 100 * testAcc);
      }
    }
    return result;
  }

  /** {@code CueAccumulation [--data DIR] [--epochs N] [--json]} on {@code sim:reckon}. */
  public static void main(String[] args) {
    Path data = DEFAULT_DATA;
    int epochs = 3;
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--epochs" -> epochs = Integer.parseInt(args[++i]);
        case "--json" -> json = true;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (use --data DIR, --epochs N, --json)");
      }
    }
    long t0 = System.nanoTime();
    List<Epoch> epochsRun;
    try (ReckonModel chip = new ReckonModel()) {
      epochsRun = run(chip, data, epochs, !json);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (json) {
      StringBuilder sb = new StringBuilder("{\"device\": \"sim:reckon\", \"testAccuracy\": ");
      sb.append(String.format(Locale.ROOT, "%.4f", epochsRun.get(epochsRun.size() - 1).testAccuracy()));
      sb.append(String.format(Locale.ROOT, ", \"seconds\": %.1f, \"epochs\": [", seconds));
      for (int i = 0; i < epochsRun.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(epochsRun.get(i).json());
      }
      System.out.println(sb.append("]}"));
    } else {
      for (Epoch e : epochsRun) {
        System.out.println(e.json());
      }
      System.out.printf(Locale.ROOT, "%.1f s%n", seconds);
    }
  }

  private static List<String> lines(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("cue-accumulation data not found: " + file.toAbsolutePath()
          + " (expected the ReckOn upstream folder ../shared/boards/reckon/upstream/src/data)");
    }
    try {
      List<String> all = Files.readAllLines(file);
      all.removeIf(l -> l.isBlank());
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
