package io.spikeloop.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.cli.SpikeloopCli;
import io.spikeloop.run.TrainOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StudyTest {
  @TempDir
  Path dir;

  /**
   * A stand-in for train whose accuracy is a known function of lr and seed, and records how many runs were in flight at once.
   */
  private static final class FakeTrain implements TrainLauncher {
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    /** The first two runs wait for each other, so overlap does not depend on scheduling. */
    final CountDownLatch firstTwoStarted = new CountDownLatch(2);

    @Override
    public com.fasterxml.jackson.databind.JsonNode train(TrainOptions options) throws Exception {
      int now = active.incrementAndGet();
      maxActive.accumulateAndGet(now, Math::max);
      try {
        firstTwoStarted.countDown();
        if (!firstTwoStarted.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("no second run started within 30 s of the first");
        }
        // Runs stay in flight a while, so a third worker (if the pool had one) would be seen.
        Thread.sleep(150);
        // lr=bad never gets here: its options are refused when they are built
        Double lr = options.lr();
        long seed = options.seed();
        double lrValue = lr == null ? 0 : lr;
        double accuracy = lr == null ? 0.40 : 0.5 + lrValue + 0.01 * seed;
        return new ObjectMapper().createObjectNode().put("bestTestAccuracy", accuracy)
            .put("onlineTrainAccuracy", accuracy - 0.1).put("sopsPerSample", 1000 * seed)
            .put("cyclesPerSample", 77);
      } finally {
        active.decrementAndGet();
      }
    }
  }

  @Test
  void aggregatesOverSeedsRecordsFailuresAndRunsInParallel() throws Exception {
    StudyPlan plan = new StudyPlan("synthetic", List.of(Sweep.parse("lr=0.1,0.2,bad")),
        List.of(1L, 2L, 3L), List.of("--epochs", "1"), true, Map.of());
    FakeTrain fake = new FakeTrain();
    StringWriter log = new StringWriter();
    Study.Result r = new Study(plan, "test study").run(dir, fake, 2, false,
        new PrintWriter(log));
    assertEquals(12, r.runs().size());
    assertEquals(3, r.failures());
    assertEquals(2, fake.maxActive.get(), "two runs at a time, never more");

    List<String> csv = Files.readAllLines(r.csv());
    assertEquals("config,lr,baseline,seed,status,bestTestAccuracy,onlineTrainAccuracy,"
        + "sopsPerSample,cyclesPerSample,seconds,error", csv.get(0));
    assertEquals(13, csv.size());
    assertTrue(csv.stream().anyMatch(l -> l.startsWith("c02-lr_bad,bad,false,2,failed,,,,,")
        && l.endsWith(",\"--lr must be a number, got bad\"")), String.join("\n", csv));

    String md = Files.readString(r.markdown());
    // lr=0.1: 0.61, 0.62, 0.63 -> 62.00 ± 1.00 (sample std); SOPs 1000, 2000, 3000.
    assertTrue(md.contains("| 0.1 | 3/3 | 62.00 ± 1.00 | 52.00 ± 1.00 | 2000 ± 1000 |"), md);
    assertTrue(md.contains("| 0.2 | 3/3 | 72.00 ± 1.00 |"), md);
    assertTrue(md.contains("| bad | 0/3 | — |"), md);
    assertTrue(md.contains("| — | 3/3 (baseline) | 40.00 ± 0.00 |"), md);
    assertTrue(md.contains("- lr=bad, seed 1: --lr must be a number, got bad"), md);

    assertEquals(List.of("accuracy-vs-lr.png", "online-accuracy-vs-lr.png"),
        r.plots().stream().map(p -> p.getFileName().toString()).toList());
    for (Path plot : r.plots()) {
      assertNotNull(ImageIO.read(plot.toFile()), plot + " is a PNG");
    }
    assertTrue(log.toString().contains("[12/12]"), log.toString());
  }

  @Test
  void studyCommandRunsRealTrainingsAndKeepsGoingPastAFailure() throws Exception {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute("study", "--sweep", "readout=last,bogus", "--seeds", "1",
        "--parallel", "2", "--out", dir.toString(), "--json", "--", "--hidden", "8",
        "--steps", "12", "--epochs", "1", "--batch", "100");
    assertEquals(0, exit, err.toString() + out);
    String md = Files.readString(dir.resolve("results.md"));
    assertTrue(md.contains("| last | 1/1 |"), md);
    assertTrue(md.contains("readout=bogus, seed 1: --readout must be last or sum, got bogus"),
        md);
    assertTrue(Files.isRegularFile(dir.resolve("runs/c00-readout_last-seed1/model.slm")));
    assertTrue(Files.isRegularFile(dir.resolve("accuracy-vs-readout.png")));
    List<String> lines = out.toString().strip().lines().toList();
    var json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals(2, json.get("runs").asInt());
    assertEquals(1, json.get("failed").asInt());
  }

  @Test
  void aMisspeltOptionStopsTheStudyBeforeItStarts() {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("study", "--sweep", "lrate=1,2", "--out", dir.toString()));
    assertTrue(err.toString().contains("train has no option --lrate"), err.toString());
    assertTrue(!Files.exists(dir.resolve("results.csv")));
  }

  @Test
  void aFolderThatAlreadyHoldsAStudyIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("runs/c00-seed1"));
    StudyPlan plan = new StudyPlan("synthetic", List.of(Sweep.parse("lr=0.1")), List.of(1L),
        List.of(), false, Map.of());
    String message = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new Study(plan, "again").run(dir,
            options -> { throw new AssertionError("nothing may run"); }, 1, false,
            new PrintWriter(new StringWriter()))).getMessage();
    assertTrue(message.contains("already holds a study"), message);
  }
}
