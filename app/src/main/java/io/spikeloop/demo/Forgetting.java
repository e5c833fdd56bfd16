package io.spikeloop.demo;

/**
 * Forgetting of a stage: the best accuracy it had at an earlier end of stage minus its accuracy
 * now. With {@code endOfStage[l][j]} the accuracy on stage j's evaluation set after training
 * stage l, and {@code now[j]} the accuracy at a point inside (or at the end of) stage i, stage
 * j < i has forgotten {@code max_{l in [j, i-1]} endOfStage[l][j] - now[j]}. Stage 0 has no
 * earlier stage, so nothing is forgotten there.
 */
public final class Forgetting {
  private Forgetting() {}

  /** Forgetting of each stage j < {@code stage} (length {@code stage}). */
  public static double[] perStage(double[][] endOfStage, int stage, double[] now) {
    if (stage > endOfStage.length) {
      throw new IllegalArgumentException("stage " + stage + " needs the " + stage
          + " earlier end-of-stage rows, got " + endOfStage.length);
    }
    double[] forgot = new double[stage];
    for (int j = 0; j < stage; j++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int l = j; l < stage; l++) {
        best = Math.max(best, endOfStage[l][j]);
      }
      forgot[j] = best - now[j];
    }
    return forgot;
  }

  /** Mean forgetting over the stages before {@code stage} (0 in stage 0). */
  public static double mean(double[][] endOfStage, int stage, double[] now) {
    double[] f = perStage(endOfStage, stage, now);
    double sum = 0;
    for (double v : f) {
      sum += v;
    }
    return f.length == 0 ? 0 : sum / f.length;
  }
}
