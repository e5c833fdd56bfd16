package io.spikeloop.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.placement.LearningCost;
import io.spikeloop.train.EpochMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run produced.
 *
 * @param options          the options it ran with, every dataset-dependent one resolved
 * @param epochs           the metrics of every epoch (of the whole run when resumed)
 * @param bestTestAccuracy best test accuracy over the epochs, in [0, 1]
 * @param lastTestAccuracy test accuracy after the last epoch, in [0, 1]
 * @param lastFiveTestAccuracy mean test accuracy of the last five epochs, in [0, 1]
 * @param onlineTrainAccuracy online training accuracy of the last epoch, in [0, 1]
 * @param trainSamplesPerSecond training throughput
 * @param classes          classes of the dataset (chance is 1 / classes)
 * @param cost             device cost per training sample ({@link LearningCost#NONE} on the host)
 * @param parameters       the trained network (float64)
 * @param runDir           the run folder, or null when none was written
 * @param summary          the same as one JSON object: the run folder's {@code result.json} and
 *                         {@code train --json}'s line (docs/java-api.md lists its fields)
 */
public record TrainResult(TrainOptions options, List<EpochMetrics> epochs,
                          double bestTestAccuracy, double lastTestAccuracy,
                          double lastFiveTestAccuracy, double onlineTrainAccuracy,
                          double trainSamplesPerSecond, int classes, LearningCost cost,
                          SnnParameters parameters, Path runDir, ObjectNode summary) {
  public TrainResult {
    epochs = List.copyOf(epochs);
    summary = summary.deepCopy();
  }

  /** A copy of the JSON summary (the record holds its own). */
  @Override
  public ObjectNode summary() {
    return summary.deepCopy();
  }

  /** Whether the run trained on a device (its cost is then measured). */
  public boolean onDevice() {
    return !options.placement().equals("host-float");
  }
}
