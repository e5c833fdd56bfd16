package io.spikeloop.study;

import io.spikeloop.run.TrainOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which train options a study may sweep or pass on: every {@link TrainOptions} option (including
 * ones added after this class was written) except those the study sets itself; misspelt ones are
 * refused before anything runs.
 */
public final class SweepableOptions {
  /** Options the study sets itself for every run (and the CLI's printing options). */
  static final Set<String> RESERVED = Set.of("out", "force", "json", "seed", "dataset",
      "metrics-port", "resume", "no-progress", "no-report", "help", "version");

  private SweepableOptions() {}

  public static boolean exists(String option) {
    return TrainOptions.names().contains(option);
  }

  /** Fails naming the option when train does not have it or the study owns it. */
  public static void checkSweepable(String option) {
    if (RESERVED.contains(option)) {
      throw new IllegalArgumentException("--" + option + " cannot be swept: the study sets it"
          + (option.equals("seed") ? " (use --seeds)" : ""));
    }
    if (!exists(option)) {
      throw new IllegalArgumentException("train has no option --" + option + " to sweep");
    }
  }

  /** {@code args} without any occurrence of {@code options} (and their values). */
  public static List<String> without(List<String> args, Set<String> options) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : null;
      if (name != null && options.contains(name)) {
        boolean valueFollows = !arg.contains("=") && exists(name) && !TrainOptions.isFlag(name);
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
