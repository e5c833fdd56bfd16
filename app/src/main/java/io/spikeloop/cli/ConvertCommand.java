package io.spikeloop.cli;

import picocli.CommandLine.Command;

/** {@code convert}: raw recordings to spikes (audio) or events (images). */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Convert raw recordings into spike datasets.",
    subcommands = {ConvertAudioCommand.class, ConvertImagesCommand.class})
public final class ConvertCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
