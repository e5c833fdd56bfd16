package io.spikeloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The data a command evaluates a run on: what the user gave, else what the run's
 * {@code config.json} records ({@code options.dataset}, {@code options.dtMs}, {@code
 * options.steps}, {@code options.seed}), else the defaults (synthetic, the dataset's binning,
 * seed 1). Evaluating a run on the data it was trained for is what a user means by
 * {@code eval --run DIR}; a synthetic test split also depends on the seed.
 */
record RunDataset(String dataset, Double dtMs, Integer steps, long seed) {

  static RunDataset of(Path run, String dataset, Double dtMs, Integer steps, Long seed)
      throws IOException {
    JsonNode options = run == null ? null : recordedOptions(run);
    if (options != null) {
      if (dataset == null && options.path("dataset").isTextual()) {
        dataset = options.get("dataset").asText();
      }
      boolean sameData = dataset == null || dataset.equals(options.path("dataset").asText());
      if (sameData && dtMs == null && options.path("dtMs").isNumber()) {
        dtMs = options.get("dtMs").asDouble();
      }
      if (sameData && steps == null && options.path("steps").isInt()) {
        steps = options.get("steps").asInt();
      }
      if (sameData && seed == null && options.path("seed").canConvertToLong()) {
        seed = options.get("seed").asLong();
      }
    }
    return new RunDataset(dataset == null ? "synthetic" : dataset, dtMs, steps,
        seed == null ? 1 : seed);
  }

  /** The {@code options} object of {@code run}'s config.json; null when it has none. */
  static JsonNode recordedOptions(Path run) throws IOException {
    JsonNode root = RunTimeStep.config(run);
    JsonNode options = root == null ? null : root.path("options");
    return options != null && options.isObject() ? options : null;
  }
}
