package io.spikeloop.cli;

import io.spikeloop.data.DatasetSplit;
import io.spikeloop.data.shd.ShdDatasets;
import java.io.IOException;

/** Opens a dataset by its command-line name (until the shared parser knows shd:). */
final class DatasetOpener {
  private DatasetOpener() {
  }

  static DatasetSplit open(String name, Double dtMillis, Integer steps, long seed)
      throws IOException {
    if (name.startsWith("shd:")) {
      return ShdDatasets.open(name.substring(4), dtMillis, steps);
    }
    throw new IllegalArgumentException("unknown dataset '" + name + "' (use shd:PATH)");
  }
}
