package io.spikeloop.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a dataset by its command-line name: {@code synthetic} (the embedded default, see {@link
 * SyntheticDataset}), {@code nmnist:PATH[#pool=K][,hold-out=N]} (see {@link NmnistDataset}) or
 * {@code shd:PATH[#test-speakers=IDS|#test-trials=IDS]} (SHD/SSC HDF5, see
 * {@link io.spikeloop.data.shd.ShdDatasets}). Other formats add a prefix here the same way.
 */
public final class Datasets {
  private Datasets() {}

  /** The train and test split named by {@code spec}; bad names and files fail naming them. */
  public static DatasetSplit open(String spec, DatasetOptions options) throws IOException {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "no dataset given (use synthetic, nmnist:PATH or shd:PATH)");
    }
    if (spec.equals("synthetic")) {
      return SyntheticDataset.split(options);
    }
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    String path = colon < 0 ? "" : spec.substring(colon + 1);
    if (kind.equals("nmnist")) {
      if (path.isEmpty()) {
        throw new IllegalArgumentException("nmnist needs a folder: nmnist:PATH");
      }
      int hash = path.indexOf('#');
      if (hash < 0) {
        return NmnistDataset.open(Path.of(path), options);
      }
      int pool = 1;
      int holdOut = 0;
      for (String option : path.substring(hash + 1).split(",", -1)) {
        if (option.startsWith("pool=")) {
          pool = nmnistNumber(option);
        } else if (option.startsWith("hold-out=")) {
          holdOut = nmnistNumber(option);
        } else {
          throw new IllegalArgumentException("nmnist option '" + option + "' is not known (use "
              + "nmnist:PATH#pool=K, nmnist:PATH#hold-out=N or both: #pool=K,hold-out=N)");
        }
      }
      return NmnistDataset.open(Path.of(path.substring(0, hash)), options, pool, holdOut);
    }
    if (kind.equals("shd")) {
      return io.spikeloop.data.shd.ShdDatasets.open(path, options.dtMillis(), options.steps());
    }
    throw new IllegalArgumentException("unknown dataset '" + spec
        + "' (use synthetic, nmnist:PATH or shd:PATH)");
  }

  private static int nmnistNumber(String option) {
    String value = option.substring(option.indexOf('=') + 1);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("nmnist option '" + option + "': '" + value
          + "' is not a number");
    }
  }

  /**
   * The time step in ms that {@link #open} bins {@code spec} at when no dt is given: nmnist 3 ms,
   * shd 10 ms; synthetic (whose steps have no physical width) 1 ms, so its time constants are in
   * steps. Decays {@code exp(-dt/tau)} must use this width, or every time constant is off by it.
   */
  public static double defaultStepMs(String spec) {
    if (spec.startsWith("nmnist:")) {
      return NmnistDataset.DEFAULT_DT_MS;
    }
    if (spec.startsWith("shd:")) {
      return io.spikeloop.data.shd.ShdDataset.DEFAULT_DT_MS;
    }
    return 1.0;
  }
}
