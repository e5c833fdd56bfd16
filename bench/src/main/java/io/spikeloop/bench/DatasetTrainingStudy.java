package io.spikeloop.bench;

import io.spikeloop.data.DatasetOptions;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.Datasets;
import io.spikeloop.data.SpikeDataset;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.optim.OptimizerSpec;
import io.spikeloop.train.FastTrainer;
import io.spikeloop.train.SnnTrainer;
import io.spikeloop.train.Softmax;
import io.spikeloop.train.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a network on a real dataset with the float trainer and prints the test accuracy after
 * each epoch (the figures of docs/results.md). Prediction: arg max of the output summed over the
 * steps ("sum") and of the output at the last step ("last").
 *
 * <pre>
 * java -cp bench/target/spikeloop-bench.jar:bench/target/lib/* io.spikeloop.bench.DatasetTrainingStudy \
 *     DATASET HIDDEN recurrent|ff EPOCHS [BATCH [LR [TAU_MEM_MS [TAU_OUT_MS [SEED]]]]]
 * </pre>
 * {@code -Dinit-gain=G} scales the initial input weights.
 * The time step is the dataset's bin width ({@code --dt}: pass it as system property
 * {@code -Ddt=MS}, default 10 ms for SHD, 3 ms for N-MNIST) and sets alpha and kappa.
 */
public final class DatasetTrainingStudy {
  private DatasetTrainingStudy() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: DatasetTrainingStudy DATASET HIDDEN recurrent|ff EPOCHS [BATCH "
          + "[LR [TAU_MEM_MS [TAU_OUT_MS [SEED]]]]]");
      System.exit(2);
    }
    String dataset = args[0];
    int hidden = Integer.parseInt(args[1]);
    boolean recurrent = args[2].equals("recurrent");
    int epochs = Integer.parseInt(args[3]);
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 32;
    double lr = args.length > 5 ? Double.parseDouble(args[5]) : 1e-3;
    double tauMem = args.length > 6 ? Double.parseDouble(args[6]) : 20;
    double tauOut = args.length > 7 ? Double.parseDouble(args[7]) : 20;
    long seed = args.length > 8 ? Long.parseLong(args[8]) : 1;
    Double dt = System.getProperty("dt") == null ? null : Double.valueOf(System.getProperty("dt"));
    DatasetSplit split = Datasets.open(dataset, new DatasetOptions(dt, null, seed));
    SpikeDataset train = split.train();
    SpikeDataset test = split.test();
    double dtMs = dt != null ? dt : dataset.startsWith("shd:") ? 10 : 3;
    SnnConfig config = SnnConfig.of(train.channels(), List.of(hidden), recurrent, train.classes(),
        dtMs, tauMem, tauOut);
    System.out.printf("%s: %d train / %d test samples, %d-%d-%d %s, %d steps of %.1f ms, tBPTT1, "
            + "Adam lr %.0e, batch %d, tau_mem %.0f ms, tau_out %.0f ms, seed %d, init gain %s%n",
        dataset,
        train.size(), test.size(), train.channels(), hidden, train.classes(),
        recurrent ? "recurrent" : "feed-forward", train.steps(), dtMs, lr, batch, tauMem, tauOut,
        seed, System.getProperty("init-gain", "1"));
    SnnParameters init = SnnParameters.initialise(config, seed);
    // -Dinit-gain=G scales the initial input weights (torch's U(+-1/sqrt(fan-in)) leaves a
    // 700-input layer fed by ~5% dense binary inputs far below threshold, hence silent).
    double gain = Double.parseDouble(System.getProperty("init-gain", "1"));
    double[] wIn = init.wIn(0);
    for (int i = 0; i < wIn.length; i++) {
      wIn[i] *= gain;
    }
    SnnTrainer trainer = new FastTrainer(init,
        TrainingMode.TBPTT1, new OptimizerSpec.Adam(lr, 0.9, 0.999, 1e-8), batch);
    List<SpikeSample> testSamples = all(test);
    Random order = new Random(seed);
    for (int epoch = 1; epoch <= epochs; epoch++) {
      long start = System.nanoTime();
      List<Integer> indices = new ArrayList<>();
      for (int i = 0; i < train.size(); i++) {
        indices.add(i);
      }
      java.util.Collections.shuffle(indices, order);
      double loss = 0;
      int batches = 0;
      int correct = 0;
      for (int from = 0; from < indices.size(); from += batch) {
        List<SpikeSample> b = new ArrayList<>();
        for (int i = from; i < Math.min(from + batch, indices.size()); i++) {
          b.add(train.sample(indices.get(i)));
        }
        SnnTrainer.BatchResult r = trainer.train(b);
        loss += r.meanLoss();
        batches++;
        for (int i = 0; i < b.size(); i++) {
          correct += r.predictions()[i] == b.get(i).label() ? 1 : 0;
        }
      }
      double[] accuracy = accuracy(trainer, testSamples, batch);
      System.out.printf("epoch %d: train loss %.4f, train acc (during training) %.4f, "
              + "test acc sum %.4f, last %.4f, hidden spikes per neuron and step %.3f (%.1f s)%n",
          epoch, loss / batches, correct / (double) train.size(), accuracy[0], accuracy[1],
          accuracy[2] / ((double) hidden * test.steps()), (System.nanoTime() - start) / 1e9);
    }
  }

  private static List<SpikeSample> all(SpikeDataset d) {
    List<SpikeSample> out = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      out.add(d.sample(i));
    }
    return out;
  }

  /** Test accuracy by summed and by last-step output, and mean hidden spikes per sample. */
  private static double[] accuracy(SnnTrainer trainer, List<SpikeSample> samples, int batch) {
    int sum = 0;
    int last = 0;
    long spikes = 0;
    for (int from = 0; from < samples.size(); from += batch) {
      List<SpikeSample> b = samples.subList(from, Math.min(from + batch, samples.size()));
      SnnTrainer.Inference inf = trainer.infer(b);
      for (int i = 0; i < b.size(); i++) {
        spikes += inf.spikes()[i];
        sum += Softmax.argmax(inf.summedOutput()[i]) == b.get(i).label() ? 1 : 0;
        last += Softmax.argmax(inf.lastOutput()[i]) == b.get(i).label() ? 1 : 0;
      }
    }
    return new double[] {sum / (double) samples.size(), last / (double) samples.size(),
        spikes / (double) samples.size()};
  }
}
