package io.spikeloop.sim.learning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Quantized Adam against float64 Adam (PyTorch rules) on random gradient streams. */
class QuantizedAdamFidelityTest {
  static final int N = 2048;
  static final int STEPS = 300;

  /** Gradient streams the tests draw from. */
  enum Stream {
    GAUSSIAN, HEAVY_TAILED, SPARSE, MIXED_SCALES, DRIFTING;

    double next(Random rnd, int i, int t, double[] elementScale) {
      switch (this) {
        case GAUSSIAN:
          return 1e-3 * (rnd.nextGaussian() + 0.3);
        case HEAVY_TAILED: {
          double c = rnd.nextGaussian() / Math.max(0.05, Math.abs(rnd.nextGaussian()));
          return 1e-4 * c;
        }
        case SPARSE:
          return rnd.nextDouble() < 0.1 ? 2e-3 * (rnd.nextGaussian() + 0.5) : 0.0;
        case MIXED_SCALES:
          return elementScale[i] * (rnd.nextGaussian() + 0.2);
        case DRIFTING:
          return 1e-3 * Math.pow(10, -2.0 * t / STEPS) * (rnd.nextGaussian() + 0.3);
        default:
          throw new AssertionError();
      }
    }
  }

  record Fidelity(double meanCosine, double minCosine, double meanNormRatio, double totalCosine,
      double totalNormRatio) {}

  static Fidelity run(QuantizedAdamConfig config, Stream stream, long seed) {
    Random rnd = new Random(seed);
    double[] elementScale = new double[N];
    for (int i = 0; i < N; i++) {
      elementScale[i] = 1e-3 * Math.pow(10, -3 * rnd.nextDouble());
    }
    QuantizedAdam adam = new QuantizedAdam(config);
    QuantizedAdamState state = QuantizedAdamState.initial(config, N, seed);
    FloatAdam reference = FloatAdam.matching(config, N);
    int[] master = new int[N];
    int[] weights = new int[N];
    int[] gq = new int[N];
    double[] g = new double[N];
    double[] df = new double[N];
    double[] dq = new double[N];
    double[] totalF = new double[N];
    double[] totalQ = new double[N];
    double sumCos = 0;
    double minCos = 1;
    double sumRatio = 0;
    for (int t = 0; t < STEPS; t++) {
      for (int i = 0; i < N; i++) {
        g[i] = stream.next(rnd, i, t, elementScale);
      }
      int e = GradientQuantizer.quantize(g, gq);
      for (int i = 0; i < N; i++) {
        g[i] = Math.scalb((double) gq[i], e); // the reference sees the same gradient
        dq[i] = master[i];
      }
      reference.step(g, df);
      state = adam.step(state, gq, e, master, weights);
      for (int i = 0; i < N; i++) {
        dq[i] -= master[i];
        totalF[i] += df[i];
        totalQ[i] += dq[i];
      }
      double cos = cosine(dq, df);
      sumCos += cos;
      minCos = Math.min(minCos, cos);
      sumRatio += norm(dq) / norm(df);
    }
    return new Fidelity(sumCos / STEPS, minCos, sumRatio / STEPS, cosine(totalQ, totalF),
        norm(totalQ) / norm(totalF));
  }

  static double cosine(double[] a, double[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot / (norm(a) * norm(b));
  }

  static double norm(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @ParameterizedTest
  @EnumSource(Stream.class)
  void explore(Stream stream) {
    for (int bits : new int[] {4}) {
      QuantizedAdamConfig c = QuantizedAdamConfig.defaults(32.0).withStateBits(bits);
      Fidelity f = run(c, stream, 7);
      System.out.println(stream + " bits=" + bits + " " + f);
    }
    assertTrue(true);
  }
}
