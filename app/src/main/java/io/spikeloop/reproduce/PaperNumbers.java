package io.spikeloop.reproduce;

import java.util.Map;

/**
 * Best test accuracies (%) of the paper's Table 1, only those the project's issues quote (issue
 * R1: recurrent SHD, tBPTT1 84.29 and BPTT 83.23). Cells without a quoted number stay empty
 * rather than guessed.
 */
public final class PaperNumbers {
  private PaperNumbers() {}

  private static final Map<String, Double> TABLE1 = Map.of(
      "SHD/rsnn/tbptt1", 84.29,
      "SHD/rsnn/bptt", 83.23);

  /** The paper's number for dataset title, model (ff, rsnn) and mode, or null when not quoted. */
  public static Double table1(String datasetTitle, String model, String mode) {
    return TABLE1.get(datasetTitle + "/" + model + "/" + mode);
  }
}
