package io.spikeloop.study.spark;

import io.spikeloop.run.TrainOptions;
import io.spikeloop.run.TrainRun;
import io.spikeloop.study.StudyRunner;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * The body of a Spark task: one {@link TrainRun} in the executor's JVM, silent, into a staging
 * folder of its own ({@link RunFolders#staging}) so that an attempt lost with its executor can
 * never mix files with the attempt that replaces it. A run that throws comes back as a row with
 * its error (the task itself succeeds, so Spark does not retry a bad configuration); only a lost
 * executor makes Spark run the task again.
 */
public final class TrainTask implements Function<RunTask, RunRow> {
  private static final long serialVersionUID = 1L;

  @Override
  public RunRow call(RunTask task) throws Exception {
    TaskContext context = TaskContext.get();
    String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
    String host = hostName();
    int attempt = context == null ? 0 : context.attemptNumber();
    long attemptId = context == null ? 0 : context.taskAttemptId();
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    String board = null;
    Path staging = RunFolders.staging(task, attemptId);
    String summary = null;
    String error = null;
    try {
      List<String> args = new ArrayList<>(task.trainArgs());
      if (task.needsBoard()) {
        board = BoardResource.assigned(context);
        args.add("--device");
        args.add(board);
      }
      TrainOptions options = TrainOptions.fromArgs(args).toBuilder().out(staging).build();
      summary = TrainRun.run(options, TrainRun.SILENT).summary().toString();
      if (task.reports()) {
        StudyRunner.writeReport(staging);
      }
    } catch (Exception | StackOverflowError e) {
      error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    byte[] zip = null;
    if (task.copyBack()) {
      zip = Files.isDirectory(staging) ? RunFolders.zip(staging) : null;
      RunFolders.deleteTree(staging.getParent());
    } else if (Files.isDirectory(staging)) {
      RunFolders.publishShared(staging, Path.of(task.runsDir()).resolve(task.name()));
    }
    return new RunRow(task.index(), summary, error, seconds, executor, host, attempt, board,
        startMillis, System.currentTimeMillis(), zip);
  }

  /** For the results table only: a host without a resolvable name still runs its tasks. */
  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }
}
