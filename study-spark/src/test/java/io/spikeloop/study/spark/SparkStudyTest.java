package io.spikeloop.study.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.cli.SpikeloopCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code study --master local[2] --copy-back} against the default runner ({@code --parallel 2}):
 * same runs,
 * the same failures recorded without stopping the study, per-run results identical byte for
 * byte, and the DataFrame copy of the results.
 */
class SparkStudyTest {
  /** Small real trainings: 2 models x 2 seeds, and a readout every run refuses. */
  private static final List<String> STUDY = List.of("study", "--sweep", "model=ff,rsnn",
      "--sweep", "readout=last,bogus", "--seeds", "1,2", "--", "--hidden", "8", "--steps",
      "12", "--epochs", "2", "--batch", "50", "--train-samples", "100", "--test-samples", "40");

  @TempDir
  Path dir;

  private static String[] cli(Path out, String... extra) {
    List<String> args = new ArrayList<>(STUDY.subList(0, STUDY.indexOf("--")));
    args.addAll(List.of(extra));
    args.addAll(List.of("--out", out.toString(), "--json"));
    args.addAll(STUDY.subList(STUDY.indexOf("--"), STUDY.size()));
    return args.toArray(String[]::new);
  }

  private static String execute(String... args) {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    assertEquals(0, exit, err.toString() + out);
    return out.toString();
  }

  @Test
  void sparkRunsGiveTheSameResultsAsTheLocalRunnerBitForBit() throws Exception {
    Path local = dir.resolve("local");
    Path spark = dir.resolve("spark");
    execute(cli(local, "--parallel", "2"));
    // Folders sent back to the driver as zips here; written in place in the reproduce test.
    String out = execute(cli(spark, "--master", "local[2]", "--copy-back"));

    assertTrue(out.contains("one Spark task per run on local[2]"), out);
    assertTrue(out.contains("[8/8]"), out);
    assertTrue(out.contains("FAILED: --readout must be last or sum, got bogus"), out);
    String localRuns = RunFingerprint.ofAll(local.resolve("runs"));
    assertEquals(4, localRuns.split("model.slm sha256").length - 1, localRuns);
    assertEquals(localRuns, RunFingerprint.ofAll(spark.resolve("runs")));
    assertFalse(Files.exists(spark.resolve("runs").resolve(RunFolders.ATTEMPTS)),
        "staging folders are gone");
    // result.json names the run's final folder, not its staging folder
    var result = new ObjectMapper().readTree(
        spark.resolve("runs/c00-model_ff-readout_last-seed1/result.json").toFile());
    assertEquals(spark.resolve("runs/c00-model_ff-readout_last-seed1").toAbsolutePath()
        .toString(), result.get("runDir").asText());

    // The tables agree but for wall-clock columns.
    assertEquals(stripTimes(Files.readAllLines(local.resolve("results.csv"))),
        stripTimes(Files.readAllLines(spark.resolve("results.csv"))));
    String md = Files.readString(spark.resolve("results.md"));
    assertTrue(md.contains("| ff | last | 2/2 |"), md);
    assertTrue(md.contains("model=rsnn readout=bogus, seed 2: --readout must be last or sum, "
        + "got bogus"), md);
    assertTrue(Files.isRegularFile(spark.resolve("accuracy-vs-model.png")));

    // The DataFrame copy: one row per run, readable by Spark.
    try (SparkSession session = SparkSession.builder().master("local[1]")
        .config("spark.ui.enabled", "false").getOrCreate()) {
      List<Row> rows = session.read().parquet(spark.resolve("dataframe/results.parquet")
          .toString()).orderBy("config", "seed").collectAsList();
      assertEquals(8, rows.size());
      assertEquals(4, rows.stream().filter(r -> r.getAs("status").equals("failed")).count());
      Row first = rows.get(0);
      assertEquals("c00-model_ff-readout_last", first.getAs("config"));
      assertEquals("ff", first.getAs("model"));
      assertEquals(1L, (long) first.getAs("seed"));
      assertEquals("ok", first.getAs("status"));
      assertEquals(0, (int) first.getAs("attempt"));
      assertTrue((double) first.getAs("bestTestAccuracy") > 0);
      assertEquals(8, session.read().option("header", "true")
          .csv(spark.resolve("dataframe/results-csv").toString()).count());
    }
  }

  @Test
  void masterOptionsAreCheckedBeforeAnythingRuns() {
    CommandLine cl = SpikeloopCli.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("study", "--master", "local[2]", "--parallel", "2", "--sweep",
        "lr=1e-3", "--out", dir.toString()));
    assertTrue(err.toString().contains("--parallel counts threads of this JVM"), err.toString());
    assertEquals(2, cl.execute("study", "--boards", "--sweep", "lr=1e-3", "--out",
        dir.toString()));
    assertTrue(err.toString().contains("add --master"), err.toString());
  }

  @Test
  void reproduceRunsItsGridOnSparkToo() throws Exception {
    String out = execute("reproduce", "figure1", "--quick", "--seeds", "1", "--master",
        "local[2]", "--out", dir.toString());
    assertTrue(out.contains("one Spark task per run on local[2]"), out);
    assertTrue(Files.readString(dir.resolve("figure1.md")).contains("| 0.9 |"), out);
    assertTrue(Files.isDirectory(dir.resolve("figure1/dataframe/results.parquet")));
    try (var runs = Files.list(dir.resolve("figure1/runs"))) {
      assertEquals(3, runs.filter(r -> Files.isRegularFile(r.resolve("model.slm"))).count());
    }
    assertFalse(Files.exists(dir.resolve("figure1/runs").resolve(RunFolders.ATTEMPTS)),
        "staging folders are gone");
  }

  /** CSV lines without the seconds column and the throughput column. */
  private static List<String> stripTimes(List<String> lines) {
    List<String> header = cells(lines.get(0));
    List<String> stripped = new ArrayList<>();
    for (String line : lines) {
      List<String> cells = cells(line);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cells.size(); i++) {
        if (!header.get(i).equals("seconds") && !header.get(i).equals("trainSamplesPerSecond")) {
          b.append(cells.get(i)).append(',');
        }
      }
      stripped.add(b.toString());
    }
    return stripped;
  }

  /** The cells of a CSV line (quoted cells may hold commas). */
  private static List<String> cells(String line) {
    return List.of(line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1));
  }
}
