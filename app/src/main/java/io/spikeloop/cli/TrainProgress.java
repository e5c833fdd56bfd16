package io.spikeloop.cli;

import io.spikeloop.metrics.Eta;
import io.spikeloop.train.EpochMetrics;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a training run. On a terminal: a progress bar per epoch (with the epoch's ETA) whose
 * title carries the whole run's ETA. Off a terminal (a log, a pipe, CI): a plain line on standard
 * error at most every {@link #PLAIN_INTERVAL_SECONDS} seconds, with samples done, speed, and the
 * ETA of the epoch and of the run; lines never interleave with standard output's results. The
 * run's ETA counts the epochs left at the mean wall time of the epochs finished in this process
 * (test evaluation included), or at the current speed before the first one finishes. After each
 * epoch one result line goes to standard output (unless {@code --json}).
 */
final class TrainProgress {
  static final double PLAIN_INTERVAL_SECONDS = 10;

  private final PrintWriter stdout;
  private final PrintWriter stderr;
  private final int epochs;
  private final boolean terminal;
  private final boolean quiet;
  private final boolean json;
  private final double plainIntervalSeconds;
  private final LongSupplier nanoClock;
  private ProgressBar bar;
  private long epochStart = -1;
  private long lastLine;
  private int epochsFinished;
  private double epochSecondsSum;

  TrainProgress(PrintWriter stdout, PrintWriter stderr, int epochs, boolean terminal,
                boolean quiet, boolean json) {
    this(stdout, stderr, epochs, terminal, quiet, json, PLAIN_INTERVAL_SECONDS, System::nanoTime);
  }

  /** With the plain-line interval and the clock given (tests). */
  TrainProgress(PrintWriter stdout, PrintWriter stderr, int epochs, boolean terminal,
                boolean quiet, boolean json, double plainIntervalSeconds,
                LongSupplier nanoClock) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.epochs = epochs;
    this.terminal = terminal;
    this.quiet = quiet;
    this.json = json;
    this.plainIntervalSeconds = plainIntervalSeconds;
    this.nanoClock = nanoClock;
  }

  /** {@code done} of the epoch's {@code total} training samples are trained. */
  void batch(int epoch, int done, int total) {
    long now = nanoClock.getAsLong();
    if (epochStart < 0) {
      epochStart = now;
      lastLine = now;
    }
    if (quiet) {
      return;
    }
    double elapsed = (now - epochStart) / 1e9;
    double epochLeft = Eta.remainingSeconds(elapsed, done, total);
    if (terminal) {
      if (bar == null) {
        bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d%s",
                epoch, epochs, epochsFinished == 0 ? "" : ", run ETA "
                    + Eta.duration(runLeft(epoch, epochLeft))))
            .setInitialMax(total).setStyle(ProgressBarStyle.ASCII).setUnit(" samples", 1)
            .showSpeed().build();
      }
      bar.stepTo(done);
      return;
    }
    if ((now - lastLine) / 1e9 >= plainIntervalSeconds && done < total) {
      lastLine = now;
      stderr.printf(Locale.ROOT, "train: epoch %d/%d, %d/%d samples (%.0f%%), %.1f samples/s; "
              + "ETA epoch %s, run %s%n", epoch, epochs, done, total, 100.0 * done / total,
          done / Math.max(elapsed, 1e-9), Eta.duration(epochLeft),
          Eta.duration(runLeft(epoch, epochLeft)));
      stderr.flush();
    }
  }

  /** Seconds left in the run: this epoch's rest plus the epochs after it. */
  private double runLeft(int epoch, double epochLeft) {
    double perEpoch = epochsFinished > 0 ? epochSecondsSum / epochsFinished
        : (nanoClock.getAsLong() - epochStart) / 1e9 + epochLeft;
    return epochLeft + perEpoch * Math.max(0, epochs - epoch);
  }

  /** The epoch is finished and evaluated. */
  void epoch(EpochMetrics m) {
    close();
    long now = nanoClock.getAsLong();
    if (epochStart >= 0) {
      epochsFinished++;
      epochSecondsSum += (now - epochStart) / 1e9;
    }
    epochStart = -1;
    if (!json) {
      String eta = epochsFinished == 0 || m.epoch() >= epochs ? "" : "; run ETA "
          + Eta.duration(epochSecondsSum / epochsFinished * (epochs - m.epoch()));
      stdout.printf(Locale.ROOT, "epoch %d/%d: loss %.4f, online train accuracy %.2f%%, test "
              + "accuracy %.2f%%, %.0f spikes and %.0f SOPs per sample, %.1f samples/s%s%n",
          m.epoch(), epochs, m.trainLoss(), 100 * m.onlineTrainAccuracy(),
          100 * m.testAccuracy(), m.spikesPerSample(), m.sopsPerSample(),
          m.trainSamplesPerSecond(), eta);
      stdout.flush();
    }
  }

  void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
