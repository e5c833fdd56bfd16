package io.spikeloop.study;

import java.util.Arrays;
import java.util.List;

/**
 * One swept train option: {@code option} without its leading dashes (e.g. {@code lr}) and the
 * values it takes, in order. Parsed from {@code name=v1,v2,...}; values that contain commas
 * themselves (e.g. {@code betas=0.9,0.999;0.99,0.999}) are separated by semicolons instead.
 *
 * <p>{@code follows} is null for a dimension of the study's grid; otherwise it names the grid
 * option this one moves with: its i-th value goes with the leader's i-th value (a learning rate
 * scaled with a truncation length, say), so it adds no dimension to the grid.
 */
public record Sweep(String option, List<String> values, String follows) {
  public Sweep(String option, List<String> values) {
    this(option, values, null);
  }

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
    // A paired option may repeat values (two truncation lengths can share a rate).
    if (follows == null && values.stream().distinct().count() != values.size()) {
      throw new IllegalArgumentException("sweep " + option + " repeats a value: " + values);
    }
  }

  /** Parses {@code name=v1,v2} or {@code name=v1;v2}; the name may carry leading dashes. */
  public static Sweep parse(String text) {
    return parse(text, null, "--sweep wants name=v1,v2,..., got '" + text + "'");
  }

  private static Sweep parse(String text, String follows, String malformed) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new IllegalArgumentException(malformed);
    }
    String name = text.substring(0, eq).replaceFirst("^--?", "");
    String list = text.substring(eq + 1);
    String separator = list.contains(";") ? ";" : ",";
    return new Sweep(name, Arrays.stream(list.split(separator, -1)).map(String::trim).toList(),
        follows);
  }

  /**
   * Parses {@code leader:name=v1,v2} (for {@code --pair}): {@code name} takes its i-th value
   * wherever {@code leader} takes its i-th.
   */
  public static Sweep parsePaired(String text) {
    int colon = text.indexOf(':');
    int eq = text.indexOf('=');
    String malformed = "--pair wants leader:name=v1,v2,... (e.g. k:lr=4e-5,1e-4), got '"
        + text + "'";
    if (colon <= 0 || eq < colon) {
      throw new IllegalArgumentException(malformed);
    }
    return parse(text.substring(colon + 1),
        text.substring(0, colon).replaceFirst("^--?", "").trim(), malformed);
  }

  public boolean paired() {
    return follows != null;
  }

  public String flag() {
    return "--" + option;
  }
}
