package io.spikeloop.train;

/**
 * One epoch: mean training loss; online training accuracy (prediction at the end of each training
 * sample, from the output as computed while training on it); test accuracy; mean hidden spikes and
 * SOPs per test sample; training throughput (samples per wall-clock second, evaluation excluded).
 */
public record EpochMetrics(int epoch, double trainLoss, double onlineTrainAccuracy,
                           double testAccuracy, double spikesPerSample, double sopsPerSample,
                           double trainSamplesPerSecond, double trainSeconds) {

  public static final String CSV_HEADER = "epoch,trainLoss,onlineTrainAccuracy,testAccuracy,"
      + "spikesPerSample,sopsPerSample,trainSamplesPerSecond,trainSeconds";

  public String csvRow() {
    return epoch + "," + trainLoss + "," + onlineTrainAccuracy + "," + testAccuracy + ","
        + spikesPerSample + "," + sopsPerSample + "," + trainSamplesPerSecond + "," + trainSeconds;
  }
}
