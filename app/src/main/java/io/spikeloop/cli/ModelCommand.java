package io.spikeloop.cli;

import picocli.CommandLine.Command;

/** {@code model}: look at trained-network files. */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "Inspect trained-network files (model.slm).",
    subcommands = {ModelInfoCommand.class})
public final class ModelCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
