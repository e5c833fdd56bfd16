package io.spikeloop.optim;

/** Hyperparameters of an optimizer, validated; {@link #create(int[])} makes its float64 form. */
public sealed interface OptimizerSpec permits OptimizerSpec.Adam, OptimizerSpec.Sgd {

  double lr();

  /** A float64 optimizer for tensors of the given sizes, with fresh state. */
  Optimizer create(int[] sizes);

  /**
   * {@code torch.optim.Adam(lr, betas=(beta1, beta2), eps)}: per step {@code t = 1, 2, ...}
   * {@code m = beta1 m + (1-beta1) g}, {@code v = beta2 v + (1-beta2) g^2},
   * {@code w -= (lr / (1-beta1^t)) * m / (sqrt(v) / sqrt(1-beta2^t) + eps)}.
   */
  record Adam(double lr, double beta1, double beta2, double eps) implements OptimizerSpec {
    public static final Adam PAPER = new Adam(1e-3, 0.9, 0.999, 1e-8);

    public Adam {
      if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0)) {
        throw new IllegalArgumentException("Adam needs lr > 0, betas in [0, 1), eps >= 0; got lr="
            + lr + " betas=" + beta1 + "," + beta2 + " eps=" + eps);
      }
    }

    /** {@code lr / (1 - beta1^t)}, the step size of update {@code t} (1-based). */
    public double stepSize(long t) {
      return lr / (1 - Math.pow(beta1, t));
    }

    /** {@code sqrt(1 - beta2^t)}, the divisor of {@code sqrt(v)} at update {@code t}. */
    public double biasCorrection2Sqrt(long t) {
      return Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    public Optimizer create(int[] sizes) {
      return new AdamOptimizer(this, sizes);
    }
  }

  /**
   * {@code torch.optim.SGD(lr, momentum)} without dampening or Nesterov:
   * {@code buf = momentum buf + g} ({@code buf = g} at the first step), {@code w -= lr buf};
   * plain {@code w -= lr g} when momentum is 0.
   */
  record Sgd(double lr, double momentum) implements OptimizerSpec {
    public Sgd {
      if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
        throw new IllegalArgumentException("SGD needs lr > 0 and momentum in [0, 1); got lr=" + lr
            + " momentum=" + momentum);
      }
    }

    @Override
    public Optimizer create(int[] sizes) {
      return new SgdOptimizer(this, sizes);
    }
  }
}
