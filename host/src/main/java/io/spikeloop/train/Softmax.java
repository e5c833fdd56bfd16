package io.spikeloop.train;

/**
 * The float readout arithmetic every trainer and placement shares: softmax of the outputs, the
 * per-step cross-entropy loss, and the predicted class. All computed stably (shifted by the
 * largest output).
 */
public final class Softmax {
  private Softmax() {}

  /** {@code softmax(o)} as a new array. */
  public static double[] probabilities(double[] o) {
    double max = max(o);
    double sum = 0;
    double[] p = new double[o.length];
    for (int i = 0; i < o.length; i++) {
      p[i] = Math.exp(o[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < o.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** {@code -log softmax(o)[label]}. */
  public static double crossEntropy(double[] o, int label) {
    double max = max(o);
    double sum = 0;
    for (double v : o) {
      sum += Math.exp(v - max);
    }
    return Math.log(sum) + max - o[label];
  }

  /**
   * The output error of a chip's integer readout: with {@code v = o / outputScale}, fills
   * {@code e = softmax(v) - onehot(label)} (the gradient of the cross-entropy by {@code v}) and
   * returns {@code -log softmax(v)[label]}. {@code e} holds at least {@code o.length} values.
   */
  public static double error(int[] o, double outputScale, int label, double[] e) {
    int outputs = o.length;
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < outputs; k++) {
      max = Math.max(max, o[k] / outputScale);
    }
    double sum = 0;
    for (int k = 0; k < outputs; k++) {
      e[k] = Math.exp(o[k] / outputScale - max);
      sum += e[k];
    }
    double loss = Math.log(sum) + max - o[label] / outputScale;
    for (int k = 0; k < outputs; k++) {
      e[k] = e[k] / sum - (k == label ? 1 : 0);
    }
    return loss;
  }

  /** Index of the largest value (the first on ties). */
  public static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double max(double[] o) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : o) {
      max = Math.max(max, v);
    }
    return max;
  }
}
