package io.spikeloop.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * One run of a study: a configuration and seed, its run folder, and either train's JSON summary
 * ({@code result}) or the {@code error} that stopped it; {@code seconds} of wall-clock time.
 */
public record RunOutcome(StudyConfig config, long seed, Path runDir, JsonNode result,
                         String error, double seconds) {
  public RunOutcome {
    if ((result == null) == (error == null)) {
      throw new IllegalArgumentException("a run has either a result or an error");
    }
  }

  public boolean ok() {
    return result != null;
  }

  /** A numeric field of the result, or NaN (failed run, or a field this run lacks). */
  public double number(String field) {
    if (result == null || !result.has(field) || !result.get(field).isNumber()) {
      return Double.NaN;
    }
    return result.get(field).asDouble();
  }
}
