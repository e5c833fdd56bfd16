package io.spikeloop.study;

import io.spikeloop.run.TrainOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One configuration of a study: a value per swept option ({@code settings}, in sweep order),
 * whether it is the float tBPTT1 baseline, and the extra train options every run shares.
 */
public record StudyConfig(int index, List<Setting> settings, boolean baseline,
                          List<String> extraArgs) {

  /** One option's value in this configuration. */
  public record Setting(String option, String value) {}

  public StudyConfig {
    settings = List.copyOf(settings);
    extraArgs = List.copyOf(extraArgs);
  }

  /** The value of a swept option, or null when this configuration does not set it. */
  public String value(String option) {
    for (Setting s : settings) {
      if (s.option().equals(option)) {
        return s.value();
      }
    }
    return null;
  }

  /** A readable label, e.g. {@code lr=1e-4 weight-bits=8} (the baseline says so). */
  public String label() {
    if (settings.isEmpty()) {
      return baseline ? "baseline" : "default";
    }
    return settings.stream().map(s -> s.option() + "=" + s.value())
        .collect(Collectors.joining(" ")) + (baseline ? " (baseline)" : "");
  }

  /** A file-name-safe id, e.g. {@code c03-lr_1e-4}. */
  public String id() {
    String text = settings.stream().map(s -> s.option() + "_" + s.value())
        .collect(Collectors.joining("-"));
    String safe = text.replaceAll("[^A-Za-z0-9._-]", "_");
    return String.format("c%02d", index) + (baseline && settings.isEmpty() ? "-baseline"
        : safe.isEmpty() ? "" : "-" + safe);
  }

  /** The options of one seed's run into {@code runDir}; bad values fail naming them. */
  public TrainOptions trainOptions(String dataset, long seed, Path runDir) {
    return TrainOptions.fromArgs(trainArgs(dataset, seed)).toBuilder().out(runDir).build();
  }

  /** The train arguments for one seed (without --out, which the runner adds). */
  public List<String> trainArgs(String dataset, long seed) {
    List<String> args = new ArrayList<>(List.of("--dataset", dataset, "--seed",
        Long.toString(seed)));
    args.addAll(extraArgs);
    for (Setting s : settings) {
      args.add("--" + s.option());
      args.add(s.value());
    }
    return args;
  }
}
