package io.spikeloop.demo;

import java.util.List;

/**
 * What a continual run measured.
 *
 * @param stream          {@code classes} or {@code speakers}
 * @param stageNames      the stages in arrival order
 * @param device          the device's name
 * @param method          the continual-learning method of the learning arm
 * @param learning        the learning arm's checkpoints in stream order
 * @param frozen          the frozen arm's checkpoints (identical to learning in stage 0)
 * @param learningMatrix  accuracy on stage j (column) after stage l (row), learning arm
 * @param frozenMatrix    the same for the frozen arm
 * @param jointStageAccuracy the upper bound's accuracy per stage (trained on-chip on the shuffled
 *                        union of all stages), or null when not run
 * @param jointAccuracy   the upper bound's accuracy on all stages together (NaN when not run)
 * @param memory          device memory of the network's weights and of the method
 * @param seconds         wall time of the run
 */
public record ContinualResult(String stream, List<String> stageNames, String device,
                              String method, List<Checkpoint> learning, List<Checkpoint> frozen,
                              double[][] learningMatrix, double[][] frozenMatrix,
                              double[] jointStageAccuracy, double jointAccuracy,
                              ContinualDemo.Memory memory, double seconds) {
  public ContinualResult {
    if (learning.size() != frozen.size() || learning.isEmpty()) {
      throw new IllegalArgumentException("both arms need the same non-empty checkpoints, got "
          + learning.size() + " and " + frozen.size());
    }
    stageNames = List.copyOf(stageNames);
    learning = List.copyOf(learning);
    frozen = List.copyOf(frozen);
  }

  public Checkpoint lastLearning() {
    return learning.get(learning.size() - 1);
  }

  public Checkpoint lastFrozen() {
    return frozen.get(frozen.size() - 1);
  }

  /** Mean final accuracy over the stages after the first (what the frozen model never saw). */
  public static double laterStagesAccuracy(Checkpoint last) {
    double[] a = last.stageAccuracy();
    double sum = 0;
    for (int j = 1; j < a.length; j++) {
      sum += a[j];
    }
    return sum / (a.length - 1);
  }

  /** Mean learning-arm energy per streamed sample over the whole stream. */
  public double meanLearningJoulesPerSample() {
    return weightedMean(learning, true);
  }

  public double meanLearningCyclesPerSample() {
    return weightedMean(learning, false);
  }

  private static double weightedMean(List<Checkpoint> points, boolean joules) {
    double sum = 0;
    long previous = 0;
    for (Checkpoint c : points) {
      sum += (joules ? c.joulesPerSample() : c.cyclesPerSample()) * (c.samples() - previous);
      previous = c.samples();
    }
    return sum / previous;
  }
}
