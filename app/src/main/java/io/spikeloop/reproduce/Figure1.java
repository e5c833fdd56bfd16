package io.spikeloop.reproduce;

import io.spikeloop.report.ChartImages;
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
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The paper's Figure 1: a recurrent network trained with tBPTT1 and plain SGD while the momentum
 * grows from 0 to 0.99; best test accuracy and average SOPs per test sample for each setting, as
 * {@code figure1.png} (accuracy left axis, SOPs right axis) and {@code figure1.md}. The runs are a
 * study in {@code out/figure1/}.
 */
public final class Figure1 {
  public static final List<String> FULL_MOMENTA = List.of("0", "0.5", "0.9", "0.95", "0.99");
  public static final List<String> QUICK_MOMENTA = List.of("0", "0.9", "0.99");

  private Figure1() {}

  /** One momentum setting: best test accuracy and SOPs per sample over seeds. */
  public record Point(double momentum, StudyResults.Stat bestTestAccuracy,
                      StudyResults.Stat sopsPerSample, int failed) {}

  public static List<Point> run(ProtocolDataset dataset, boolean quick, List<Long> seeds,
                                Double lr, Path out, int parallel, TrainLauncher launcher,
                                PrintWriter log) throws IOException, InterruptedException {
    return run(dataset, quick, seeds, lr, out, new StudyRunner(launcher, parallel), log);
  }

  /** The same on any scheduler (threads of this JVM, or Spark: {@code reproduce --master}). */
  public static List<Point> run(ProtocolDataset dataset, boolean quick, List<Long> seeds,
                                Double lr, Path out, StudyScheduler scheduler, PrintWriter log)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    List<String> extra = new ArrayList<>(dataset.args(quick));
    extra.addAll(List.of("--model", "rsnn", "--mode", "tbptt1", "--optimizer", "sgd"));
    if (lr != null) {
      extra.addAll(List.of("--lr", Double.toString(lr)));
    }
    List<String> momenta = quick ? QUICK_MOMENTA : FULL_MOMENTA;
    log.printf("figure1: %s (%s), momentum %s, %s protocol%n", dataset.title(), dataset.spec(),
        momenta, quick ? "quick" : "full");
    StudyPlan plan = new StudyPlan(dataset.spec(), List.of(new Sweep("momentum", momenta)),
        seeds, extra, false, Map.of());
    Study.Result r = new Study(plan, "Figure 1 runs on " + dataset.title())
        .run(out.resolve("figure1"), scheduler, false, log, null);
    List<Point> points = new ArrayList<>();
    for (Map.Entry<StudyConfig, List<RunOutcome>> e : StudyResults.byConfig(r.runs())
        .entrySet()) {
      points.add(new Point(Double.parseDouble(e.getKey().value("momentum")),
          StudyResults.stat(e.getValue(), "bestTestAccuracy"),
          StudyResults.stat(e.getValue(), "sopsPerSample"),
          (int) e.getValue().stream().filter(x -> !x.ok()).count()));
    }
    ChartImages.writePng(chart(points, dataset), out.resolve("figure1.png"));
    Files.writeString(out.resolve("figure1.md"), markdown(points, dataset, quick, seeds, extra));
    return points;
  }

  static XYChart chart(List<Point> points, ProtocolDataset dataset) {
    XYChart chart = new XYChartBuilder().width(800).height(420)
        .title("Figure 1: tBPTT1 + SGD with momentum, RSNN on " + dataset.title())
        .xAxisTitle("momentum").yAxisTitle("best test accuracy (%)").build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setMarkerSize(8);
    List<Point> ok = points.stream().filter(p -> p.bestTestAccuracy().n() > 0).toList();
    if (ok.isEmpty()) {
      throw new IllegalStateException("every Figure 1 run failed; see figure1/results.md");
    }
    double[] x = ok.stream().mapToDouble(Point::momentum).toArray();
    chart.addSeries("best test accuracy", x,
        ok.stream().mapToDouble(p -> 100 * p.bestTestAccuracy().mean()).toArray(),
        ok.stream().mapToDouble(p -> 100 * p.bestTestAccuracy().std()).toArray());
    XYSeries sops = chart.addSeries("SOPs per sample", x,
        ok.stream().mapToDouble(p -> p.sopsPerSample().mean()).toArray());
    sops.setYAxisGroup(1);
    chart.setYAxisGroupTitle(1, "SOPs per test sample");
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    return chart;
  }

  static String markdown(List<Point> points, ProtocolDataset dataset, boolean quick,
                         List<Long> seeds, List<String> extra) {
    StringBuilder b = new StringBuilder("# Figure 1: recurrent tBPTT1 with SGD and momentum\n\n");
    b.append(String.format(Locale.ROOT, "%s (`%s`), %s protocol, seeds %s, train options `%s`."
            + " Mean ± std over seeds.%n%n![Figure 1](figure1.png)%n%n", dataset.title(),
        dataset.spec(), quick ? "--quick" : "full", seeds, String.join(" ", extra)));
    b.append("| momentum | best test accuracy (%) | SOPs per test sample | failed runs |\n"
        + "|---|---|---|---|\n");
    for (Point p : points) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d |%n", p.momentum(),
          StudyResults.format(p.bestTestAccuracy(), true),
          StudyResults.format(p.sopsPerSample(), false), p.failed()));
    }
    return b.toString();
  }
}
