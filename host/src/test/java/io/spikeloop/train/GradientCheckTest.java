package io.spikeloop.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.model.ParameterTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.model.SpikeFunction;
import io.spikeloop.model.Surrogate;
import io.spikeloop.optim.OptimizerSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite-difference check of the hand-derived backward pass, for every parameter. The Heaviside
 * spike makes the true loss piecewise constant, so finite differences of it say nothing; instead
 * the spike is replaced by the smooth function {@code S(x) = integral of the surrogate}, whose
 * true derivative is exactly the double-Gaussian surrogate. Backpropagation through the model with
 * S must then equal finite differences of its loss: this exercises every path of the derivation
 * (output integrator, recurrence, reset term, leak, layer to layer) with the production surrogate,
 * and, with a shaped {@link TrainingObjective}, the loss mask and the rate penalty.
 */
class GradientCheckTest {

  /** {@code S(x) = gamma [(1+h) Phi(x/s) - h Phi((x-s)/w) - h Phi((x+s)/w)]}, w = scale * s. */
  record IntegratedSurrogate(Surrogate g) implements SpikeFunction {
    @Override
    public double value(double x) {
      double s = g.sigma();
      double w = g.scale() * s;
      return g.gamma() * ((1 + g.height()) * phi(x / s) - g.height() * phi((x - s) / w)
          - g.height() * phi((x + s) / w));
    }

    @Override
    public double derivative(double x) {
      return g.derivative(x);
    }
  }

  /** Standard normal CDF to ~1e-14: erf series for small, continued fraction for large args. */
  static double phi(double x) {
    double y = Math.abs(x) / Math.sqrt(2);
    double erfc;
    if (y < 3) {
      double term = y;
      double sum = y;
      for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
        term *= -y * y / n;
        sum += term / (2 * n + 1);
      }
      erfc = 1 - 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double k = y;
      for (int n = 80; n >= 1; n--) {
        k = y + (n / 2.0) / k;
      }
      erfc = Math.exp(-y * y) / Math.sqrt(Math.PI) / k;
    }
    return x >= 0 ? 1 - erfc / 2 : erfc / 2;
  }

  @ParameterizedTest(name = "hidden={0} recurrent={1} batch={2} steps={3} shaped={4}")
  @CsvSource({"5, true, 2, 6, false", "5;4, true, 2, 5, false", "6;3, false, 3, 5, false",
      "4, false, 1, 1, false", "5, true, 2, 6, true", "5;4, true, 3, 5, true"})
  void backpropagationMatchesFiniteDifferencesForEveryParameter(String hidden, boolean recurrent,
                                                                int batch, int steps,
                                                                boolean shaped) {
    List<Integer> sizes = java.util.Arrays.stream(hidden.split(";")).map(String::trim)
        .map(Integer::valueOf).toList();
    SnnConfig config = new SnnConfig(7, sizes, recurrent, 3, 0.9, 0.85, 1.0, Surrogate.DEFAULT);
    SnnParameters params = SnnParameters.initialise(config, 11);
    SplittableRandom random = new SplittableRandom(5);
    // Larger weights than the default so that membranes cross threshold in places.
    for (ParameterTensor t : params.tensors()) {
      for (int i = 0; i < t.values().length; i++) {
        t.values()[i] = 2.5 * t.values()[i] + 0.1;
      }
    }
    double[][][] x = new double[steps][batch][config.inputs()];
    int[] y = new int[batch];
    for (int b = 0; b < batch; b++) {
      y[b] = random.nextInt(3);
      for (int t = 0; t < steps; t++) {
        for (int i = 0; i < config.inputs(); i++) {
          x[t][b][i] = random.nextDouble() < 0.4 ? 1 : 0;
        }
      }
    }
    // Shaped: the first step carries no loss, nor the trailing silence of sample 0 (its last two
    // steps); every step adds the rate term of both layers.
    TrainingObjective objective = shaped ? new TrainingObjective(1, true, 0.7, 0)
        : TrainingObjective.PLAIN;
    if (shaped) {
      for (int t = steps - 2; t < steps; t++) {
        java.util.Arrays.fill(x[t][0], 0);
      }
    }
    ReferenceTrainer trainer = new ReferenceTrainer(params,
        new IntegratedSurrogate(Surrogate.DEFAULT), TrainingMode.BPTT, OptimizerSpec.Adam.PAPER,
        objective);
    SnnParameters grad = trainer.gradient(x, y);
    double h = 1e-6;
    int checked = 0;
    double largest = 0;
    for (int ti = 0; ti < params.tensors().size(); ti++) {
      double[] w = params.tensors().get(ti).values();
      double[] g = grad.tensors().get(ti).values();
      for (int i = 0; i < w.length; i++) {
        double keep = w[i];
        w[i] = keep + h;
        double up = trainer.loss(x, y);
        w[i] = keep - h;
        double down = trainer.loss(x, y);
        w[i] = keep;
        double numeric = (up - down) / (2 * h);
        largest = Math.max(largest, Math.abs(numeric));
        assertTrue(Math.abs(g[i] - numeric) <= 1e-8 + 1e-5 * Math.abs(numeric),
            params.tensors().get(ti).name() + "[" + i + "]: backprop " + g[i] + " vs finite "
                + "difference " + numeric);
        checked++;
      }
    }
    assertTrue(checked == config.parameterCount() && largest > 1e-3,
        "checked " + checked + " parameters, largest gradient " + largest);
  }
}
