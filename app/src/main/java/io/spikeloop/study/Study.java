package io.spikeloop.study;

import io.spikeloop.metrics.Eta;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A study from plan to files: validates the plan against train's options, runs the grid, and
 * writes into {@code out}: {@code runs/} (one run folder per configuration and seed), {@code
 * results.csv} (rewritten after every finished run, so an interrupted study keeps what it has),
 * {@code results.md} and the plots.
 */
public final class Study {
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

  public Result run(Path out, TrainLauncher launcher, int parallel, boolean reports,
                    PrintWriter log) throws IOException, InterruptedException {
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
    int total = configs.size() * plan.seeds().size();
    log.printf(Locale.ROOT, "study: %d configurations x %d seeds = %d runs, %d in parallel, "
        + "into %s%n", configs.size(), plan.seeds().size(), total, parallel, out);
    log.flush();
    Path csv = out.resolve("results.csv");
    List<RunOutcome> done = new ArrayList<>();
    long start = System.nanoTime();
    List<RunOutcome> runs = new StudyRunner(launcher, parallel).run(plan.dataset(), configs,
        plan.seeds(), out.resolve("runs"), reports, outcome -> {
          done.add(outcome);
          double elapsed = (System.nanoTime() - start) / 1e9;
          log.printf(Locale.ROOT, "[%d/%d] %s, seed %d: %s (%.1f s); study %s elapsed, ETA %s%n",
              done.size(), total, outcome.config().label(), outcome.seed(), outcome.ok()
                  ? String.format(Locale.ROOT, "best test accuracy %.2f%%",
                      100 * outcome.number("bestTestAccuracy"))
                  : "FAILED: " + outcome.error(), outcome.seconds(), Eta.duration(elapsed),
              Eta.duration(Eta.remainingSeconds(elapsed, done.size(), total)));
          log.flush();
          try {
            StudyResults.writeCsv(csv, plan.sweeps(), done);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    StudyResults.writeCsv(csv, plan.sweeps(), runs);
    Path md = out.resolve("results.md");
    StudyResults.writeMarkdown(md, title, plan.sweeps(), runs, plan.extraArgs());
    List<Path> plots = StudyPlots.write(out, plan, runs);
    return new Result(runs, configs, csv, md, plots);
  }
}
