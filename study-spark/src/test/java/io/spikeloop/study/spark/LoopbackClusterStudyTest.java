package io.spikeloop.study.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.remote.DeviceServer;
import io.spikeloop.remote.ServerOptions;
import io.spikeloop.study.DistributedStudies;
import io.spikeloop.study.RunOutcome;
import io.spikeloop.study.StudyConfig;
import io.spikeloop.study.StudyEvents;
import io.spikeloop.study.StudyGrid;
import io.spikeloop.study.StudyPlan;
import io.spikeloop.study.StudyRunner;
import io.spikeloop.study.Sweep;
import io.spikeloop.study.TrainLauncher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone Spark cluster on loopback (a master and two workers, child JVMs), two served
 * boards ({@code serve}'s {@link DeviceServer} on loopback) as the resource {@code board}, a
 * 6-run study (3 host-float and 3 hil runs), and worker 1 killed mid-study: every run finishes
 * exactly once, no board ever serves two runs at once, and the results equal the local runner's
 * byte for byte.
 */
class LoopbackClusterStudyTest {
  @TempDir
  Path dir;

  @Test
  @Tag("spark-cluster")
  @Timeout(900)
  void aStudySurvivesALostWorkerAndGivesTheLocalRunnersResults() throws Exception {
    StudyPlan plan = new StudyPlan("synthetic", List.of(Sweep.parse("placement=host-float,hil")),
        List.of(1L, 2L, 3L), List.of("--model", "ff", "--hidden", "16", "--steps", "20",
            "--epochs", "1", "--batch", "20", "--train-samples", "120", "--test-samples", "40"),
        false, Map.of());
    List<StudyConfig> configs = plan.configurations();

    try (DeviceServer board1 = DeviceServer.start("sim", ServerOptions.loopback(0));
         DeviceServer board2 = DeviceServer.start("sim", ServerOptions.loopback(0))) {
      String address1 = "remote://127.0.0.1:" + board1.port();
      String address2 = "remote://127.0.0.1:" + board2.port();
      // Worker 1 has two cores but one board: its two task slots must never share the board.
      try (LoopbackCluster cluster = LoopbackCluster.start(dir.resolve("cluster"), List.of(
          new LoopbackCluster.Worker(2, "1g", List.of(address1)),
          new LoopbackCluster.Worker(1, "1g", List.of(address2))), Duration.ofMinutes(3))) {
        StringWriter log = new StringWriter();
        SparkStudyScheduler spark = new SparkStudyScheduler(new DistributedStudies.Options(
            cluster.masterUrl(), true, false, Map.of("spark.executor.memory", "512m")),
            new PrintWriter(log));
        Path sparkRuns = dir.resolve("spark/runs");
        Files.createDirectories(sparkRuns);
        Events events = new Events();
        Thread killer = new Thread(() -> {
          try {
            // Once a run has finished and two are in flight, one of them is on worker 1.
            events.awaitFinishedAndRunning(1, 2);
            cluster.killWorker(0);
            events.killed = true;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        killer.setDaemon(true);
        killer.start();
        List<RunOutcome> outcomes;
        try (spark) {
          outcomes = spark.run(new StudyGrid("synthetic", configs, plan.seeds(), sparkRuns,
              false), events);
        } finally {
          killer.join(10_000);
        }
        assertTrue(events.killed, "worker 1 was killed mid-study");
        assertTrue(events.lost.get() >= 1, "an attempt was lost with worker 1: " + log);

        // Every run finished exactly once, successfully, in its own folder.
        assertEquals(6, outcomes.size());
        assertEquals(6, events.finished.size());
        assertEquals(6, new HashSet<>(events.finished).size(), "no run reported twice");
        outcomes.forEach(o -> assertTrue(o.ok(), o.config().label() + " seed " + o.seed()
            + ": " + o.error()));
        try (var folders = Files.list(sparkRuns)) {
          assertEquals(6, folders.count(), "six run folders and no staging leftovers");
        }
        List<RunRow> rows = spark.lastRows();
        assertTrue(rows.stream().anyMatch(r -> r.attempt() >= 1), "a run was retried");

        // Boards: hil runs each had one, host-float runs none, and no board served two at once.
        for (int i = 0; i < rows.size(); i++) {
          boolean hil = configs.get(i / 3).value("placement").equals("hil");
          if (hil) {
            assertNotNull(rows.get(i).board());
            assertTrue(List.of(address1, address2).contains(rows.get(i).board()));
          } else {
            assertNull(rows.get(i).board());
          }
        }
        for (RunRow a : rows) {
          for (RunRow b : rows) {
            if (a != b && a.board() != null && a.board().equals(b.board())) {
              assertFalse(a.startMillis() < b.endMillis() && b.startMillis() < a.endMillis(),
                  "board " + a.board() + " served two runs at once: " + a + " and " + b);
            }
          }
        }

        // The same study in this JVM (hil on the simulator, which the served boards are).
        Path localRuns = dir.resolve("local/runs");
        Files.createDirectories(localRuns);
        new StudyRunner(TrainLauncher.inProcess(), 2).run(new StudyGrid("synthetic", configs,
            plan.seeds(), localRuns, false), StudyEvents.NONE);
        String local = RunFingerprint.ofAll(localRuns);
        assertEquals(6, local.split("model.slm sha256").length - 1, local);
        assertEquals(local, RunFingerprint.ofAll(sparkRuns));
      }
    }
  }

  /** Records the scheduler's events and lets the killer wait for a moment to strike. */
  private static final class Events implements StudyEvents {
    final List<String> finished = new ArrayList<>();
    final AtomicInteger lost = new AtomicInteger();
    volatile boolean killed;
    private int running;

    @Override
    public synchronized void started(StudyConfig config, long seed, String where) {
      running++;
      notifyAll();
    }

    @Override
    public synchronized void finished(RunOutcome outcome) {
      running--;
      finished.add(outcome.config().id() + "-seed" + outcome.seed());
      notifyAll();
    }

    @Override
    public synchronized void lost(StudyConfig config, long seed, String reason) {
      running--;
      lost.incrementAndGet();
      notifyAll();
    }

    synchronized void awaitFinishedAndRunning(int done, int inFlight) throws InterruptedException {
      while (finished.size() < done || running < inFlight) {
        wait();
      }
    }

    @Override
    public synchronized String toString() {
      return finished.stream().collect(Collectors.joining(", "));
    }
  }
}
