package io.spikeloop.reproduce;

import java.util.List;
import java.util.Locale;

/**
 * The paper's Table 1 ("Comparison to SoTA results on N-MNIST and SHD", ../shared/paper), every
 * row as printed: test accuracy in %, mean ± std where the paper gives a std. The paper reports
 * the average best test accuracy over 5 runs; its BPTT rows are quoted from [16] (TP) and its
 * eProp and DECOLLE rows from [17] (ETLP). It has no recurrent N-MNIST row.
 */
public final class PaperNumbers {
  private PaperNumbers() {}

  /** One row of the paper's Table 1; {@code std} is null where the paper gives none. */
  public record Row(String dataset, String method, String architecture, String neuron,
                    int neurons, String localLearning, int timeSteps, double accuracy,
                    Double std, String source) {
    /** "97.43 ± 0.15", or the mean alone. */
    public String accuracyText() {
      return std == null ? String.format(Locale.ROOT, "%.2f", accuracy)
          : String.format(Locale.ROOT, "%.2f ± %.2f", accuracy, std);
    }
  }

  static final String OURS = "tBPTT1 (ours)";
  private static final String FROM_16 = "from [16] (TP)";
  private static final String FROM_17 = "from [17] (ETLP)";

  public static final List<Row> TABLE1 = List.of(
      new Row("N-MNIST", "BPTT", "FF", "LIF", 200, "no", 100, 98.45, 0.04, FROM_16),
      new Row("N-MNIST", "eProp [2]", "FF", "LIF", 200, "partial (time)", 100, 97.90, null, FROM_17),
      new Row("N-MNIST", "DECOLLE [9]", "FF", "LIF", 200, "yes", 100, 96.27, null, FROM_17),
      new Row("N-MNIST", "TP [16]", "FF", "LIF", 200, "yes", 100, 97.33, 0.06, ""),
      new Row("N-MNIST", OURS, "FF", "LIF", 200, "partial (time)", 100, 97.43, 0.15, ""),
      new Row("SHD", "BPTT", "FF", "LIF", 450, "no", 100, 75.85, 0.48, FROM_16),
      new Row("SHD", "eProp [2]", "FF", "LIF", 450, "partial (time)", 100, 63.04, null, FROM_17),
      new Row("SHD", "ETLP [17]", "FF", "ALIF", 450, "yes", 100, 59.19, null, ""),
      new Row("SHD", "TP [16]", "FF", "LIF", 400, "yes", 100, 67.06, 0.96, ""),
      new Row("SHD", OURS, "FF", "LIF", 450, "partial (time)", 100, 68.19, 1.12, ""),
      new Row("SHD", "BPTT", "Recurrent", "LIF", 450, "no", 100, 83.23, 1.00, FROM_16),
      new Row("SHD", "S-TLLR [1]", "Recurrent", "LIF", 450, "partial (time)", 100, 78.24, 1.84,
          ""),
      new Row("SHD", "eProp [2]", "Recurrent", "LIF", 450, "partial (time)", 100, 80.79, null,
          FROM_17),
      new Row("SHD", "ETLP [17]", "Recurrent", "ALIF", 450, "yes", 100, 74.59, null, ""),
      new Row("SHD", "TP [16]", "Recurrent", "LIF", 450, "yes", 100, 81.80, 0.51, ""),
      new Row("SHD", OURS, "Recurrent", "LIF", 450, "partial (time)", 100, 84.29, 0.98, ""));

  /**
   * The paper's row for a dataset title, model (ff, rsnn) and mode (tbptt1: the paper's own
   * method; bptt: its BPTT baseline; eprop: its eProp row, quoted from [17]), or null when the
   * paper has none.
   */
  public static Row table1(String datasetTitle, String model, String mode) {
    String method = switch (mode) {
      case "tbptt1" -> OURS;
      case "bptt" -> "BPTT";
      case "eprop" -> "eProp [2]";
      default -> null;
    };
    String architecture = model.equals("ff") ? "FF" : "Recurrent";
    for (Row r : TABLE1) {
      if (r.dataset().equals(datasetTitle) && r.method().equals(method)
          && r.architecture().equals(architecture)) {
        return r;
      }
    }
    return null;
  }

  /**
   * The paper cell beside spikeloop's: its number, or why there is none. FPTT ({@code fptt}) has
   * no row in the paper's Table 1 (the paper discusses it in the text only): "-" on its datasets.
   */
  public static String cell(String datasetTitle, String model, String mode) {
    Row r = table1(datasetTitle, model, mode);
    if (r != null) {
      return r.accuracyText();
    }
    boolean paperDataset = TABLE1.stream().anyMatch(x -> x.dataset().equals(datasetTitle));
    if (!paperDataset) {
      return "not a paper dataset";
    }
    return mode.equals("fptt") ? "-" : "not in the paper (no " + (model.equals("ff") ? "FF"
        : "recurrent") + " " + datasetTitle + " row)";
  }
}
