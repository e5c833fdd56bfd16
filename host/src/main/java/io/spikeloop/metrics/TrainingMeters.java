package io.spikeloop.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.spikeloop.train.EpochMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The meters of one training run (Prometheus names in brackets):
 * <ul>
 *   <li>per batch: samples trained [{@code spikeloop_train_samples_total}], batch time
 *   [{@code spikeloop_train_batch_seconds}], the batch's mean loss [{@code
 *   spikeloop_train_loss}] and online accuracy [{@code spikeloop_train_batch_accuracy}],
 *   throughput over the epoch so far [{@code spikeloop_train_samples_per_second}];</li>
 *   <li>per epoch: epoch [{@code spikeloop_train_epoch}], test accuracy [{@code
 *   spikeloop_test_accuracy}], online training accuracy [{@code
 *   spikeloop_train_online_accuracy}], hidden spikes and SOPs per test sample [{@code
 *   spikeloop_test_spikes_per_sample}, {@code spikeloop_test_sops_per_sample}];</li>
 *   <li>for device placements, per batch: core cycles, energy and learning-engine cycles per
 *   trained sample so far [{@code spikeloop_device_cycles_per_sample}, {@code
 *   spikeloop_device_joules_per_sample}, {@code spikeloop_device_learning_cycles_per_sample}]
 *   (device call latency comes from the remote client's own meters). They are registered with
 *   the first device cost, so a host-float run has none (rather than gauges stuck at NaN).</li>
 * </ul>
 * Accuracies are fractions in [0, 1]. The other gauges read NaN until their first value.
 */
public final class TrainingMeters {
  private final Counter samples;
  private final Timer batchTimer;
  private final DoubleHolder loss = new DoubleHolder();
  private final DoubleHolder batchAccuracy = new DoubleHolder();
  private final DoubleHolder samplesPerSecond = new DoubleHolder();
  private final DoubleHolder epoch = new DoubleHolder();
  private final DoubleHolder testAccuracy = new DoubleHolder();
  private final DoubleHolder onlineAccuracy = new DoubleHolder();
  private final DoubleHolder spikes = new DoubleHolder();
  private final DoubleHolder sops = new DoubleHolder();
  private final DoubleHolder deviceCycles = new DoubleHolder();
  private final DoubleHolder deviceJoules = new DoubleHolder();
  private final DoubleHolder learningCycles = new DoubleHolder();
  private final AtomicLong epochSamples = new AtomicLong();
  private final DoubleAdder epochSeconds = new DoubleAdder();
  private final MeterRegistry registry;
  private boolean deviceGauges;

  public TrainingMeters(MeterRegistry registry) {
    this.registry = registry;
    samples = Counter.builder("spikeloop.train.samples").description("training samples seen")
        .register(registry);
    batchTimer = Timer.builder("spikeloop.train.batch").description("time to train one batch")
        .register(registry);
    gauge(registry, "spikeloop.train.loss", "mean per-step loss of the last batch", loss);
    gauge(registry, "spikeloop.train.batch.accuracy", "online accuracy of the last batch",
        batchAccuracy);
    gauge(registry, "spikeloop.train.samples.per.second",
        "training throughput over the epoch so far", samplesPerSecond);
    gauge(registry, "spikeloop.train.epoch", "epochs completed", epoch);
    gauge(registry, "spikeloop.test.accuracy", "test accuracy after the last epoch",
        testAccuracy);
    gauge(registry, "spikeloop.train.online.accuracy",
        "online training accuracy of the last epoch", onlineAccuracy);
    gauge(registry, "spikeloop.test.spikes.per.sample", "hidden spikes per test sample", spikes);
    gauge(registry, "spikeloop.test.sops.per.sample", "synaptic operations per test sample",
        sops);
  }

  private static void gauge(MeterRegistry registry, String name, String help, DoubleHolder h) {
    Gauge.builder(name, h, DoubleHolder::get).description(help).register(registry);
  }

  /** One trained batch of {@code size} samples, {@code correct} predicted right. */
  public void batch(int size, int correct, double meanLoss, long nanos) {
    samples.increment(size);
    batchTimer.record(Duration.ofNanos(nanos));
    loss.set(meanLoss);
    batchAccuracy.set(correct / (double) size);
    long n = epochSamples.addAndGet(size);
    epochSeconds.add(nanos / 1e9);
    samplesPerSecond.set(n / epochSeconds.sum());
  }

  /**
   * The device's training cost per sample so far, as a device placement accounts it. Called from
   * the training thread (once per batch).
   */
  public void deviceCost(double cyclesPerSample, double joulesPerSample,
                         double learningCyclesPerSample) {
    if (!deviceGauges) {
      deviceGauges = true;
      gauge(registry, "spikeloop.device.cycles.per.sample",
          "core cycles per trained sample so far (device placements)", deviceCycles);
      gauge(registry, "spikeloop.device.joules.per.sample",
          "core energy per trained sample so far (device placements)", deviceJoules);
      gauge(registry, "spikeloop.device.learning.cycles.per.sample",
          "learning engine's cycles per trained sample so far (on-chip)", learningCycles);
    }
    deviceCycles.set(cyclesPerSample);
    deviceJoules.set(joulesPerSample);
    learningCycles.set(learningCyclesPerSample);
  }

  /** An epoch finished (training and its test evaluation). */
  public void epoch(EpochMetrics m) {
    epoch.set(m.epoch());
    testAccuracy.set(m.testAccuracy());
    onlineAccuracy.set(m.onlineTrainAccuracy());
    spikes.set(m.spikesPerSample());
    sops.set(m.sopsPerSample());
    samplesPerSecond.set(m.trainSamplesPerSecond());
    epochSamples.set(0);
    epochSeconds.reset();
  }

  /** A double a gauge can read from another thread. */
  private static final class DoubleHolder {
    private volatile double value = Double.NaN;

    double get() {
      return value;
    }

    void set(double v) {
      value = v;
    }
  }
}
