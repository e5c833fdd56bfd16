package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A tiny logistic regression trained with float Adam on float weights and with quantized Adam on
 * int8 core weights (int16 masters): both must converge. The quantized model's forward pass uses
 * the int8 core weights, as the chip would.
 */
class QuantizedAdamConvergenceTest {
  static final int FEATURES = 16;
  static final int SAMPLES = 512;
  static final int BATCH = 16;
  static final int EPOCHS = 15;
  static final double LR = 0.02;
  /** Float value of one int8 weight step: weights span [-4, 4). */
  static final double WEIGHT_LSB = 1.0 / 32;

  record Problem(double[][] x, int[] y) {}

  static Problem problem(long seed) {
    Random rnd = new Random(seed);
    double[] truth = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      truth[j] = rnd.nextGaussian() * (j < 4 ? 2 : 0.3);
    }
    double[][] x = new double[SAMPLES][FEATURES + 1];
    int[] y = new int[SAMPLES];
    for (int s = 0; s < SAMPLES; s++) {
      double z = 0.5;
      for (int j = 0; j < FEATURES; j++) {
        x[s][j] = rnd.nextGaussian();
        z += truth[j] * x[s][j];
      }
      x[s][FEATURES] = 1; // bias input
      y[s] = rnd.nextDouble() < 1 / (1 + Math.exp(-3 * z)) ? 1 : 0;
    }
    return new Problem(x, y);
  }

  /** Mean loss and the batch gradient of the logistic loss at weights {@code w}. */
  static double lossAndGradient(Problem p, double[] w, int from, int to, double[] grad) {
    java.util.Arrays.fill(grad, 0);
    double loss = 0;
    for (int s = from; s < to; s++) {
      double z = 0;
      for (int j = 0; j < w.length; j++) {
        z += w[j] * p.x()[s][j];
      }
      double prob = 1 / (1 + Math.exp(-z));
      loss += -(p.y()[s] == 1 ? Math.log(prob + 1e-12) : Math.log(1 - prob + 1e-12));
      for (int j = 0; j < w.length; j++) {
        grad[j] += (prob - p.y()[s]) * p.x()[s][j] / (to - from);
      }
    }
    return loss / (to - from);
  }

  static double accuracy(Problem p, double[] w) {
    int right = 0;
    for (int s = 0; s < SAMPLES; s++) {
      double z = 0;
      for (int j = 0; j < w.length; j++) {
        z += w[j] * p.x()[s][j];
      }
      right += (z >= 0 ? 1 : 0) == p.y()[s] ? 1 : 0;
    }
    return right / (double) SAMPLES;
  }

  @Test
  void quantizedAdamConvergesLikeFloatAdam() {
    Problem p = problem(17);
    int n = FEATURES + 1;
    double[] grad = new double[n];
    double[] delta = new double[n];

    double[] wf = new double[n];
    FloatAdam adamF = new FloatAdam(n, LR, 0.9, 0.999, 1e-8);
    double initialLoss = lossAndGradient(p, wf, 0, SAMPLES, grad);

    QuantizedAdamConfig c = QuantizedAdamConfig.fromFloat(8, 8, LR / WEIGHT_LSB * 256, 0.9,
        0.999, 1e-8, 8, 8);
    QuantizedAdamConfig c4 = c.withStateBits(4);
    double[] lossQ = new double[2];
    double[] accQ = new double[2];
    for (int variant = 0; variant < 2; variant++) {
      QuantizedAdamConfig config = variant == 0 ? c : c4;
      QuantizedAdam adamQ = new QuantizedAdam(config);
      QuantizedAdamState state = QuantizedAdamState.initial(config, n, 5);
      int[] master = new int[n];
      int[] core = new int[n];
      int[] gq = new int[n];
      double[] wq = new double[n];
      for (int epoch = 0; epoch < EPOCHS; epoch++) {
        for (int b = 0; b < SAMPLES; b += BATCH) {
          for (int j = 0; j < n; j++) {
            wq[j] = core[j] * WEIGHT_LSB;
          }
          lossAndGradient(p, wq, b, b + BATCH, grad);
          int e = GradientQuantizer.quantize(grad, gq);
          state = adamQ.step(state, gq, e, master, core);
        }
      }
      for (int j = 0; j < n; j++) {
        wq[j] = core[j] * WEIGHT_LSB;
      }
      lossQ[variant] = lossAndGradient(p, wq, 0, SAMPLES, grad);
      accQ[variant] = accuracy(p, wq);
    }

    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      for (int b = 0; b < SAMPLES; b += BATCH) {
        lossAndGradient(p, wf, b, b + BATCH, grad);
        adamF.step(grad, delta);
        for (int j = 0; j < n; j++) {
          wf[j] -= delta[j];
        }
      }
    }
    double lossF = lossAndGradient(p, wf, 0, SAMPLES, grad);
    double accF = accuracy(p, wf);
    System.out.printf(java.util.Locale.ROOT,
        "convergence: initial loss %.4f; float Adam loss %.4f acc %.3f; 8-bit state loss %.4f "
            + "acc %.3f; 4-bit state loss %.4f acc %.3f%n",
        initialLoss, lossF, accF, lossQ[0], accQ[0], lossQ[1], accQ[1]);
    assertTrue(lossF < 0.6 * initialLoss && accF > 0.85, "float Adam converges");
    assertTrue(lossQ[0] < lossF * 1.05 + 0.01 && accQ[0] > accF - 0.02,
        "8-bit quantized Adam converges like float Adam");
    assertTrue(lossQ[1] < lossF * 1.15 + 0.01 && accQ[1] > accF - 0.05,
        "4-bit quantized Adam converges, a little worse at most");
  }
}
