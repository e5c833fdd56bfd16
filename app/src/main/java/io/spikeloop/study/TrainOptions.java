package io.spikeloop.study;

import io.spikeloop.cli.SpikeloopCli;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What {@code spikeloop train} accepts, read from its picocli declaration, so a study can sweep
 * any train option (including ones added after this class was written) and refuses misspelt ones
 * before running anything.
 */
public final class TrainOptions {
  /** Options the study sets itself for every run. */
  static final Set<String> RESERVED = Set.of("out", "json", "seed", "dataset", "metrics-port",
      "resume", "no-progress", "no-report", "help", "version");

  private final CommandLine.Model.CommandSpec train;

  private TrainOptions(CommandLine.Model.CommandSpec train) {
    this.train = train;
  }

  public static TrainOptions current() {
    CommandLine train = SpikeloopCli.commandLine().getSubcommands().get("train");
    if (train == null) {
      throw new IllegalStateException("the CLI has no train command");
    }
    return new TrainOptions(train.getCommandSpec());
  }

  public boolean exists(String option) {
    return train.findOption("--" + option) != null;
  }

  /** Fails naming the option when train does not have it or the study owns it. */
  public void checkSweepable(String option) {
    if (RESERVED.contains(option)) {
      throw new IllegalArgumentException("--" + option + " cannot be swept: the study sets it"
          + (option.equals("seed") ? " (use --seeds)" : ""));
    }
    if (!exists(option)) {
      throw new IllegalArgumentException("train has no option --" + option + " to sweep");
    }
  }

  /** {@code args} without any occurrence of {@code options} (and their values). */
  public List<String> without(List<String> args, Set<String> options) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : null;
      if (name != null && options.contains(name)) {
        OptionSpec spec = train.findOption("--" + name);
        boolean valueFollows = !arg.contains("=") && spec != null && spec.arity().max() > 0;
        if (valueFollows) {
          i++;
        }
        continue;
      }
      kept.add(arg);
    }
    return kept;
  }

  /** The option names (without dashes) that {@code args} set. */
  public static List<String> named(List<String> args) {
    List<String> names = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.length() > 2) {
        names.add(arg.substring(2).split("=", 2)[0]);
      }
    }
    return names;
  }
}
