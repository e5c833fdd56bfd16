package io.spikeloop.train;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.SpikeSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Epochs of training with a test evaluation after each: the training set is shuffled per epoch
 * (seeded), cut into batches, and handed to the trainer; a {@link Listener} hears about progress
 * (the command line draws its progress bar and writes its run folder and checkpoints from it).
 *
 * <p>The shuffle is one {@link SplittableRandom} seeded once and drawing {@code n - 1} numbers per
 * epoch into an order array that carries over between epochs. A {@link Position} records where
 * the loop is; {@link #run(SnnTrainer, DatasetSplit, Settings, Listener, Position)} resumes from
 * one by replaying the shuffles up to it (cheap, and checked against the saved order), so a
 * resumed run sees exactly the batches an uninterrupted one would.
 */
public final class TrainingLoop {

  /**
   * Epochs, batch size, shuffling seed, readout, the augmentation of the training samples
   * ({@link Augmentation}, drawn from (seed, epoch, position in the epoch) so that a resumed run
   * augments exactly as an uninterrupted one) and the learning-rate schedule, handed to the
   * trainer at the start of every epoch.
   */
  public record Settings(int epochs, int batch, long seed, Readout readout,
                         Augmentation augmentation, LearningRateSchedule schedule) {
    public Settings {
      if (epochs < 1 || batch < 1) {
        throw new IllegalArgumentException("epochs and batch must be >= 1, got epochs=" + epochs
            + " batch=" + batch);
      }
      java.util.Objects.requireNonNull(augmentation, "augmentation");
      java.util.Objects.requireNonNull(schedule, "schedule");
    }

    /** With a constant learning rate. */
    public Settings(int epochs, int batch, long seed, Readout readout,
                    Augmentation augmentation) {
      this(epochs, batch, seed, readout, augmentation, LearningRateSchedule.CONSTANT);
    }

    /** Without augmentation. */
    public Settings(int epochs, int batch, long seed, Readout readout) {
      this(epochs, batch, seed, readout, Augmentation.NONE);
    }

    /** With the time shift of up to {@code maxShift} steps as the only augmentation. */
    public Settings(int epochs, int batch, long seed, Readout readout, int maxShift) {
      this(epochs, batch, seed, readout, Augmentation.timeShift(maxShift));
    }
  }

  /** Hears about progress; the default methods do nothing. */
  public interface Listener {
    default void batchDone(int epoch, int samplesDone, int samplesPerEpoch) {}

    default void evaluating(int epoch) {}

    default void epochDone(EpochMetrics metrics) {}

    /**
     * After every batch and after every epoch's evaluation: where a resumed run would continue.
     * The trainer's state at this moment belongs to this position.
     */
    default void positionReached(Position position) {}
  }

  /**
   * Where the loop stands between batches: the epoch under way (1-based) and the index of its
   * next sample in the shuffled order ({@code 0}: the epoch has not started and is not yet
   * shuffled), the order itself, the running sums of the epoch, and the epochs completed.
   */
  public record Position(int epoch, int nextSample, long batchesDone, int[] order,
                         double lossSum, long correct, int batches, long trainNanos,
                         long trainedSamples, List<EpochMetrics> completed) {
    public Position {
      if (epoch < 1 || nextSample < 0 || nextSample > order.length) {
        throw new IllegalArgumentException("bad loop position: epoch " + epoch + ", sample "
            + nextSample + " of " + order.length);
      }
      order = order.clone();
      completed = List.copyOf(completed);
    }

    /** Saves the position under {@code loop.*}. */
    public StateMap save() {
      StateMap s = new StateMap();
      s.putLongs("loop.counters", new long[] {epoch, nextSample, batchesDone, correct, batches,
          trainNanos, trainedSamples});
      s.putDouble("loop.lossSum", lossSum);
      s.putInts("loop.order", order);
      double[] metrics = new double[completed.size() * 8];
      for (int i = 0; i < completed.size(); i++) {
        EpochMetrics m = completed.get(i);
        System.arraycopy(new double[] {m.epoch(), m.trainLoss(), m.onlineTrainAccuracy(),
            m.testAccuracy(), m.spikesPerSample(), m.sopsPerSample(), m.trainSamplesPerSecond(),
            m.trainSeconds()}, 0, metrics, 8 * i, 8);
      }
      s.putDoubles("loop.epochs", metrics);
      return s;
    }

    public static Position load(StateMap s) {
      long[] c = s.longs("loop.counters", 7);
      double[] metrics = s.doubles("loop.epochs");
      if (metrics.length % 8 != 0) {
        throw new IllegalArgumentException("state entry loop.epochs holds " + metrics.length
            + " values, not a multiple of 8");
      }
      List<EpochMetrics> done = new ArrayList<>();
      for (int i = 0; i < metrics.length; i += 8) {
        done.add(new EpochMetrics((int) metrics[i], metrics[i + 1], metrics[i + 2],
            metrics[i + 3], metrics[i + 4], metrics[i + 5], metrics[i + 6], metrics[i + 7]));
      }
      return new Position(Math.toIntExact(c[0]), Math.toIntExact(c[1]), c[2], s.ints("loop.order"),
          s.getDouble("loop.lossSum"), c[3], Math.toIntExact(c[4]), c[5], c[6], done);
    }
  }

  /** All epochs; best and last test accuracy; online training accuracy of the last epoch. */
  public record Result(List<EpochMetrics> epochs, double bestTestAccuracy,
                       double lastTestAccuracy, double onlineTrainAccuracy,
                       double trainSamplesPerSecond) {
    /**
     * Mean test accuracy of the last five epochs (of all when fewer): unlike the best epoch, not
     * picked on the test set itself, and steadier than the last one.
     */
    public double lastFiveTestAccuracy() {
      return epochs.subList(Math.max(0, epochs.size() - 5), epochs.size()).stream()
          .mapToDouble(EpochMetrics::testAccuracy).average().orElse(0);
    }
  }

  private TrainingLoop() {}

  public static Result run(SnnTrainer trainer, DatasetSplit data, Settings settings,
                           Listener listener) {
    return run(trainer, data, settings, listener, null);
  }

  /**
   * Runs the epochs from {@code from} (null: from the start). The trainer must already hold the
   * state saved with that position.
   */
  public static Result run(SnnTrainer trainer, DatasetSplit data, Settings settings,
                           Listener listener, Position from) {
    int n = data.train().size();
    Augmentation.Applied augment = settings.augmentation().over(data.train());
    SplittableRandom random = new SplittableRandom(settings.seed());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int firstEpoch = 1;
    int startSample = 0;
    long batchesDone = 0;
    List<EpochMetrics> epochs = new ArrayList<>();
    double lossSum = 0;
    long correct = 0;
    int batches = 0;
    long trainedSamples = 0;
    long trainNanos = 0;
    if (from != null) {
      if (from.order().length != n) {
        throw new IllegalArgumentException("the checkpoint's data order covers "
            + from.order().length + " training samples, the dataset has " + n);
      }
      if (from.epoch() > settings.epochs()) {
        throw new IllegalArgumentException("the run already finished " + (from.epoch() - 1)
            + " epochs; ask for more (--epochs) to continue it");
      }
      // Replay the shuffles that happened before the position: the generator ends up where it was.
      int shuffles = from.nextSample() > 0 ? from.epoch() : from.epoch() - 1;
      for (int e = 0; e < shuffles; e++) {
        shuffle(order, random);
      }
      if (!Arrays.equals(order, from.order())) {
        throw new IllegalArgumentException("the checkpoint's data order does not follow from seed "
            + settings.seed() + " (another seed or dataset?)");
      }
      firstEpoch = from.epoch();
      startSample = from.nextSample();
      batchesDone = from.batchesDone();
      epochs.addAll(from.completed());
      if (startSample > 0) {
        lossSum = from.lossSum();
        correct = from.correct();
        batches = from.batches();
      }
      trainNanos = from.trainNanos();
      trainedSamples = from.trainedSamples();
    }
    for (int epoch = firstEpoch; epoch <= settings.epochs(); epoch++) {
      if (startSample == 0) {
        shuffle(order, random);
        lossSum = 0;
        correct = 0;
        batches = 0;
      }
      if (settings.schedule() != LearningRateSchedule.CONSTANT) {
        trainer.scaleLearningRate(settings.schedule().scale(epoch, settings.epochs()));
      }
      long start = System.nanoTime();
      long epochNanosBefore = trainNanos;
      for (int from2 = startSample; from2 < n; from2 += settings.batch()) {
        List<SpikeSample> batch = new ArrayList<>();
        for (int i = from2; i < Math.min(n, from2 + settings.batch()); i++) {
          batch.add(augment.sample(order[i], settings.seed(), epoch, i));
        }
        SnnTrainer.BatchResult r = trainer.train(batch);
        lossSum += r.meanLoss();
        batches++;
        batchesDone++;
        for (int b = 0; b < batch.size(); b++) {
          if (r.predictions(settings.readout())[b] == batch.get(b).label()) {
            correct++;
          }
        }
        int done = Math.min(n, from2 + settings.batch());
        listener.batchDone(epoch, done, n);
        if (done < n) {
          listener.positionReached(new Position(epoch, done, batchesDone, order, lossSum, correct,
              batches, trainNanos + System.nanoTime() - start, trainedSamples, epochs));
        }
      }
      startSample = 0;
      trainNanos += System.nanoTime() - start;
      long nanos = trainNanos - epochNanosBefore;
      trainedSamples += n;
      listener.evaluating(epoch);
      Evaluation eval = Evaluation.of(trainer, data.test(), settings.readout(), settings.batch());
      EpochMetrics m = new EpochMetrics(epoch, lossSum / batches, correct / (double) n,
          eval.accuracy(), eval.spikesPerSample(), eval.sopsPerSample(), n / (nanos / 1e9),
          nanos / 1e9);
      epochs.add(m);
      listener.epochDone(m);
      listener.positionReached(new Position(epoch + 1, 0, batchesDone, order, 0, 0, 0, trainNanos,
          trainedSamples, epochs));
    }
    double best = epochs.stream().mapToDouble(EpochMetrics::testAccuracy).max().orElse(0);
    EpochMetrics last = epochs.get(epochs.size() - 1);
    return new Result(List.copyOf(epochs), best, last.testAccuracy(), last.onlineTrainAccuracy(),
        trainedSamples / (trainNanos / 1e9));
  }

  /** Fisher-Yates over the whole order, {@code n - 1} draws. */
  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
