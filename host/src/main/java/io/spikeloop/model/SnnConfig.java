package io.spikeloop.model;

import java.util.List;

/**
 * Shape and constants of the network: {@code inputs} channels, one or more LIF hidden layers
 * (sizes in {@code hidden}, all recurrent or none), a leaky-integrator output of {@code outputs}
 * units. Per hidden layer {@code u_t = alpha (u_{t-1} - theta z_{t-1}) + W_in x_t + W_rec z_{t-1} + b},
 * {@code z_t = H(u_t - theta)}; output {@code o_t = kappa o_{t-1} + W_out z_t + b_out}. Layer
 * {@code l+1} receives the spikes layer {@code l} emits in the same step.
 */
public record SnnConfig(int inputs, List<Integer> hidden, boolean recurrent, int outputs,
                        double alpha, double kappa, double theta, Surrogate surrogate) {

  public SnnConfig {
    hidden = List.copyOf(hidden);
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
    }
    if (hidden.isEmpty()) {
      throw new IllegalArgumentException("at least one hidden layer is needed");
    }
    for (int n : hidden) {
      if (n < 1) {
        throw new IllegalArgumentException("hidden layer sizes must be >= 1, got " + hidden);
      }
    }
    if (outputs < 1) {
      throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
    }
    if (!(alpha >= 0 && alpha <= 1) || !(kappa >= 0 && kappa <= 1)) {
      throw new IllegalArgumentException("alpha and kappa must lie in [0, 1], got alpha=" + alpha
          + " kappa=" + kappa);
    }
    if (!(theta > 0)) {
      throw new IllegalArgumentException("theta must be > 0, got " + theta);
    }
    if (surrogate == null) {
      throw new IllegalArgumentException("surrogate is required");
    }
  }

  /**
   * A network with decays from time constants: {@code alpha = exp(-dt/tauMem)},
   * {@code kappa = exp(-dt/tauOut)}, threshold 1 and the default surrogate.
   */
  public static SnnConfig of(int inputs, List<Integer> hidden, boolean recurrent, int outputs,
                             double dt, double tauMem, double tauOut) {
    if (!(dt > 0) || !(tauMem > 0) || !(tauOut > 0)) {
      throw new IllegalArgumentException("dt, tau-mem and tau-out must be > 0, got dt=" + dt
          + " tauMem=" + tauMem + " tauOut=" + tauOut);
    }
    return new SnnConfig(inputs, hidden, recurrent, outputs, Math.exp(-dt / tauMem),
        Math.exp(-dt / tauOut), 1.0, Surrogate.DEFAULT);
  }

  public int layers() {
    return hidden.size();
  }

  /** Size of hidden layer {@code l}. */
  public int hiddenSize(int l) {
    return hidden.get(l);
  }

  /** Fan-in of hidden layer {@code l} from below (inputs, or the previous layer). */
  public int layerInputs(int l) {
    return l == 0 ? inputs : hidden.get(l - 1);
  }

  public int lastHidden() {
    return hidden.get(hidden.size() - 1);
  }

  /** Number of trainable parameters. */
  public long parameterCount() {
    long n = 0;
    for (int l = 0; l < layers(); l++) {
      long size = hiddenSize(l);
      n += size * layerInputs(l) + size + (recurrent ? size * size : 0);
    }
    return n + (long) outputs * lastHidden() + outputs;
  }
}
