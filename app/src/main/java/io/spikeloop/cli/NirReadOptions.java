package io.spikeloop.cli;

import io.spikeloop.nir.Discretisation;
import io.spikeloop.nir.NirImport;
import picocli.CommandLine.Option;

/**
 * How to read the time constants of a NIR file written by another tool (NIR carries no step);
 * files spikeloop wrote say it themselves in their {@code /spikeloop} group, which wins.
 */
public final class NirReadOptions {
  @Option(names = "--nir-dt", defaultValue = "0.1", paramLabel = "MS",
      description = "Step in ms (like every time option) the NIR time constants are read at, "
          + "for files from other tools (default: ${DEFAULT-VALUE}, snnTorch's export step; "
          + "Norse uses 1).")
  double dtMillis;

  @Option(names = "--nir-discretisation", defaultValue = "euler", paramLabel = "RULE",
      description = "tau -> per-step decay for files from other tools: euler (1 - dt/tau, "
          + "snnTorch/Norse) or exact (exp(-dt/tau)) (default: ${DEFAULT-VALUE}).")
  String discretisation;

  NirImport.Options options() {
    if (!(dtMillis > 0) || Double.isInfinite(dtMillis)) {
      throw new IllegalArgumentException("--nir-dt " + dtMillis + ": must be > 0 ms");
    }
    return new NirImport.Options(dtMillis / 1000, Discretisation.parse(discretisation)); // NIR: s
  }
}
