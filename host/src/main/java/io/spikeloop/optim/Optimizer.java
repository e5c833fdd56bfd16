package io.spikeloop.optim;

/** A float64 optimizer with its state: updates parameter arrays in place from their gradients. */
public interface Optimizer {
  /** One update: {@code params[i]} moves by the rule applied to {@code grads[i]}. */
  void step(double[][] params, double[][] grads);

  /** Updates done so far. */
  long steps();
}
