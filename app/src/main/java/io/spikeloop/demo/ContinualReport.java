package io.spikeloop.demo;

import io.spikeloop.report.ChartImages;
import io.spikeloop.report.RunCharts;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The demo's outputs: a text table, {@code continual.csv}, PNG charts (accuracy on what has been
 * seen, forgetting, energy per sample, each learning against frozen) and {@code continual.html},
 * a self-contained page with the charts inlined.
 */
public final class ContinualReport {
  public static final String CSV = "continual.csv";
  public static final String HTML = "continual.html";
  public static final List<String> PNGS =
      List.of("accuracy-seen.png", "forgetting.png", "energy-per-sample.png");
  /** The learning arm's accuracy matrix as a heat-map. */
  public static final String HEATMAP = "accuracy-matrix.png";

  private ContinualReport() {}

  /** One line per checkpoint of both arms, then the end-of-stage matrices. */
  public static String table(ContinualResult r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-8s %6s %-16s %9s %9s %10s %10s %12s %12s%n",
        "point", "sample", "stage", "seen%", "seen%", "forget pp", "forget pp", "uJ/sample",
        "cycles/samp"));
    b.append(String.format(Locale.ROOT, "%-8s %6s %-16s %9s %9s %10s %10s %12s %12s%n",
        "", "", "", "learning", "frozen", "learning", "frozen", "learning", "learning"));
    for (int k = 0; k < r.learning().size(); k++) {
      Checkpoint l = r.learning().get(k);
      Checkpoint f = r.frozen().get(k);
      b.append(String.format(Locale.ROOT, "%-8s %6d %-16s %9.1f %9.1f %10.1f %10.1f %12.2f %12.0f%n",
          l.endOfStage() ? "stage" : "", l.samples(), r.stageNames().get(l.stage()),
          100 * l.seenAccuracy(), 100 * f.seenAccuracy(), 100 * l.forgetting(),
          100 * f.forgetting(), 1e6 * l.joulesPerSample(), l.cyclesPerSample()));
    }
    matrix(b, "learning", r.learningMatrix(), r.stageNames());
    matrix(b, "frozen after stage 0", r.frozenMatrix(), r.stageNames());
    return b.toString();
  }

  /** Method, upper bound and device memory, one line each. */
  public static String summary(ContinualResult r) {
    ContinualDemo.Memory m = r.memory();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "method %s: %.1f %% on all seen at the end (frozen %.1f %%"
            + ", upper bound %s), forgetting %.1f points%n", r.method(),
        100 * r.lastLearning().seenAccuracy(), 100 * r.lastFrozen().seenAccuracy(),
        Double.isNaN(r.jointAccuracy()) ? "not run"
            : String.format(Locale.ROOT, "%.1f %% jointly on-chip", 100 * r.jointAccuracy()),
        100 * r.lastLearning().forgetting()));
    b.append(String.format(Locale.ROOT, "device memory: weights %,d B; method %,d B (%.1f %% of "
            + "the weights): rehearsal buffer %,d of %,d B (%d samples), class means %,d B, "
            + "anchors %,d B%n", m.weightBytes(), m.methodBytes(),
        100.0 * m.methodBytes() / m.weightBytes(), m.bufferBytes(), m.bufferBudget(),
        m.bufferSamples(), m.prototypeBytes(), m.anchorBytes()));
    return b.toString();
  }

  private static void matrix(StringBuilder b, String arm, double[][] m, List<String> names) {
    b.append(String.format(Locale.ROOT, "accuracy %% per stage (rows: after stage, %s):%n", arm));
    for (int l = 0; l < m.length; l++) {
      b.append(String.format(Locale.ROOT, "  %-16s", names.get(l)));
      for (double v : m[l]) {
        b.append(Double.isNaN(v) ? "      -" : String.format(Locale.ROOT, " %6.1f", 100 * v));
      }
      b.append('\n');
    }
  }

  /** Writes the CSV, the PNGs and the HTML page into {@code dir} (created if missing). */
  public static void write(ContinualResult r, Map<String, String> settings, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    writeCsv(r, dir.resolve(CSV));
    Map<String, XYChart> charts = charts(r);
    int i = 0;
    for (XYChart chart : charts.values()) {
      ChartImages.writePng(chart, dir.resolve(PNGS.get(i++)));
    }
    HeatMapChart heatmap = heatmap(r);
    ChartImages.writePng(heatmap, dir.resolve(HEATMAP));
    Files.writeString(dir.resolve(HTML), html(r, settings, charts, heatmap));
  }

  /**
   * Accuracy (%) on stage j (x) after stage l (y), learning arm; cells not yet seen are left out
   * (XChart draws them empty).
   */
  static HeatMapChart heatmap(ContinualResult r) {
    int n = r.stageNames().size();
    HeatMapChart chart = new HeatMapChartBuilder().width(RunCharts.WIDTH).height(RunCharts.HEIGHT)
        .title("Accuracy matrix, method " + r.method() + " (%)")
        .xAxisTitle("evaluated on stage").yAxisTitle("after training stage").build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setShowValue(true).setMin(0).setMax(100)
        .setHeatMapValueDecimalPattern("0.0")
        .setRangeColors(new Color[] {new Color(0xB2182B), new Color(0xF7F7F7),
            new Color(0x2166AC)});
    List<Integer> axis = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      axis.add(i);
    }
    List<Number[]> cells = new ArrayList<>();
    double[][] m = r.learningMatrix();
    for (int l = 0; l < n; l++) {
      for (int j = 0; j < n; j++) {
        if (!Double.isNaN(m[l][j])) {
          cells.add(new Number[] {j, l, 100 * m[l][j]});
        }
      }
    }
    chart.addSeries("accuracy", axis, axis, cells);
    return chart;
  }

  static void writeCsv(ContinualResult r, Path file) throws IOException {
    int stages = r.stageNames().size();
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      List<String> header = new ArrayList<>(List.of("arm", "samples", "stage", "endOfStage",
          "seenAccuracy", "forgetting", "joulesPerSample", "learningJoulesPerSample",
          "cyclesPerSample"));
      for (int j = 0; j < stages; j++) {
        header.add("stage" + j + "Accuracy");
      }
      w.println(String.join(",", header));
      for (List<Checkpoint> arm : List.of(r.learning(), r.frozen())) {
        for (Checkpoint c : arm) {
          StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
              "%s,%d,%d,%b,%.6f,%.6f,%.6e,%.6e,%.1f", c.arm(), c.samples(), c.stage(),
              c.endOfStage(), c.seenAccuracy(), c.forgetting(), c.joulesPerSample(),
              c.learningJoulesPerSample(), c.cyclesPerSample()));
          for (double a : c.stageAccuracy()) {
            line.append(',').append(Double.isNaN(a) ? "" : String.format(Locale.ROOT, "%.6f", a));
          }
          w.println(line);
        }
      }
    }
  }

  /** The three charts, keyed by title, in the order of {@link #PNGS}. */
  static Map<String, XYChart> charts(ContinualResult r) {
    Map<String, XYChart> charts = new LinkedHashMap<>();
    XYChart accuracy = chart(r, "Accuracy on seen " + r.stream(), "accuracy (%)");
    series(accuracy, "learning on-chip: " + r.method(), r.learning(), c -> 100 * c.seenAccuracy());
    series(accuracy, "frozen after stage 0", r.frozen(), c -> 100 * c.seenAccuracy());
    charts.put(accuracy.getTitle(), accuracy);
    XYChart forgetting = chart(r, "Forgetting (mean over earlier stages)", "points");
    series(forgetting, "learning on-chip: " + r.method(), r.learning(), c -> 100 * c.forgetting());
    series(forgetting, "frozen after stage 0", r.frozen(), c -> 100 * c.forgetting());
    charts.put(forgetting.getTitle(), forgetting);
    XYChart energy = chart(r, "Device energy per streamed sample", "uJ per sample");
    series(energy, "learning: forward + engine", r.learning(), c -> 1e6 * c.joulesPerSample());
    series(energy, "learning: engine share", r.learning(),
        c -> 1e6 * c.learningJoulesPerSample());
    series(energy, "frozen: forward only", r.frozen(), c -> 1e6 * c.joulesPerSample());
    charts.put(energy.getTitle(), energy);
    return charts;
  }

  private static XYChart chart(ContinualResult r, String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(RunCharts.WIDTH).height(RunCharts.HEIGHT)
        .title(title).xAxisTitle("training samples streamed (stage boundaries: "
            + stageEnds(r) + ")").yAxisTitle(yTitle).build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setMarkerSize(5);
    chart.getStyler().setYAxisDecimalPattern("#,##0.##");
    return chart;
  }

  private static String stageEnds(ContinualResult r) {
    return String.join(", ", r.learning().stream().filter(Checkpoint::endOfStage)
        .map(c -> String.valueOf(c.samples())).toList());
  }

  private static void series(XYChart chart, String name, List<Checkpoint> points,
                             java.util.function.ToDoubleFunction<Checkpoint> y) {
    double[] xs = points.stream().mapToDouble(Checkpoint::samples).toArray();
    double[] ys = points.stream().mapToDouble(y).toArray();
    chart.addSeries(name, xs, ys);
  }

  private static String html(ContinualResult r, Map<String, String> settings,
                             Map<String, XYChart> charts, HeatMapChart heatmap) {
    StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">"
        + "<title>spikeloop continual-learning demo</title><style>body{font-family:system-ui,"
        + "sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse}"
        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#f4f4f4}"
        + "img{max-width:100%}</style></head><body>");
    h.append("<h1>Continual learning on ").append(escape(r.device())).append(", method ")
        .append(escape(r.method())).append("</h1>");
    h.append("<p>The core learns from a stream whose ").append(escape(r.stream()))
        .append(" arrive in ").append(r.stageNames().size()).append(" stages: stage 0 on-chip "
            + "(every tensor), the later stages with method ").append(escape(r.method()))
        .append(" (docs/demo.md); the frozen model is the same network after stage 0, with "
            + "learning switched off.</p>");
    h.append("<table>");
    settings.forEach((k, v) -> h.append("<tr><th>").append(escape(k)).append("</th><td>")
        .append(escape(v)).append("</td></tr>"));
    Checkpoint l = r.lastLearning();
    Checkpoint f = r.lastFrozen();
    row(h, "final accuracy on all seen (learning / frozen)", String.format(Locale.ROOT,
        "%.1f %% / %.1f %%", 100 * l.seenAccuracy(), 100 * f.seenAccuracy()));
    row(h, "final accuracy on stages 1.. (learning / frozen)", String.format(Locale.ROOT,
        "%.1f %% / %.1f %%", 100 * ContinualResult.laterStagesAccuracy(l),
        100 * ContinualResult.laterStagesAccuracy(f)));
    row(h, "final forgetting (learning)", String.format(Locale.ROOT, "%.1f points",
        100 * l.forgetting()));
    row(h, "upper bound: the same network learning on-chip from all stages shuffled",
        Double.isNaN(r.jointAccuracy()) ? "not run"
            : String.format(Locale.ROOT, "%.1f %%", 100 * r.jointAccuracy()));
    ContinualDemo.Memory m = r.memory();
    row(h, "device memory: weights / method", String.format(Locale.ROOT,
        "%,d B / %,d B (%.1f %%): buffer %,d of %,d B (%d samples), class means %,d B, "
            + "anchors %,d B", m.weightBytes(), m.methodBytes(),
        100.0 * m.methodBytes() / m.weightBytes(), m.bufferBytes(), m.bufferBudget(),
        m.bufferSamples(), m.prototypeBytes(), m.anchorBytes()));
    row(h, "device energy per streamed sample (learning arm)", String.format(Locale.ROOT, "%.2f uJ, %.0f cycles",
        1e6 * r.meanLearningJoulesPerSample(), r.meanLearningCyclesPerSample()));
    h.append("</table>");
    charts.values().forEach(c -> h.append("<h2>").append(escape(c.getTitle())).append("</h2><img alt=\"")
        .append(escape(c.getTitle())).append("\" src=\"").append(ChartImages.pngDataUri(c))
        .append("\">"));
    h.append("<h2>").append(escape(heatmap.getTitle())).append("</h2><img alt=\"")
        .append(escape(heatmap.getTitle())).append("\" src=\"")
        .append(ChartImages.pngDataUri(heatmap)).append("\">");
    h.append("<h2>Checkpoints</h2><pre>").append(escape(table(r))).append("</pre></body></html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String k, String v) {
    h.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v))
        .append("</td></tr>");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
