package io.spikeloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.metrics.Eta;
import io.spikeloop.train.EpochMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress off a terminal: rate-limited plain lines on stderr with the epoch's and run's ETA. */
class TrainProgressTest {
  private long now;

  @Test
  void plainLinesAreRateLimitedAndCarryTheRunEta() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    TrainProgress p = new TrainProgress(new PrintWriter(out), new PrintWriter(err), 3, false,
        false, false, 10, () -> now);
    // epoch 1: 1000 samples at 10 samples/s, a batch of 10 every second
    for (int done = 0; done <= 1000; done += 10) {
      now = done * 100_000_000L;
      p.batch(1, done, 1000);
    }
    List<String> lines = err.toString().lines().toList();
    assertEquals(9, lines.size(), "one line per 10 s of a 100 s epoch, none at its end: " + lines);
    assertEquals("train: epoch 1/3, 500/1000 samples (50%), 10.0 samples/s; ETA epoch 50 s, "
        + "run 4 min 10 s", lines.get(4));
    now += 20_000_000_000L; // the test set takes 20 s: the epoch took 120 s in all
    p.epoch(new EpochMetrics(1, 1.5, 0.4, 0.5, 100, 1000, 10, 100));
    assertTrue(out.toString().contains("test accuracy 50.00%") && out.toString()
        .contains("run ETA 4 min 00 s"), out.toString());
    // epoch 2 goes at the same speed: after 50 s, 50 s left in it and 120 s for epoch 3
    err.getBuffer().setLength(0);
    long start = now;
    for (int done = 0; done <= 500; done += 10) {
      now = start + done * 100_000_000L;
      p.batch(2, done, 1000);
    }
    lines = err.toString().lines().toList();
    assertEquals("train: epoch 2/3, 500/1000 samples (50%), 10.0 samples/s; ETA epoch 50 s, "
        + "run 2 min 50 s", lines.get(lines.size() - 1));
  }

  @Test
  void noProgressAndJsonKeepOutputClean() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    TrainProgress p = new TrainProgress(new PrintWriter(out), new PrintWriter(err), 1, false,
        true, true, 0, () -> now);
    for (int done = 0; done <= 100; done += 10) {
      now += 1_000_000_000L;
      p.batch(1, done, 100);
    }
    p.epoch(new EpochMetrics(1, 1, 0.5, 0.5, 1, 1, 1, 1));
    assertEquals("", err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    assertEquals("45 s", Eta.duration(45.2));
    assertEquals("3 min 05 s", Eta.duration(185));
    assertEquals("4 h 24 min", Eta.duration(4.4 * 3600));
    assertEquals("unknown", Eta.duration(Eta.remainingSeconds(3, 0, 10)));
    assertEquals(60, Eta.remainingSeconds(20, 1, 4));
  }
}
