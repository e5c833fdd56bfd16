package io.spikeloop.train;

import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.SpikeSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Epochs of training with a test evaluation after each: the training set is shuffled per epoch
 * (seeded), cut into batches, and handed to the trainer; a {@link Listener} hears about progress
 * (the command line draws its progress bar and writes its run folder from it).
 */
public final class TrainingLoop {

  /** Epochs, batch size, shuffling seed and readout. */
  public record Settings(int epochs, int batch, long seed, Readout readout) {
    public Settings {
      if (epochs < 1 || batch < 1) {
        throw new IllegalArgumentException("epochs and batch must be >= 1, got epochs=" + epochs
            + " batch=" + batch);
      }
    }
  }

  /** Hears about progress; the default methods do nothing. */
  public interface Listener {
    default void batchDone(int epoch, int samplesDone, int samplesPerEpoch) {}

    default void evaluating(int epoch) {}

    default void epochDone(EpochMetrics metrics) {}
  }

  /** All epochs; best and last test accuracy; online training accuracy of the last epoch. */
  public record Result(List<EpochMetrics> epochs, double bestTestAccuracy,
                       double lastTestAccuracy, double onlineTrainAccuracy,
                       double trainSamplesPerSecond) {}

  private TrainingLoop() {}

  public static Result run(SnnTrainer trainer, DatasetSplit data, Settings settings,
                           Listener listener) {
    SplittableRandom random = new SplittableRandom(settings.seed());
    int n = data.train().size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    List<EpochMetrics> epochs = new ArrayList<>();
    double best = 0;
    long trainedSamples = 0;
    long trainNanos = 0;
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      long start = System.nanoTime();
      double lossSum = 0;
      long correct = 0;
      int batches = 0;
      for (int from = 0; from < n; from += settings.batch()) {
        List<SpikeSample> batch = new ArrayList<>();
        for (int i = from; i < Math.min(n, from + settings.batch()); i++) {
          batch.add(data.train().sample(order[i]));
        }
        SnnTrainer.BatchResult r = trainer.train(batch);
        lossSum += r.meanLoss();
        batches++;
        for (int b = 0; b < batch.size(); b++) {
          if (r.predictions()[b] == batch.get(b).label()) {
            correct++;
          }
        }
        listener.batchDone(epoch, Math.min(n, from + settings.batch()), n);
      }
      long nanos = System.nanoTime() - start;
      trainNanos += nanos;
      trainedSamples += n;
      listener.evaluating(epoch);
      Evaluation eval = Evaluation.of(trainer, data.test(), settings.readout(), settings.batch());
      EpochMetrics m = new EpochMetrics(epoch, lossSum / batches, correct / (double) n,
          eval.accuracy(), eval.spikesPerSample(), eval.sopsPerSample(), n / (nanos / 1e9),
          nanos / 1e9);
      best = Math.max(best, m.testAccuracy());
      epochs.add(m);
      listener.epochDone(m);
    }
    EpochMetrics last = epochs.get(epochs.size() - 1);
    return new Result(List.copyOf(epochs), best, last.testAccuracy(), last.onlineTrainAccuracy(),
        trainedSamples / (trainNanos / 1e9));
  }
}
