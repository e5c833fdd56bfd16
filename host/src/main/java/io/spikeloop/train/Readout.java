package io.spikeloop.train;

/** How a class is read from the output: at the last step (the paper's choice) or summed over steps. */
public enum Readout {
  LAST,
  SUM;

  /** The predicted class of sample {@code b} of an inference. */
  public int predict(SnnTrainer.Inference inference, int b) {
    return predict(inference.lastOutput()[b], inference.summedOutput()[b]);
  }

  /**
   * The predicted class from a sample's output at its last step and its outputs summed over its
   * steps: the first largest entry of the one this readout reads.
   */
  public int predict(double[] last, double[] summed) {
    double[] o = this == LAST ? last : summed;
    int best = 0;
    for (int k = 1; k < o.length; k++) {
      if (o[k] > o[best]) {
        best = k;
      }
    }
    return best;
  }

  /** The readout a run's {@code readout} option names ("last" or "sum", any case). */
  public static Readout of(String name) {
    for (Readout r : values()) {
      if (r.name().equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("readout '" + name + "': give last or sum");
  }
}
