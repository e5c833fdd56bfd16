package io.spikeloop.study;

import com.fasterxml.jackson.databind.JsonNode;
import io.spikeloop.run.TrainOptions;
import io.spikeloop.run.TrainRun;

/** Runs one training with the given options and returns its JSON summary ({@code result.json}). */
@FunctionalInterface
public interface TrainLauncher {

  JsonNode train(TrainOptions options) throws Exception;

  /** {@link TrainRun} in this JVM (no start-up cost, one thread per run), silent. */
  static TrainLauncher inProcess() {
    return options -> TrainRun.run(options, TrainRun.SILENT).summary();
  }
}
