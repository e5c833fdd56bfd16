package io.spikeloop.reproduce;

import io.spikeloop.report.ChartImages;
import io.spikeloop.run.TrainOptions;
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
import java.math.BigDecimal;
import java.math.MathContext;
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
 *
 * <p>Two protocols. {@link LrProtocol#FIXED} (the paper's words: "without changing any other
 * hyperparameters") keeps the rate {@code lr} for every momentum; SGD's momentum buffer {@code buf
 * = beta buf + g} then sums about {@code 1/(1-beta)} gradients, so the effective step {@code
 * lr/(1-beta)} grows 10x at 0.9 and 100x at 0.99. {@link LrProtocol#SCALED} runs momentum
 * {@code beta} at {@code lr (1-beta)}: the effective step stays {@code lr} and only the averaging
 * window changes, which is what "a slower temporal accumulator" alone means.
 */
public final class Figure1 {
  public static final List<String> FULL_MOMENTA = List.of("0", "0.5", "0.9", "0.95", "0.99");
  public static final List<String> QUICK_MOMENTA = List.of("0", "0.9", "0.99");

  private Figure1() {}

  /** How the SGD rate moves with the momentum. */
  public enum LrProtocol {
    /** The same {@code lr} for every momentum (the effective step grows as 1/(1-beta)). */
    FIXED,
    /** {@code lr (1-beta)} at momentum beta: the same effective step for every momentum. */
    SCALED
  }

  /** One momentum setting: best test accuracy and SOPs per sample over seeds. */
  public record Point(double momentum, StudyResults.Stat bestTestAccuracy,
                      StudyResults.Stat sopsPerSample, int failed) {}

  /** The fixed-rate protocol (the paper's). */
  public static List<Point> run(ProtocolDataset dataset, boolean quick, List<Long> seeds,
                                Double lr, Path out, int parallel, TrainLauncher launcher,
                                PrintWriter log) throws IOException, InterruptedException {
    return run(dataset, quick, null, seeds, lr, LrProtocol.FIXED, out, parallel, launcher, log);
  }

  /**
   * The momenta {@code momenta} (null: the protocol's, {@link #FULL_MOMENTA} or {@link
   * #QUICK_MOMENTA}) under rate protocol {@code protocol}; {@code lr} null is train's SGD rate.
   */
  public static List<Point> run(ProtocolDataset dataset, boolean quick, List<String> momenta,
                                List<Long> seeds, Double lr, LrProtocol protocol, Path out,
                                int parallel, TrainLauncher launcher, PrintWriter log)
      throws IOException, InterruptedException {
    return run(dataset, quick, momenta, seeds, lr, protocol, out,
        new StudyRunner(launcher, parallel), log);
  }

  /** The same on any scheduler (threads of this JVM, or Spark: {@code reproduce --master}). */
  public static List<Point> run(ProtocolDataset dataset, boolean quick, List<Long> seeds,
                                Double lr, Path out, StudyScheduler scheduler, PrintWriter log)
      throws IOException, InterruptedException {
    return run(dataset, quick, null, seeds, lr, LrProtocol.FIXED, out, scheduler, log);
  }

  /** {@link #run(ProtocolDataset, boolean, List, List, Double, LrProtocol, Path, int,
   * TrainLauncher, PrintWriter)} on any scheduler. */
  public static List<Point> run(ProtocolDataset dataset, boolean quick, List<String> momenta,
                                List<Long> seeds, Double lr, LrProtocol protocol, Path out,
                                StudyScheduler scheduler, PrintWriter log)
      throws IOException, InterruptedException {
    Files.createDirectories(out);
    List<String> extra = new ArrayList<>(dataset.args(quick));
    extra.addAll(List.of("--model", "rsnn", "--mode", "tbptt1", "--optimizer", "sgd"));
    double baseLr = lr != null ? lr : TrainOptions.DEFAULT_SGD_LR;
    if (momenta == null) {
      momenta = quick ? QUICK_MOMENTA : FULL_MOMENTA;
    }
    List<Sweep> sweeps = new ArrayList<>(List.of(new Sweep("momentum", momenta)));
    if (protocol == LrProtocol.SCALED) {
      sweeps.add(new Sweep("lr", momenta.stream().map(m -> plain(
          baseLr * (1 - Double.parseDouble(m)))).toList(), "momentum"));
    } else if (lr != null) {
      extra.addAll(List.of("--lr", Double.toString(lr)));
    }
    log.printf("figure1: %s (%s), momentum %s, %s protocol, lr %s%n", dataset.title(),
        dataset.spec(), momenta, quick ? "quick" : "full", protocol == LrProtocol.SCALED
            ? baseLr + " x (1 - momentum)" : String.valueOf(baseLr));
    StudyPlan plan = new StudyPlan(dataset.spec(), sweeps, seeds, extra, false, Map.of());
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
    Files.writeString(out.resolve("figure1.md"), markdown(points, dataset, quick, seeds, extra,
        protocol, baseLr));
    return points;
  }

  /** {@code v} to 6 significant digits without trailing zeros ({@code 0.0005}, not 5.0000000000000044E-4). */
  static String plain(double v) {
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
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
                         List<Long> seeds, List<String> extra, LrProtocol protocol,
                         double baseLr) {
    StringBuilder b = new StringBuilder("# Figure 1: recurrent tBPTT1 with SGD and momentum\n\n");
    b.append(String.format(Locale.ROOT, "%s (`%s`), %s protocol, seeds %s, train options `%s`."
            + " SGD rate: %s. Mean ± std over seeds.%n%n![Figure 1](figure1.png)%n%n",
        dataset.title(), dataset.spec(), quick ? "--quick" : "full", seeds,
        String.join(" ", extra), protocol == LrProtocol.SCALED ? baseLr + " x (1 - momentum) "
            + "(--lr-scaled: the effective step lr/(1-momentum) stays " + baseLr + ")"
            : baseLr + " for every momentum (effective step " + baseLr + "/(1-momentum))"));
    b.append("| momentum | lr | effective step lr/(1-momentum) | best test accuracy (%) "
        + "| SOPs per test sample | failed runs |\n|---|---|---|---|---|---|\n");
    for (Point p : points) {
      double lr = protocol == LrProtocol.SCALED ? baseLr * (1 - p.momentum()) : baseLr;
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |%n", p.momentum(),
          plain(lr), plain(lr / (1 - p.momentum())),
          StudyResults.format(p.bestTestAccuracy(), true),
          StudyResults.format(p.sopsPerSample(), false), p.failed()));
    }
    return b.toString();
  }
}
