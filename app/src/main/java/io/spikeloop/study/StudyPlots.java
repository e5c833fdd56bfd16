package io.spikeloop.study;

import io.spikeloop.report.ChartImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a study: for each swept option, accuracy (mean over seeds, ± std as error bars)
 * against the option's values, one series per combination of the other swept options (options
 * paired with the plotted one move along with it and split no series), and the
 * float tBPTT1 baseline (mean over its runs) as a dashed horizontal line when the study has one.
 * The x axis ({@link #axis}): options that name settings (placement, mode, bit widths, ...) sit
 * at equally spaced positions labelled with their values, even when the values are numbers;
 * rates and coefficients (lr, eps, weight decay, rate penalty) get a logarithmic axis; other
 * numbers a linear one, logarithmic when they span 100x or more.
 */
public final class StudyPlots {
  /** The plotted summary fields and the file-name prefix of each. */
  static final Map<String, String> METRICS = Map.of("bestTestAccuracy", "accuracy",
      "lastFiveTestAccuracy", "last5-accuracy", "onlineTrainAccuracy", "online-accuracy");

  /** Options whose values are settings to compare side by side, not points on a scale. */
  static final Set<String> CATEGORICAL = Set.of("adam-bits", "weight-bits", "master-bits",
      "membrane-bits", "output-bits", "k", "seed", "precision", "placement", "mode", "model",
      "optimizer", "readout", "lr-schedule", "loss-mask", "device", "dataset");
  /** Options whose useful values are spread over decades. */
  static final Set<String> LOGARITHMIC = Set.of("lr", "eps", "weight-decay", "rate-penalty");

  /** How a sweep's values are laid out along the x axis. */
  enum Axis { CATEGORIES, LINEAR, LOGARITHMIC }

  private StudyPlots() {}

  /** The x axis of a sweep: see the class comment. */
  static Axis axis(Sweep sweep) {
    double[] numeric = numericValues(sweep);
    if (numeric == null || CATEGORICAL.contains(sweep.option())) {
      return Axis.CATEGORIES;
    }
    double min = java.util.Arrays.stream(numeric).min().orElseThrow();
    double max = java.util.Arrays.stream(numeric).max().orElseThrow();
    if (min > 0 && (LOGARITHMIC.contains(sweep.option()) && max > min || max / min >= 100)) {
      return Axis.LOGARITHMIC;
    }
    return Axis.LINEAR;
  }

  /** Writes the plots into {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, StudyPlan plan, List<RunOutcome> runs)
      throws IOException {
    List<Path> files = new ArrayList<>();
    for (Sweep sweep : plan.gridSweeps()) {
      Set<String> moving = plan.movingWith(sweep.option());
      for (String metric : List.of("bestTestAccuracy", "lastFiveTestAccuracy",
          "onlineTrainAccuracy")) {
        Path file = dir.resolve(METRICS.get(metric) + "-vs-" + sweep.option() + ".png");
        if (plot(sweep, moving, metric, runs, file)) {
          files.add(file);
        }
      }
    }
    return files;
  }

  /** One point of a series: the value's index in the sweep, mean and std (in %). */
  private record Point(int valueIndex, double mean, double std) {}

  private static boolean plot(Sweep sweep, Set<String> moving, String metric,
      List<RunOutcome> runs, Path file)
      throws IOException {
    Map<String, List<Point>> series = new LinkedHashMap<>();
    List<RunOutcome> baselineRuns = new ArrayList<>();
    for (Map.Entry<StudyConfig, List<RunOutcome>> e : StudyResults.byConfig(runs).entrySet()) {
      StudyConfig c = e.getKey();
      if (c.baseline()) {
        baselineRuns.addAll(e.getValue());
      }
      String value = c.value(sweep.option());
      if (value == null) {
        continue;
      }
      StudyResults.Stat s = StudyResults.stat(e.getValue(), metric);
      if (s.n() == 0) {
        continue;
      }
      String name = StudyResults.otherSettings(c, moving);
      series.computeIfAbsent(name.isEmpty() ? metric : name, k -> new ArrayList<>())
          .add(new Point(sweep.values().indexOf(value), 100 * s.mean(), 100 * s.std()));
    }
    if (series.isEmpty()) {
      return false;
    }
    StudyResults.Stat baseline = StudyResults.stat(baselineRuns, metric);
    String title = switch (metric) {
      case "bestTestAccuracy" -> "Best test accuracy";
      case "lastFiveTestAccuracy" -> "Test accuracy, mean of the last 5 epochs,";
      default -> "Online training accuracy";
    } + " vs " + sweep.option();
    String yTitle = metric + " (%), mean ± std over seeds";
    Axis axis = axis(sweep);
    boolean categories = axis == Axis.CATEGORIES;
    // Categories (placements, modes...) sit at positions 0, 1, ... labelled with their names.
    double[] position = categories ? new double[sweep.values().size()] : numericValues(sweep);
    for (int i = 0; categories && i < position.length; i++) {
      position[i] = i;
    }
    XYChart chart = new XYChartBuilder().width(800).height(420).title(title)
        .xAxisTitle(sweep.option()).yAxisTitle(yTitle).build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setMarkerSize(8);
    double min = java.util.Arrays.stream(position).min().orElseThrow();
    double max = java.util.Arrays.stream(position).max().orElseThrow();
    if (categories) {
      // No axis padding: XChart's custom tick labels need the axis ends on category positions.
      chart.setCustomXAxisTickLabelsFormatter(x -> {
        long i = Math.round(x);
        return Math.abs(x - i) < 1e-9 && i >= 0 && i < position.length
            ? sweep.values().get((int) i) : "";
      });
    } else {
      chart.getStyler().setXAxisLogarithmic(axis == Axis.LOGARITHMIC);
      chart.getStyler().setXAxisDecimalPattern("0.######");
    }
    for (Map.Entry<String, List<Point>> e : series.entrySet()) {
      List<Point> points = e.getValue();
      double[] x = points.stream().mapToDouble(p -> position[p.valueIndex()]).toArray();
      double[] y = points.stream().mapToDouble(Point::mean).toArray();
      double[] err = points.stream().mapToDouble(Point::std).toArray();
      chart.addSeries(e.getKey(), x, y, err);
    }
    if (baseline.n() > 0) {
      double left = min == max ? min - 0.5 : min;
      double right = min == max ? max + 0.5 : max;
      XYSeries line = chart.addSeries(baselineLabel(baseline), new double[] {left, right},
          new double[] {100 * baseline.mean(), 100 * baseline.mean()});
      line.setMarker(SeriesMarkers.NONE);
      line.setLineStyle(SeriesLines.DASH_DASH);
    }
    ChartImages.writePng(chart, file);
    return true;
  }

  private static String baselineLabel(StudyResults.Stat baseline) {
    return String.format(java.util.Locale.ROOT, "float tBPTT1 baseline (%.1f%%, n=%d)",
        100 * baseline.mean(), baseline.n());
  }

  /** The values as numbers, or null when any is not a number. */
  private static double[] numericValues(Sweep sweep) {
    double[] x = new double[sweep.values().size()];
    for (int i = 0; i < x.length; i++) {
      try {
        x[i] = Double.parseDouble(sweep.values().get(i));
      } catch (NumberFormatException e) {
        return null;
      }
      if (!Double.isFinite(x[i])) {
        return null;
      }
    }
    return x;
  }
}
