package io.spikeloop.reproduce;

import io.spikeloop.study.RunOutcome;
import io.spikeloop.study.Study;
import io.spikeloop.study.StudyConfig;
import io.spikeloop.study.StudyPlan;
import io.spikeloop.study.StudyResults;
import io.spikeloop.study.Sweep;
import io.spikeloop.study.StudyRunner;
import io.spikeloop.study.StudyScheduler;
import io.spikeloop.study.TrainLauncher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's Table 1 protocol: for each available dataset, feed-forward and recurrent networks
 * trained with each learning rule (tBPTT1, e-prop, BPTT and FPTT by default) over several seeds;
 * best test accuracy as mean ± std, written to {@code table1.md} in the paper's layout beside the
 * paper's numbers, and the mean test accuracy of the last five epochs beside it (less lucky than
 * the best epoch, which is picked on the test set); the same cells in {@code table1.csv}, {@code
 * table1.json} and {@code table1.png}. Each dataset's runs of train's own modes are a study in
 * {@code out/<dataset>/} (results.csv, results.md, plots, run folders); FPTT, which is tBPTT1 with
 * extra options rather than a mode of its own, is a second study in {@code out/<dataset>-fptt/}.
 */
public final class Table1 {
  static final List<String> MODELS = List.of("ff", "rsnn");
  /**
   * The rules of the table, in column order: train's {@code --mode} values, then {@code fptt}
   * (tBPTT1 with FPTT's regulariser, {@link #FPTT_ARGS}).
   */
  public static final List<String> MODES = List.of("tbptt1", "eprop", "bptt", "fptt");
  static final String FPTT = "fptt";
  /**
   * The train options of the FPTT column: tBPTT1 with the setting docs/results.md ("P2: FPTT on
   * tBPTT1") measured with Adam, alpha 0.1 and beta 0.5 (the regulariser neither helped nor hurt
   * there at the paper's small Adam rate; it helped plain SGD at large steps).
   */
  public static final List<String> FPTT_ARGS = List.of("--mode", "tbptt1", "--fptt-alpha", "0.1",
      "--fptt-beta", "0.5");

  private Table1() {}

  /** One cell: the best and last-five test accuracies of one dataset, model and mode over seeds. */
  public record Cell(ProtocolDataset dataset, String model, String mode,
                     StudyResults.Stat bestTestAccuracy, StudyResults.Stat lastFiveTestAccuracy,
                     int failed) {}

  /** Every rule of {@link #MODES}. */
  public static List<Cell> run(List<ProtocolDataset> datasets, boolean quick, List<Long> seeds,
                               Path out, int parallel, TrainLauncher launcher, PrintWriter log)
      throws IOException, InterruptedException {
    return run(datasets, MODES, quick, seeds, out, parallel, launcher, log);
  }

  /** The rules {@code modes} (a subset of {@link #MODES}, shown in its order). */
  public static List<Cell> run(List<ProtocolDataset> datasets, List<String> modes, boolean quick,
                               List<Long> seeds, Path out, int parallel, TrainLauncher launcher,
                               PrintWriter log) throws IOException, InterruptedException {
    return run(datasets, modes, quick, seeds, out, new StudyRunner(launcher, parallel),
        parallel + " runs in parallel", log);
  }

  /** The same on any scheduler (threads of this JVM, or Spark: {@code reproduce --master}). */
  public static List<Cell> run(List<ProtocolDataset> datasets, boolean quick, List<Long> seeds,
                               Path out, StudyScheduler scheduler, PrintWriter log)
      throws IOException, InterruptedException {
    return run(datasets, MODES, quick, seeds, out, scheduler, log);
  }

  /** The rules {@code modes} on any scheduler. */
  public static List<Cell> run(List<ProtocolDataset> datasets, List<String> modes, boolean quick,
                               List<Long> seeds, Path out, StudyScheduler scheduler,
                               PrintWriter log) throws IOException, InterruptedException {
    return run(datasets, modes, quick, seeds, out, scheduler, scheduler.describe(), log);
  }

  private static List<Cell> run(List<ProtocolDataset> datasets, List<String> modes, boolean quick,
                                List<Long> seeds, Path out, StudyScheduler scheduler,
                                String where, PrintWriter log)
      throws IOException, InterruptedException {
    for (String mode : modes) {
      if (!MODES.contains(mode)) {
        throw new IllegalArgumentException("Table 1 rules are " + String.join(", ", MODES)
            + "; got " + mode);
      }
    }
    List<String> columns = MODES.stream().filter(modes::contains).toList();
    Files.createDirectories(out);
    List<Cell> cells = new ArrayList<>();
    long start = System.nanoTime();
    List<String> trainModes = columns.stream().filter(m -> !m.equals(FPTT)).toList();
    for (ProtocolDataset d : datasets) {
      log.printf("table1: %s (%s), %s protocol: %s%n", d.title(), d.spec(), quick ? "quick"
          : "full", String.join(" ", d.args(quick)));
      if (!trainModes.isEmpty()) {
        StudyPlan plan = new StudyPlan(d.spec(), List.of(new Sweep("model", MODELS),
            new Sweep("mode", trainModes)), seeds, d.args(quick), false, Map.of());
        Study.Result r = new Study(plan, "Table 1 runs on " + d.title()).run(
            out.resolve(d.key()), scheduler, false, log, null);
        addCells(cells, d, r, null);
      }
      if (columns.contains(FPTT)) {
        List<String> args = new ArrayList<>(d.args(quick));
        args.addAll(FPTT_ARGS);
        StudyPlan plan = new StudyPlan(d.spec(), List.of(new Sweep("model", MODELS)), seeds,
            args, false, Map.of());
        Study.Result r = new Study(plan, "Table 1 FPTT runs on " + d.title()).run(
            out.resolve(d.key() + "-fptt"), scheduler, false, log, null);
        addCells(cells, d, r, FPTT);
      }
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    Files.writeString(out.resolve("table1.md"), markdown(datasets, columns, cells, quick, seeds,
        where, minutes));
    Table1Files.writeCsv(out.resolve("table1.csv"), datasets, columns, cells);
    Table1Files.writeJson(out.resolve("table1.json"), datasets, columns, cells, quick, seeds);
    Table1Files.writePng(out.resolve("table1.png"), datasets, columns, cells);
    return cells;
  }

  /** The cells of one study; {@code mode} names the column when the study does not sweep it. */
  private static void addCells(List<Cell> cells, ProtocolDataset d, Study.Result r, String mode) {
    for (Map.Entry<StudyConfig, List<RunOutcome>> e : StudyResults.byConfig(r.runs())
        .entrySet()) {
      StudyConfig c = e.getKey();
      int failed = (int) e.getValue().stream().filter(x -> !x.ok()).count();
      cells.add(new Cell(d, c.value("model"), mode != null ? mode : c.value("mode"),
          StudyResults.stat(e.getValue(), "bestTestAccuracy"),
          StudyResults.stat(e.getValue(), "lastFiveTestAccuracy"), failed));
    }
  }

  static String markdown(List<ProtocolDataset> datasets, List<String> modes, List<Cell> cells,
                         boolean quick, List<Long> seeds, String where, double minutes) {
    StringBuilder b = new StringBuilder("# Table 1: best test accuracy (%), mean ± std over ")
        .append(seeds.size()).append(" seeds\n\n");
    b.append(String.format(Locale.ROOT, "Protocol: %s; seeds %s; %s on %d "
            + "cores; %.1f minutes. Paper columns: the paper's Table 1 (average best test "
            + "accuracy over 5 runs; its BPTT numbers are quoted from [16]), every row of which "
            + "follows below. The paper used the full SHD and N-MNIST sets; rows here use the "
            + "data named below.%n%n", quick ? "--quick" : "full", seeds,
        where, Runtime.getRuntime().availableProcessors(), minutes));
    b.append("| Dataset | Network");
    for (String mode : modes) {
      b.append(" | ").append(title(mode)).append(" (spikeloop)");
    }
    for (String mode : modes) {
      b.append(" | ").append(title(mode)).append(" (paper)");
    }
    b.append(" |\n|---|---").append("|---".repeat(2 * modes.size())).append("|\n");
    for (ProtocolDataset d : datasets) {
      for (String model : MODELS) {
        b.append("| ").append(d.title()).append(" | ").append(model.equals("ff") ? "FF" : "RSNN");
        for (String mode : modes) {
          b.append(" | ").append(cell(cells, d, model, mode, true));
        }
        for (String mode : modes) {
          b.append(" | ").append(PaperNumbers.cell(d.title(), model, mode));
        }
        b.append(" |\n");
      }
    }
    if (modes.contains(FPTT)) {
      b.append("\nFPTT: tBPTT1 with FPTT's regulariser (Kag and Saligrama 2021), `")
          .append(String.join(" ", FPTT_ARGS)).append("`, the Adam setting measured in "
              + "docs/results.md (\"P2: FPTT on tBPTT1\"). The paper has no FPTT row in its "
              + "Table 1 (it discusses FPTT in the text only), so its paper column shows -.\n");
    }
    b.append("\nMean test accuracy of the last five epochs (%), mean ± std over seeds (the "
        + "paper reports best epochs only):\n\n| Dataset | Network");
    for (String mode : modes) {
      b.append(" | ").append(title(mode)).append(" (spikeloop)");
    }
    b.append(" |\n|---|---").append("|---".repeat(modes.size())).append("|\n");
    for (ProtocolDataset d : datasets) {
      for (String model : MODELS) {
        b.append("| ").append(d.title()).append(" | ").append(model.equals("ff") ? "FF" : "RSNN");
        for (String mode : modes) {
          b.append(" | ").append(cell(cells, d, model, mode, false));
        }
        b.append(" |\n");
      }
    }
    b.append("\nDatasets and train options:\n\n");
    for (ProtocolDataset d : datasets) {
      b.append("- ").append(d.title()).append(": `").append(d.spec()).append("`, `")
          .append(String.join(" ", d.args(quick))).append("` (per-study tables and plots in `")
          .append(d.key()).append("/`").append(modes.contains(FPTT) ? ", FPTT's in `" + d.key()
              + "-fptt/`" : "").append(")\n");
    }
    b.append("\n## The paper's Table 1, every row\n\n| Dataset | Model | Architecture | Neuron "
        + "| Neurons | Local learning | Time steps | Test accuracy (%) | Note |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    for (PaperNumbers.Row r : PaperNumbers.TABLE1) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %s | %d | %s | %s |%n",
          r.dataset(), r.method(), r.architecture(), r.neuron(), r.neurons(), r.localLearning(),
          r.timeSteps(), r.accuracyText(), r.source()));
    }
    return b.toString();
  }

  /** The column title of a rule. */
  static String title(String mode) {
    return switch (mode) {
      case "tbptt1" -> "tBPTT1";
      case "eprop" -> "e-prop";
      case "bptt" -> "BPTT";
      case FPTT -> "FPTT";
      default -> mode;
    };
  }

  private static String cell(List<Cell> cells, ProtocolDataset d, String model, String mode,
                             boolean best) {
    Cell c = find(cells, d, model, mode);
    if (c == null) {
      return "—";
    }
    String text = StudyResults.format(best ? c.bestTestAccuracy() : c.lastFiveTestAccuracy(),
        true);
    return c.failed() == 0 ? text : text + " (" + c.failed() + " failed)";
  }

  /** The cell of a dataset, model and rule, or null when it was not run. */
  static Cell find(List<Cell> cells, ProtocolDataset d, String model, String mode) {
    for (Cell c : cells) {
      if (c.dataset().equals(d) && c.model().equals(model) && c.mode().equals(mode)) {
        return c;
      }
    }
    return null;
  }
}
