package io.spikeloop.bench;

import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.train.ReferenceTrainer;
import io.spikeloop.train.SnnTrainer;
import io.spikeloop.train.TrainingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * tbptt1 on {@code synthetic} with float Adam against quantized Adam with 8- and 4-bit state, on
 * the float64 reference trainer, over several seeds; prints per-run lines and a Markdown table
 * for {@code docs/learning-engine.md}. Arguments are {@code key=value}: {@code hidden} (64),
 * {@code epochs} (3), {@code seeds} (1,2,3), {@code train} (training samples used, 400),
 * {@code test} (200), {@code batch} (16), {@code lr} (2e-3), {@code block} (64), {@code steps}
 * (sample length, 100). Example (from the repository root, after {@code mvn -o -q -pl bench -am
 * package -DskipTests}):
 *
 * <pre>
 *   nice java -cp "bench/target/classes:bench/target/lib/*" \
 *       io.spikeloop.bench.QuantizedAdamComparison epochs=3 seeds=1,2,3 train=1000 test=500
 * </pre>
 */
public final class QuantizedAdamComparison {
  private QuantizedAdamComparison() {}

  record Result(String variant, long seed, double bestTest, double lastTest, double online,
      double seconds) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("arguments are key=value, got " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    int hidden = Integer.parseInt(a.getOrDefault("hidden", "64"));
    int epochs = Integer.parseInt(a.getOrDefault("epochs", "3"));
    int trainSize = Integer.parseInt(a.getOrDefault("train", "400"));
    int testSize = Integer.parseInt(a.getOrDefault("test", "200"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "16"));
    double lr = Double.parseDouble(a.getOrDefault("lr", "2e-3"));
    int block = Integer.parseInt(a.getOrDefault("block", "64"));
    int steps = Integer.parseInt(a.getOrDefault("steps", "100"));
    List<Long> seeds = new ArrayList<>();
    for (String s : a.getOrDefault("seeds", "1,2,3").split(",")) {
      seeds.add(Long.parseLong(s.trim()));
    }
    DatasetSplit data = Datasets.open("synthetic", new DatasetOptions(null, steps, 1));
    System.out.printf(Locale.ROOT, "synthetic: %d train (using %d), %d test (using %d), %d "
            + "channels, %d classes, %d steps; hidden %d, batch %d, lr %g, %d epochs, tbptt1%n",
        data.train().size(), trainSize, data.test().size(), testSize, data.train().channels(),
        data.train().classes(), data.train().steps(), hidden, batch, lr, epochs);
    List<Result> results = new ArrayList<>();
    for (long seed : seeds) {
      for (String variant : List.of("adam", "qadam8", "qadam4")) {
        OptimizerSpec spec = switch (variant) {
          case "adam" -> new OptimizerSpec.Adam(lr, 0.9, 0.999, 1e-8);
          case "qadam8" -> OptimizerSpec.QuantizedAdam.of(lr, 8, block, seed);
          default -> OptimizerSpec.QuantizedAdam.of(lr, 4, block, seed);
        };
        Result r = run(variant, spec, data, seed, hidden, epochs, trainSize, testSize, batch);
        results.add(r);
        System.out.printf(Locale.ROOT, "%-7s seed %d: best test %.3f, last test %.3f, online "
            + "train %.3f (%.0f s)%n", r.variant(), r.seed(), r.bestTest(), r.lastTest(),
            r.online(), r.seconds());
      }
    }
    System.out.println();
    System.out.println("| optimizer | best test | last test | online train (last epoch) |");
    System.out.println("|---|---|---|---|");
    for (String variant : List.of("adam", "qadam8", "qadam4")) {
      double[] best = results.stream().filter(r -> r.variant().equals(variant))
          .mapToDouble(Result::bestTest).toArray();
      double[] last = results.stream().filter(r -> r.variant().equals(variant))
          .mapToDouble(Result::lastTest).toArray();
      double[] online = results.stream().filter(r -> r.variant().equals(variant))
          .mapToDouble(Result::online).toArray();
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", variant, meanSd(best),
          meanSd(last), meanSd(online));
    }
    if (!results.isEmpty()) {
      int[] sizes = parameterSizes(SnnParameters.initialise(config(data.train(), hidden), 1));
      System.out.println();
      System.out.println("8-bit: " + OptimizerSpec.QuantizedAdam.of(lr, 8, block, 1).memory(sizes)
          .describe());
      System.out.println("4-bit: " + OptimizerSpec.QuantizedAdam.of(lr, 4, block, 1).memory(sizes)
          .describe());
    }
  }

  static SnnConfig config(SpikeDataset train, int hidden) {
    return SnnConfig.of(train.channels(), List.of(hidden), false, train.classes(), 1, 20, 20);
  }

  static int[] parameterSizes(SnnParameters p) {
    return p.tensors().stream().mapToInt(t -> t.values().length).toArray();
  }

  static Result run(String variant, OptimizerSpec spec, DatasetSplit data, long seed, int hidden,
      int epochs, int trainSize, int testSize, int batch) {
    long start = System.nanoTime();
    SnnParameters init = SnnParameters.initialise(config(data.train(), hidden), seed);
    SnnTrainer trainer = new ReferenceTrainer(init, Surrogate.DEFAULT, TrainingMode.TBPTT1, spec);
    int n = Math.min(trainSize, data.train().size());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom shuffle = new SplittableRandom(seed);
    double best = 0;
    double last = 0;
    double online = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      int right = 0;
      for (int b = 0; b < n; b += batch) {
        List<SpikeSample> samples = new ArrayList<>();
        for (int i = b; i < Math.min(n, b + batch); i++) {
          samples.add(data.train().sample(order[i]));
        }
        int[] predicted = trainer.train(samples).predictions();
        for (int i = 0; i < samples.size(); i++) {
          right += predicted[i] == samples.get(i).label() ? 1 : 0;
        }
      }
      online = right / (double) n;
      last = testAccuracy(trainer, data.test(), testSize, batch);
      best = Math.max(best, last);
    }
    return new Result(variant, seed, best, last, online, (System.nanoTime() - start) / 1e9);
  }

  static double testAccuracy(SnnTrainer trainer, SpikeDataset test, int testSize, int batch) {
    int n = Math.min(testSize, test.size());
    int right = 0;
    for (int b = 0; b < n; b += batch) {
      List<SpikeSample> samples = new ArrayList<>();
      for (int i = b; i < Math.min(n, b + batch); i++) {
        samples.add(test.sample(i));
      }
      double[][] out = trainer.infer(samples).lastOutput();
      for (int i = 0; i < samples.size(); i++) {
        int arg = 0;
        for (int k = 1; k < out[i].length; k++) {
          arg = out[i][k] > out[i][arg] ? k : arg;
        }
        right += arg == samples.get(i).label() ? 1 : 0;
      }
    }
    return right / (double) n;
  }

  static String meanSd(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v / x.length;
    }
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean) / Math.max(1, x.length - 1);
    }
    return String.format(Locale.ROOT, "%.3f ± %.3f", mean, Math.sqrt(var));
  }
}
