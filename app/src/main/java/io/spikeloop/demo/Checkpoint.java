package io.spikeloop.demo;

/**
 * One measurement point of the stream, for one arm.
 *
 * @param arm                 {@code learning} or {@code frozen}
 * @param samples             training samples streamed so far
 * @param stage               index of the current stage
 * @param endOfStage          whether this point closes its stage
 * @param seenAccuracy        accuracy on the evaluation sets of stages 0..stage together
 * @param stageAccuracy       accuracy per stage (NaN for stages not yet seen)
 * @param forgetting          mean forgetting of the stages before {@code stage} ({@link Forgetting})
 * @param joulesPerSample     device energy per streamed sample since the previous point
 *                            (forward + learning engine; forward only for the frozen arm)
 * @param learningJoulesPerSample the learning engine's share (0 for the frozen arm)
 * @param cyclesPerSample     core cycles per streamed sample since the previous point
 */
public record Checkpoint(String arm, long samples, int stage, boolean endOfStage,
                         double seenAccuracy, double[] stageAccuracy, double forgetting,
                         double joulesPerSample, double learningJoulesPerSample,
                         double cyclesPerSample) {
  public Checkpoint {
    if (!arm.equals("learning") && !arm.equals("frozen")) {
      throw new IllegalArgumentException("arm must be learning or frozen, got " + arm);
    }
    if (stage < 0 || stage >= stageAccuracy.length) {
      throw new IllegalArgumentException("stage " + stage + " outside [0, "
          + stageAccuracy.length + ")");
    }
    stageAccuracy = stageAccuracy.clone();
  }

  @Override
  public double[] stageAccuracy() {
    return stageAccuracy.clone();
  }
}
