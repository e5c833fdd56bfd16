package io.spikeloop.cli;

import picocli.CommandLine.Command;

/** {@code data}: look at datasets. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect datasets.",
    subcommands = {DataInfoCommand.class})
public final class DataCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
