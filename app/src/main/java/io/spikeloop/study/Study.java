package io.spikeloop.study;

import io.micrometer.core.instrument.MeterRegistry;
import io.spikeloop.metrics.Eta;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A study from plan to files: validates the plan against train's options, runs the grid, and
 * writes into {@code out}: {@code runs/} (one run folder per configuration and seed), {@code
 * results.csv} (rewritten after every finished run, so an interrupted study keeps what it has),
 * {@code results.md} and the plots.
 */
public final class Study {
  /** A line on the console at least this often while no run finishes. */
  private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final StudyPlan plan;
  private final String title;

  public Study(StudyPlan plan, String title) {
    this.plan = plan;
    this.title = title;
  }

  /** What a finished study produced. */
  public record Result(List<RunOutcome> runs, List<StudyConfig> configs, Path csv, Path markdown,
                       List<Path> plots) {
    public long failures() {
      return runs.stream().filter(r -> !r.ok()).count();
    }
  }

  /** Runs the grid in {@code parallel} threads of this JVM ({@link StudyRunner}). */
  public Result run(Path out, TrainLauncher launcher, int parallel, boolean reports,
                    PrintWriter log) throws IOException, InterruptedException {
    return run(out, new StudyRunner(launcher, parallel), reports, log, null);
  }

  /**
   * Runs the grid on {@code scheduler}; with a {@code registry}, the study's progress is
   * published there as gauges ({@link StudyProgress#bind}) while it runs.
   */
  public Result run(Path out, StudyScheduler scheduler, boolean reports, PrintWriter log,
                    MeterRegistry registry) throws IOException, InterruptedException {
    plan.validate();
    List<StudyConfig> configs = plan.configurations();
    Path runsDir = out.resolve("runs");
    if (Files.isDirectory(runsDir)) {
      try (var existing = Files.list(runsDir)) {
        if (existing.findAny().isPresent()) {
          // one folder, one study: its runs would refuse their folders one by one anyway
          throw new IllegalArgumentException(out + " already holds a study (" + runsDir
              + " is not empty); choose a new --out");
        }
      }
    }
    Files.createDirectories(runsDir);
    StudyGrid grid = new StudyGrid(plan.dataset(), configs, plan.seeds(), runsDir, reports);
    int total = grid.size();
    log.printf(Locale.ROOT, "study: %d configurations x %d seeds = %d runs, %s, into %s%n",
        configs.size(), plan.seeds().size(), total, scheduler.describe(), out);
    log.flush();
    Path csv = out.resolve("results.csv");
    List<RunOutcome> done = new ArrayList<>();
    StudyProgress progress = new StudyProgress(total);
    if (registry != null) {
      progress.bind(registry, out.toAbsolutePath().normalize().getFileName().toString());
    }
    AtomicLong lastLine = new AtomicLong(System.nanoTime());
    ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "spikeloop-study-progress");
      t.setDaemon(true);
      return t;
    });
    // A long run prints nothing for minutes: say where the study stands when it has been quiet.
    heartbeat.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastLine.get() >= HEARTBEAT_NANOS) {
        synchronized (log) {
          log.println("study: " + progress.line());
          log.flush();
        }
        lastLine.set(System.nanoTime());
      }
    }, HEARTBEAT_NANOS, HEARTBEAT_NANOS / 6, TimeUnit.NANOSECONDS);
    List<RunOutcome> runs;
    try {
      runs = scheduler.run(grid, new StudyEvents() {
        @Override
        public void started(StudyConfig config, long seed, String where) {
          progress.started();
        }

        @Override
        public void lost(StudyConfig config, long seed, String reason) {
          progress.lost();
          synchronized (log) {
            log.printf(Locale.ROOT, "%s, seed %d: attempt lost (%s); it runs again%n",
                config.label(), seed, reason);
            log.flush();
          }
        }

        @Override
        public void finished(RunOutcome outcome) {
          progress.finished(outcome.ok());
          done.add(outcome);
          synchronized (log) {
            log.printf(Locale.ROOT, "[%d/%d] %s, seed %d: %s (%.1f s); study %s elapsed, "
                    + "ETA %s%s%n", done.size(), total, outcome.config().label(), outcome.seed(),
                outcome.ok() ? String.format(Locale.ROOT, "best test accuracy %.2f%%",
                    100 * outcome.number("bestTestAccuracy")) : "FAILED: " + outcome.error(),
                outcome.seconds(), Eta.duration(progress.elapsedSeconds()),
                Eta.duration(progress.etaSeconds()), progress.running() > 0
                    ? ", " + progress.running() + " running" : "");
            log.flush();
          }
          lastLine.set(System.nanoTime());
          try {
            StudyResults.writeCsv(csv, plan.sweeps(), done);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
    } finally {
      heartbeat.shutdownNow();
    }
    StudyResults.writeCsv(csv, plan.sweeps(), runs);
    Path md = out.resolve("results.md");
    StudyResults.writeMarkdown(md, title, plan.sweeps(), runs, plan.extraArgs());
    List<Path> plots = StudyPlots.write(out, plan, runs);
    return new Result(runs, configs, csv, md, plots);
  }
}
