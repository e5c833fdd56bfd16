package io.spikeloop.study;

import java.util.Arrays;
import java.util.List;

/**
 * One swept train option: {@code option} without its leading dashes (e.g. {@code lr}) and the
 * values it takes, in order. Parsed from {@code name=v1,v2,...}; values that contain commas
 * themselves (e.g. {@code betas=0.9,0.999;0.99,0.999}) are separated by semicolons instead.
 */
public record Sweep(String option, List<String> values) {
  public Sweep {
    if (option == null || !option.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("sweep option must be a train option name like lr or "
          + "weight-bits, got '" + option + "'");
    }
    values = List.copyOf(values);
    if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("sweep " + option + " needs non-empty values, got "
          + values);
    }
    if (values.stream().distinct().count() != values.size()) {
      throw new IllegalArgumentException("sweep " + option + " repeats a value: " + values);
    }
  }

  /** Parses {@code name=v1,v2} or {@code name=v1;v2}; the name may carry leading dashes. */
  public static Sweep parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new IllegalArgumentException("--sweep wants name=v1,v2,..., got '" + text + "'");
    }
    String name = text.substring(0, eq).replaceFirst("^--?", "");
    String list = text.substring(eq + 1);
    String separator = list.contains(";") ? ";" : ",";
    return new Sweep(name, Arrays.stream(list.split(separator, -1)).map(String::trim).toList());
  }

  public String flag() {
    return "--" + option;
  }
}
