package io.spikeloop.reproduce;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.report.ChartImages;
import io.spikeloop.study.StudyResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Table 1's cells as machine-readable files beside {@code table1.md}: {@code table1.csv} and
 * {@code table1.json} (one entry per dataset, network and rule: best and last-five test accuracy
 * in % as mean, sample std and seed count, failed runs, the paper's cell) and {@code table1.png}
 * (best test accuracy per row, one bar per rule, error bars one std).
 */
final class Table1Files {
  private Table1Files() {}

  /** One line per cell; accuracies in %, empty where no run succeeded. */
  static void writeCsv(Path file, List<ProtocolDataset> datasets, List<String> modes,
                       List<Table1.Cell> cells) throws IOException {
    StringBuilder b = new StringBuilder("dataset,network,rule,seeds,failed,"
        + "bestTestAccuracyPercent,bestTestAccuracyPercentStd,lastFiveTestAccuracyPercent,"
        + "lastFiveTestAccuracyPercentStd,paperTestAccuracyPercent,paperCell\n");
    for (ProtocolDataset d : datasets) {
      for (String model : Table1.MODELS) {
        for (String mode : modes) {
          Table1.Cell c = Table1.find(cells, d, model, mode);
          StudyResults.Stat best = c == null ? null : c.bestTestAccuracy();
          StudyResults.Stat lastFive = c == null ? null : c.lastFiveTestAccuracy();
          PaperNumbers.Row paper = PaperNumbers.table1(d.title(), model, mode);
          b.append(csv(d.title())).append(',').append(network(model)).append(',').append(mode)
              .append(',').append(best == null ? 0 : best.n()).append(',')
              .append(c == null ? 0 : c.failed()).append(',')
              .append(percent(best, false)).append(',').append(percent(best, true)).append(',')
              .append(percent(lastFive, false)).append(',').append(percent(lastFive, true))
              .append(',').append(paper == null ? "" : number(paper.accuracy())).append(',')
              .append(csv(PaperNumbers.cell(d.title(), model, mode))).append('\n');
        }
      }
    }
    Files.writeString(file, b.toString());
  }

  /** The protocol and every cell; accuracies in %, null where no run succeeded. */
  static void writeJson(Path file, List<ProtocolDataset> datasets, List<String> modes,
                        List<Table1.Cell> cells, boolean quick, List<Long> seeds)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("protocol", quick ? "quick" : "full");
    seeds.forEach(root.putArray("seeds")::add);
    modes.forEach(root.putArray("rules")::add);
    Table1.FPTT_ARGS.forEach(root.putArray("fpttTrainOptions")::add);
    ArrayNode rows = root.putArray("cells");
    for (ProtocolDataset d : datasets) {
      for (String model : Table1.MODELS) {
        for (String mode : modes) {
          Table1.Cell c = Table1.find(cells, d, model, mode);
          ObjectNode row = rows.addObject().put("dataset", d.title()).put("datasetSpec",
              d.spec()).put("network", network(model)).put("rule", mode);
          row.put("seeds", c == null ? 0 : c.bestTestAccuracy().n());
          row.put("failed", c == null ? 0 : c.failed());
          putStat(row, "bestTestAccuracyPercent", c == null ? null : c.bestTestAccuracy());
          putStat(row, "lastFiveTestAccuracyPercent",
              c == null ? null : c.lastFiveTestAccuracy());
          PaperNumbers.Row paper = PaperNumbers.table1(d.title(), model, mode);
          if (paper == null) {
            row.putNull("paperTestAccuracyPercent");
          } else {
            row.put("paperTestAccuracyPercent", paper.accuracy());
          }
          row.put("paperCell", PaperNumbers.cell(d.title(), model, mode));
        }
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  /**
   * Best test accuracy per row (dataset and network), one bar per rule; written only when some
   * cell has a value (a table whose runs all failed has nothing to draw).
   */
  static void writePng(Path file, List<ProtocolDataset> datasets, List<String> modes,
                       List<Table1.Cell> cells) throws IOException {
    List<String> rows = new ArrayList<>();
    for (ProtocolDataset d : datasets) {
      for (String model : Table1.MODELS) {
        rows.add(d.title() + " " + network(model));
      }
    }
    CategoryChart chart = new CategoryChartBuilder().width(900).height(450)
        .title("Table 1: best test accuracy, mean ± std over seeds")
        .xAxisTitle("dataset and network").yAxisTitle("best test accuracy (%)").build();
    ChartImages.style(chart.getStyler());
    chart.getStyler().setYAxisMin(0.0);
    boolean any = false;
    for (String mode : modes) {
      List<Double> means = new ArrayList<>();
      List<Double> stds = new ArrayList<>();
      for (ProtocolDataset d : datasets) {
        for (String model : Table1.MODELS) {
          Table1.Cell c = Table1.find(cells, d, model, mode);
          boolean has = c != null && c.bestTestAccuracy().n() > 0;
          // A rule without a successful run in a row draws no bar there (0, no error bar).
          means.add(has ? 100 * c.bestTestAccuracy().mean() : 0.0);
          stds.add(has ? 100 * c.bestTestAccuracy().std() : 0.0);
          any |= has;
        }
      }
      chart.addSeries(Table1.title(mode), rows, means, stds);
    }
    if (any) {
      ChartImages.writePng(chart, file);
    }
  }

  private static void putStat(ObjectNode row, String name, StudyResults.Stat s) {
    if (s == null || s.n() == 0) {
      row.putNull(name);
      row.putNull(name + "Std");
      return;
    }
    row.put(name, 100 * s.mean());
    row.put(name + "Std", 100 * s.std());
  }

  private static String network(String model) {
    return model.equals("ff") ? "FF" : "RSNN";
  }

  private static String percent(StudyResults.Stat s, boolean std) {
    if (s == null || s.n() == 0) {
      return "";
    }
    return number(100 * (std ? s.std() : s.mean()));
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String csv(String text) {
    return text.contains(",") || text.contains("\"")
        ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
  }
}
