package io.spikeloop.cli;

import io.spikeloop.nir.Discretisation;
import io.spikeloop.nir.NirImport;
import picocli.CommandLine.Option;

/**
 * How to read the time constants of a NIR file written by another tool (NIR carries no step);
 * files spikeloop wrote say it themselves in their {@code /spikeloop} group, which wins.
 */
public final class NirReadOptions {
  @Option(names = "--nir-dt", defaultValue = "1e-4", paramLabel = "SECONDS",
      description = "Step the NIR time constants are read at, for files from other tools "
          + "(default: ${DEFAULT-VALUE}, snnTorch's export step; Norse uses 1e-3).")
  double dt;

  @Option(names = "--nir-discretisation", defaultValue = "euler", paramLabel = "RULE",
      description = "tau -> per-step decay for files from other tools: euler (1 - dt/tau, "
          + "snnTorch/Norse) or exact (exp(-dt/tau)) (default: ${DEFAULT-VALUE}).")
  String discretisation;

  NirImport.Options options() {
    return new NirImport.Options(dt, Discretisation.parse(discretisation));
  }
}
