package io.spikeloop.study.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.run.TrainOptions;
import io.spikeloop.study.DistributedStudies;
import io.spikeloop.study.RunOutcome;
import io.spikeloop.study.StudyConfig;
import io.spikeloop.study.StudyEvents;
import io.spikeloop.study.StudyGrid;
import io.spikeloop.study.StudyScheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;

/**
 * A study on Spark: every run of the grid is one Spark job of one task ({@link TrainTask}), all
 * submitted at once, so Spark's scheduler spreads them over the executors' cores (and boards) and
 * each result reaches the driver the moment its task ends, in time for the study's per-run
 * line, its {@code results.csv} rewrite and its progress gauges. A task lost with its executor is
 * retried by Spark ({@code spark.task.maxFailures}); a run that throws is a row with an error.
 * Runs with a device placement take one {@code board} resource each when {@code boards} is set
 * (a task-level resource profile, so host-float runs of the same study hold no board).
 */
public final class SparkStudyScheduler implements StudyScheduler {
  /** Job property naming the run a job trains (read back by the listener). */
  private static final String RUN_PROPERTY = "spikeloop.study.run";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DistributedStudies.Options options;
  private final SparkSession spark;
  private final JavaSparkContext context;
  private final PrintWriter log;
  private volatile List<RunRow> lastRows = List.of();

  /** Starts a Spark session on {@code options.master()} (embedded for local[...]). */
  public SparkStudyScheduler(DistributedStudies.Options options, PrintWriter log) {
    this.options = options;
    this.log = log;
    SparkConf conf = new SparkConf().setMaster(options.master()).setAppName("spikeloop study")
        // Progress goes through the study's own lines and gauges; Spark's console bar and web UI
        // would only compete with them (set them back with --conf).
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.ui.enabled", "false");
    if (options.boards() && options.master().startsWith("local")) {
      throw new IllegalArgumentException("--boards needs a cluster: Spark's local mode does not "
          + "schedule custom resources such as boards; start one on this machine (the "
          + "study-spark/spark-cluster script) and use --master spark://127.0.0.1:PORT");
    }
    if (options.master().startsWith("local") || onLoopback(options.master())) {
      // Driver, master and workers all on this machine: keep every socket on loopback, and let
      // executors load classes from this JVM's class path (no Spark distribution is installed).
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
      if (!options.master().startsWith("local")) {
        conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"));
      }
    }
    if (options.boards()) {
      conf.set("spark.executor.resource." + BoardResource.NAME + ".amount", "1");
    }
    options.conf().forEach(conf::set);
    spark = SparkSession.builder().config(conf).getOrCreate();
    context = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  public SparkSession session() {
    return spark;
  }

  /** The rows of the last study, in plan order: where and when each run ran. */
  public List<RunRow> lastRows() {
    return lastRows;
  }

  @Override
  public String describe() {
    return "one Spark task per run on " + options.master() + (options.boards() ? ", boards as "
        + "the resource 'board'" : "") + (options.copyBack() ? ", folders copied back" : "");
  }

  @Override
  public List<RunOutcome> run(StudyGrid grid, StudyEvents events) throws InterruptedException {
    List<StudyConfig> configs = new ArrayList<>();
    List<Long> seeds = new ArrayList<>();
    List<RunTask> tasks = new ArrayList<>();
    for (StudyConfig config : grid.configs()) {
      for (long seed : grid.seeds()) {
        List<String> args = config.trainArgs(grid.dataset(), seed);
        tasks.add(new RunTask(tasks.size(), grid.runDir(config, seed).getFileName().toString(),
            args, options.boards() && needsBoard(args), grid.runsDir().toAbsolutePath()
                .toString(), options.copyBack(), grid.reports()));
        configs.add(config);
        seeds.add(seed);
      }
    }
    RunTracker tracker = new RunTracker(configs, seeds, events);
    context.sc().addSparkListener(tracker);
    ResourceProfile boardProfile = BoardResource.oneBoardPerTask();
    try {
      List<JavaFutureAction<List<RunRow>>> futures = new ArrayList<>();
      for (RunTask task : tasks) {
        context.setLocalProperty(RUN_PROPERTY, Integer.toString(task.index()));
        context.setJobDescription(task.name());
        JavaRDD<RunTask> one = context.parallelize(List.of(task), 1);
        if (task.needsBoard()) {
          one = one.withResources(boardProfile);
        }
        futures.add(one.map(new TrainTask()).collectAsync());
      }
      context.setLocalProperty(RUN_PROPERTY, null);
      RunRow[] rows = new RunRow[tasks.size()];
      RunOutcome[] outcomes = new RunOutcome[tasks.size()];
      // Results are taken as they come (any order), so each is reported when its run ends.
      Set<Integer> pending = new HashSet<>();
      for (int i = 0; i < tasks.size(); i++) {
        pending.add(i);
      }
      while (!pending.isEmpty()) {
        boolean progressed = false;
        for (Integer i : List.copyOf(pending)) {
          JavaFutureAction<List<RunRow>> f = futures.get(i);
          if (!f.isDone()) {
            continue;
          }
          pending.remove(i);
          progressed = true;
          rows[i] = row(f, tasks.get(i));
          outcomes[i] = outcome(rows[i], configs.get(i), seeds.get(i),
              grid.runDir(configs.get(i), seeds.get(i)));
          tracker.finished(i, outcomes[i]);
        }
        if (!progressed) {
          Thread.sleep(50);
        }
      }
      lastRows = List.of(rows);
      removeLostAttempts(grid.runsDir());
      StudyFrame.write(spark, grid, configs, seeds, lastRows, outcomesOf(outcomes), log);
      return outcomesOf(outcomes);
    } catch (InterruptedException e) {
      context.cancelAllJobs();
      throw e;
    } finally {
      context.sc().removeSparkListener(tracker);
    }
  }

  private static List<RunOutcome> outcomesOf(RunOutcome[] outcomes) {
    return List.of(outcomes);
  }

  /** The task's row; a job that failed for good (retries spent) becomes an error row. */
  private static RunRow row(JavaFutureAction<List<RunRow>> f, RunTask task)
      throws InterruptedException {
    try {
      return f.get().get(0);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String message = cause.getMessage() == null ? cause.getClass().getSimpleName()
          : cause.getMessage().lines().findFirst().orElse("");
      return new RunRow(task.index(), null, "Spark gave up on this run: " + message, 0, null,
          null, -1, null, 0, 0, null);
    }
  }

  /** Puts the run folder in place (copy-back) and makes the summary name it. */
  private RunOutcome outcome(RunRow row, StudyConfig config, long seed, Path runDir) {
    try {
      if (row.folderZip() != null) {
        RunFolders.unzip(row.folderZip(), runDir);
      }
      if (!row.ok()) {
        return new RunOutcome(config, seed, runDir, null, row.error(), row.seconds());
      }
      ObjectNode summary = (ObjectNode) JSON.readTree(row.summaryJson());
      return new RunOutcome(config, seed, runDir, RunFolders.relocate(summary, runDir), null,
          row.seconds());
    } catch (IOException | UncheckedIOException e) {
      return new RunOutcome(config, seed, runDir, null, "the run finished but its folder could "
          + "not be put in " + runDir + ": " + e.getMessage(), row.seconds());
    }
  }

  /** Staging folders left by attempts that died with their executor. */
  private static void removeLostAttempts(Path runsDir) {
    try {
      RunFolders.deleteTree(runsDir.resolve(RunFolders.ATTEMPTS));
    } catch (IOException e) {
      // only leftovers of lost attempts; the runs themselves are in place
    }
  }

  /** Whether {@code master} is a spark:// URL on this machine's loopback interface. */
  static boolean onLoopback(String master) {
    return master.startsWith("spark://127.") || master.startsWith("spark://localhost:");
  }

  /** Whether the run trains on a device (hil, near-chip, on-chip): it then takes a board. */
  static boolean needsBoard(List<String> trainArgs) {
    TrainOptions o;
    try {
      o = TrainOptions.fromArgs(trainArgs);
    } catch (IllegalArgumentException e) {
      return false; // the run fails with this message wherever it runs
    }
    if (o.placement().equals("host-float")) {
      return false;
    }
    if (trainArgs.contains("--device")) {
      throw new IllegalArgumentException("--boards gives each device run the board Spark "
          + "assigns; do not also set --device (it is set for " + String.join(" ", trainArgs)
          + ")");
    }
    return true;
  }

  @Override
  public void close() {
    spark.stop();
  }

  /**
   * Turns Spark's task events into the study's: a task starting is its run starting (on which
   * executor, with which board); a task ending other than successfully is an attempt lost, which
   * Spark runs again. Listener events arrive on Spark's bus, results on the driver's thread: a
   * run is reported started at most once, always before it is reported finished.
   */
  private static final class RunTracker extends SparkListener {
    private final List<StudyConfig> configs;
    private final List<Long> seeds;
    private final StudyEvents events;
    private final Map<Integer, Integer> runOfStage = new ConcurrentHashMap<>();
    private final Set<Integer> running = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();

    RunTracker(List<StudyConfig> configs, List<Long> seeds, StudyEvents events) {
      this.configs = configs;
      this.seeds = seeds;
      this.events = events;
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      String run = job.properties() == null ? null : job.properties().getProperty(RUN_PROPERTY);
      if (run == null) {
        return;
      }
      scala.collection.Iterator<StageInfo> stages = job.stageInfos().iterator();
      while (stages.hasNext()) {
        runOfStage.put(stages.next().stageId(), Integer.parseInt(run));
      }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      Integer run = runOfStage.get(start.stageId());
      if (run != null) {
        started(run, "executor " + start.taskInfo().executorId() + " on "
            + start.taskInfo().host());
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      Integer run = runOfStage.get(end.stageId());
      if (run == null || !(end.reason() instanceof TaskFailedReason failure)) {
        return;
      }
      synchronized (this) {
        if (!finished.contains(run) && running.remove(run)) {
          events.lost(configs.get(run), seeds.get(run), failure.toErrorString().lines()
              .findFirst().orElse("task failed"));
        }
      }
    }

    synchronized void started(int run, String where) {
      if (!finished.contains(run) && running.add(run)) {
        events.started(configs.get(run), seeds.get(run), where);
      }
    }

    synchronized void finished(int run, RunOutcome outcome) {
      started(run, "a Spark executor");
      running.remove(run);
      finished.add(run);
      events.finished(outcome);
    }
  }
}
