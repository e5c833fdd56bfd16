package io.spikeloop.optim;

/**
 * Forward propagation through time (FPTT, Kag and Saligrama, ICML 2021), the dynamic regulariser
 * the paper's discussion compares tBPTT1 with: every update adds
 * {@code l_dyn(W) = (alpha/2) |W - Wbar|^2 - <W, lambda>} to the step's loss, so the step's
 * gradient becomes {@code g + alpha (W - Wbar) - lambda}; after the optimizer step, with the new
 * {@code W},
 * <pre>
 *   lambda <- lambda - alpha (W - Wbar)
 *   Wbar   <- (1 - beta) Wbar + beta W - (beta / alpha) lambda
 * </pre>
 * ({@code Wbar} starts at the initial weights, {@code lambda} at 0). This is the form of the
 * authors' reference code with {@code rho = 0} and no debiasing, also used for spiking networks by
 * Yin, Corradi and Bohte (2023): {@code lambda} accumulates the past gradients, {@code Wbar} is a
 * running average of the weights pulled against them. It regularises every parameter at every
 * update (biases too), so it runs with dense optimizer schedules only, and costs two more values
 * per parameter. With {@code alpha = 0} it is off and the trainers do exactly what they did
 * without it.
 *
 * @param alpha regulariser strength, {@code >= 0} (0: off); the reference code uses 0.1 to 0.5
 * @param beta  running-average rate of {@code Wbar}, in {@code (0, 1]} (reference code: 0.5)
 */
public record Fptt(double alpha, double beta) {
  /** No regulariser. */
  public static final Fptt OFF = new Fptt(0, 0.5);

  public Fptt {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("FPTT alpha must be a finite value >= 0, got " + alpha);
    }
    if (!(beta > 0 && beta <= 1)) {
      throw new IllegalArgumentException("FPTT beta must be in (0, 1], got " + beta);
    }
  }

  public boolean enabled() {
    return alpha > 0;
  }

  /** The float64 optimizer with this regulariser around it ({@code inner} itself when off). */
  public Optimizer around(Optimizer inner) {
    return enabled() ? new FpttOptimizer(inner, this) : inner;
  }

  /** Two float values of state per parameter ({@code Wbar}, {@code lambda}) when on. */
  public int stateValuesPerParameter() {
    return enabled() ? 2 : 0;
  }
}
