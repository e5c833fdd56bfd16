package io.spikeloop.study;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikeloop.report.RunReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs every configuration of a study once per seed on a pool of {@code parallel} threads (one
 * training per thread; trainers are single-threaded). Each run writes its own folder {@code
 * runsDir/<config id>-seed<S>}. A run that throws is recorded with its error and the others go
 * on; {@code events} hear about each run as it starts and finishes (one call at a time).
 */
public final class StudyRunner implements StudyScheduler {
  private final TrainLauncher launcher;
  private final int parallel;

  public StudyRunner(TrainLauncher launcher, int parallel) {
    if (parallel < 1) {
      throw new IllegalArgumentException("--parallel must be >= 1, got " + parallel);
    }
    this.launcher = launcher;
    this.parallel = parallel;
  }

  /** At most the cores the JVM may use, at least 1. */
  public static int boundedByCores(int requested) {
    return Math.max(1, Math.min(requested, Runtime.getRuntime().availableProcessors()));
  }

  @Override
  public String describe() {
    return parallel + " in parallel in this JVM";
  }

  /** All runs, in plan order (configuration, then seed). */
  public List<RunOutcome> run(String dataset, List<StudyConfig> configs, List<Long> seeds,
                              Path runsDir, boolean reports, Consumer<RunOutcome> onDone)
      throws InterruptedException {
    return run(new StudyGrid(dataset, configs, seeds, runsDir, reports), onDone::accept);
  }

  @Override
  public List<RunOutcome> run(StudyGrid grid, StudyEvents events) throws InterruptedException {
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "spikeloop-study-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<RunOutcome>> futures = new ArrayList<>();
      for (StudyConfig config : grid.configs()) {
        for (long seed : grid.seeds()) {
          futures.add(pool.submit(() -> {
            synchronized (events) {
              events.started(config, seed, Thread.currentThread().getName());
            }
            RunOutcome outcome = runOne(grid.dataset(), config, seed, grid.runDir(config, seed),
                grid.reports());
            synchronized (events) {
              events.finished(outcome);
            }
            return outcome;
          }));
        }
      }
      List<RunOutcome> outcomes = new ArrayList<>();
      for (Future<RunOutcome> f : futures) {
        try {
          outcomes.add(f.get());
        } catch (ExecutionException e) {
          // runOne catches everything a run throws; reaching here is a bug in onDone.
          throw new IllegalStateException("study bookkeeping failed: " + e.getCause(), e);
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private RunOutcome runOne(String dataset, StudyConfig config, long seed, Path runDir,
                            boolean reports) {
    long start = System.nanoTime();
    try {
      JsonNode result = launcher.train(config.trainOptions(dataset, seed, runDir));
      if (reports) {
        writeReport(runDir);
      }
      return new RunOutcome(config, seed, runDir, result, null, (System.nanoTime() - start) / 1e9);
    } catch (Exception | StackOverflowError e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new RunOutcome(config, seed, runDir, null, message,
          (System.nanoTime() - start) / 1e9);
    }
  }

  /** The report is a view of a finished run folder: one that cannot be drawn loses nothing. */
  public static void writeReport(Path runDir) {
    try {
      RunReport.write(runDir);
    } catch (IOException | RuntimeException e) {
      // the run folder is complete; ./spikeloop report --run DIR draws it again
    }
  }
}
