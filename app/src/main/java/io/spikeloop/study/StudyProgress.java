package io.spikeloop.study;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.spikeloop.metrics.Eta;
import java.util.Locale;

/**
 * The live state of a study: runs planned, finished, failed, running now and attempts lost (a
 * distributed run whose executor died, run again), the elapsed time and the ETA (the runs left
 * at the mean wall time per finished run, so with N runs at once it counts in N-run rounds).
 * Thread-safe: schedulers report from their own threads. {@link #bind} publishes the same numbers
 * as Micrometer gauges ({@code spikeloop_study_runs_done} and the rest, docs/studies.md).
 */
public final class StudyProgress {
  private final int planned;
  private final long startNanos = System.nanoTime();
  private int done;
  private int failed;
  private int running;
  private int lost;

  public StudyProgress(int planned) {
    this.planned = planned;
  }

  public synchronized void started() {
    running++;
  }

  /** A run ended for good (with a result or an error). */
  public synchronized void finished(boolean ok) {
    done++;
    if (!ok) {
      failed++;
    }
    running = Math.max(0, running - 1);
  }

  /** An attempt was lost with its executor; the run is pending again. */
  public synchronized void lost() {
    lost++;
    running = Math.max(0, running - 1);
  }

  public int planned() {
    return planned;
  }

  public synchronized int done() {
    return done;
  }

  public synchronized int failed() {
    return failed;
  }

  public synchronized int running() {
    return running;
  }

  public synchronized int lostAttempts() {
    return lost;
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Seconds left; NaN until a run has finished. */
  public synchronized double etaSeconds() {
    return Eta.remainingSeconds(elapsedSeconds(), done, planned);
  }

  /** {@code 5/12 done (1 failed), 2 running; 1 min 10 s elapsed, ETA 2 min 05 s}. */
  public synchronized String line() {
    return String.format(Locale.ROOT, "%d/%d done (%d failed), %d running%s; %s elapsed, ETA %s",
        done, planned, failed, running, lost == 0 ? "" : ", " + lost + " lost and retried",
        Eta.duration(elapsedSeconds()), Eta.duration(etaSeconds()));
  }

  /** Registers the gauges, labelled {@code study=<name>}, in {@code registry}. */
  public void bind(MeterRegistry registry, String study) {
    gauge(registry, "spikeloop.study.runs.planned", "runs in the study", study,
        p -> p.planned);
    gauge(registry, "spikeloop.study.runs.done", "runs finished, failed ones included", study,
        StudyProgress::done);
    gauge(registry, "spikeloop.study.runs.failed", "runs that ended with an error", study,
        StudyProgress::failed);
    gauge(registry, "spikeloop.study.runs.running", "runs in progress now", study,
        StudyProgress::running);
    gauge(registry, "spikeloop.study.attempts.lost", "attempts lost with their executor and "
        + "run again", study, StudyProgress::lostAttempts);
    Gauge.builder("spikeloop.study.eta.seconds", this, StudyProgress::etaSeconds)
        .description("estimated seconds until the study ends (NaN before the first run ends)")
        .tag("study", study).register(registry);
    Gauge.builder("spikeloop.study.elapsed.seconds", this, StudyProgress::elapsedSeconds)
        .description("seconds since the study started").tag("study", study).register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, String study,
                     java.util.function.ToIntFunction<StudyProgress> value) {
    Gauge.builder(name, this, p -> value.applyAsInt(p)).description(description)
        .tag("study", study).register(registry);
  }
}
