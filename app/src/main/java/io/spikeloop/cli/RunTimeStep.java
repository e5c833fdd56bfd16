package io.spikeloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spikeloop.data.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The time step a run was trained at, in ms, as its {@code config.json} records it: key
 * {@code dtMs}; runs from before it was recorded have {@code options.dt} when {@code --dt} was
 * given and otherwise trained at their dataset's default step ({@code options.dataset}). The
 * time constants in model.slm are per-step decays, so every command that turns
 * them back into seconds (NIR export) needs this step; it never guesses one.
 */
final class RunTimeStep {
  private RunTimeStep() {}

  /**
   * The step to use: {@code givenMillis} when the user gave one (it must agree with a recorded
   * step), else the recorded one; a run that records none and no given step is refused.
   */
  static double resolve(Path run, Double givenMillis, String option) throws IOException {
    Double recorded = recorded(run);
    if (givenMillis != null) {
      if (!(givenMillis > 0) || givenMillis.isInfinite()) {
        throw new IllegalArgumentException(option + " " + givenMillis + ": must be > 0 ms");
      }
      if (recorded != null && Math.abs(recorded - givenMillis) > 1e-9 * recorded) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %s ms disagrees with "
            + "the %s ms run %s was trained at (config.json dtMs); leave %s out", option,
            givenMillis, recorded, run, option));
      }
      return givenMillis;
    }
    if (recorded == null) {
      throw new IllegalArgumentException("run " + run + " does not record its time step "
          + "(config.json has no dtMs): give " + option + " MS, the step it was trained at "
          + "(train's default: synthetic 1 ms, nmnist 3 ms, shd 10 ms)");
    }
    return recorded;
  }

  /** The run's config.json, or null when it has none; malformed JSON is named. */
  static JsonNode config(Path run) throws IOException {
    Path config = run.resolve("config.json");
    if (!Files.isRegularFile(config)) {
      return null;
    }
    try {
      return new ObjectMapper().readTree(config.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(config + ": not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static Double recorded(Path run) throws IOException {
    JsonNode root = config(run);
    if (root == null) {
      return null;
    }
    Path config = run.resolve("config.json");
    JsonNode dt = root.findValue("dtMs");
    if (dt == null || dt.isNull()) {
      dt = root.path("options").get("dt");
    }
    if (dt == null || dt.isNull()) {
      JsonNode dataset = root.path("options").get("dataset");
      return dataset == null || !dataset.isTextual() ? null
          : Datasets.defaultStepMs(dataset.asText());
    }
    if (!dt.isNumber() || !(dt.asDouble() > 0)) {
      throw new IOException(config + ": dtMs is " + dt + ", expected a number of ms > 0");
    }
    return dt.asDouble();
  }
}
