package io.spikeloop.train;

/** How a class is read from the output: at the last step (the paper's choice) or summed over steps. */
public enum Readout {
  LAST,
  SUM;

  /** The predicted class of sample {@code b} of an inference. */
  public int predict(SnnTrainer.Inference inference, int b) {
    double[] o = this == LAST ? inference.lastOutput()[b] : inference.summedOutput()[b];
    int best = 0;
    for (int k = 1; k < o.length; k++) {
      if (o[k] > o[best]) {
        best = k;
      }
    }
    return best;
  }
}
