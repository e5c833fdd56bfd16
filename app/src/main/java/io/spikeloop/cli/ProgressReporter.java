package io.spikeloop.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a batch of {@code total} items: a progress bar on a terminal, otherwise a plain line
 * about every 10% (so logs stay readable). Thread-safe.
 */
final class ProgressReporter implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintStream plain;
  private final String task;
  private final int total;
  private int lastPrinted = -1;

  ProgressReporter(String task, int total, PrintStream err) {
    this.task = task;
    this.total = total;
    if (System.console() != null) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build();
      plain = null;
    } else {
      bar = null;
      plain = err;
    }
  }

  /** Reports that {@code done} items are finished. */
  synchronized void done(int done) {
    if (bar != null) {
      bar.stepTo(done);
      return;
    }
    int decile = done * 10 / Math.max(total, 1);
    if (decile != lastPrinted || done == total) {
      if (decile != lastPrinted) {
        plain.println(task + ": " + done + "/" + total);
      }
      lastPrinted = decile;
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
