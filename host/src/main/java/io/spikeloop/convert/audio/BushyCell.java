package io.spikeloop.convert.audio;

import java.util.SplittableRandom;

/**
 * lauscher's bushy cell: {@code convergence} auditory-nerve fibres per channel, each a Bernoulli
 * process with the hair cell's per-sample probability and an absolute refractory time, summed
 * into the synaptic current of a LIF neuron (exponential synapse, weight/convergence per input
 * spike, threshold 1, reset 0, refractory time).
 *
 * <p>The fibres are sampled exactly but without a random draw per sample and fibre: for a
 * Bernoulli process the first success after sample s falls at the first t whose cumulative
 * hazard {@code sum_{s<=u<=t} -ln(1-p_u)} reaches an Exp(1) draw, so each fibre costs one
 * binary search per spike over the channel's cumulative hazard (same distribution as lauscher's
 * per-sample draws, far fewer random numbers).
 */
public record BushyCell(int convergence, double tauMem, double tauSyn, double tauRefrac,
                        double weight) {
  public static final BushyCell SHD = new BushyCell(40, 1e-3, 5e-4, 1e-3, 13e3);

  /** Hazard standing in for p >= 1 (a certain event): e^-50 is 0 in every practical sense. */
  private static final double CERTAIN_HAZARD = 50;

  public BushyCell {
    if (convergence < 1 || !(tauMem > 0 && tauSyn > 0 && tauRefrac >= 0)) {
      throw new IllegalArgumentException("bushy cell needs convergence >= 1 and positive taus");
    }
  }

  /** Reusable per-thread buffers (one channel at a time). */
  public static final class Scratch {
    double[] cumulativeHazard = new double[0];
    float[] inputCounts = new float[0];

    void ensure(int n) {
      if (cumulativeHazard.length < n + 1) {
        cumulativeHazard = new double[n + 1];
        inputCounts = new float[n];
      }
    }
  }

  /**
   * Simulates one channel over {@code probability[0..n)} sampled at {@code fs} and passes each
   * output spike's sample index to {@code sink}.
   */
  public void simulate(double[] probability, int n, double fs, SplittableRandom rng,
                       Scratch scratch, java.util.function.IntConsumer sink) {
    scratch.ensure(n);
    double[] hazard = scratch.cumulativeHazard;
    float[] counts = scratch.inputCounts;
    hazard[0] = 0;
    for (int t = 0; t < n; t++) {
      double p = probability[t];
      double step;
      if (p <= 0) {
        step = 0;
      } else if (p < 0.01) {
        step = p * (1 + p * (0.5 + p * (1.0 / 3 + p * 0.25))); // -ln(1-p), error < p^5/5
      } else {
        step = p >= 1 ? CERTAIN_HAZARD : -Math.log1p(-p);
      }
      hazard[t + 1] = hazard[t] + step;
      counts[t] = 0;
    }
    // lauscher: a spike at j is dropped when j - last < tauRefrac * fs.
    double refracSamples = tauRefrac * fs;
    int deadSamples = (int) Math.ceil(refracSamples);
    for (int fibre = 0; fibre < convergence; fibre++) {
      int start = 0;
      while (start < n) {
        double target = hazard[start] - Math.log(1 - rng.nextDouble());
        if (hazard[n] < target) {
          break;
        }
        int t = firstReaching(hazard, start + 1, n, target) - 1;
        counts[t] += 1;
        start = t + deadSamples;
      }
    }
    double dt = 1.0 / fs;
    double memDecay = Math.exp(-dt / tauMem);
    double synDecay = Math.exp(-dt / tauSyn);
    double inputWeight = weight / convergence * dt;
    double vm = 0;
    double isyn = 0;
    double refractory = 0;
    for (int step = 0; step < n; step++) {
      boolean spiked = vm >= 1.0 && refractory <= 0;
      double nextVm = vm * memDecay;
      if (spiked) {
        refractory = refracSamples;
        nextVm = 0;
      }
      isyn = isyn * synDecay + counts[step];
      if (refractory <= 0) {
        nextVm += isyn * inputWeight;
      }
      vm = nextVm;
      refractory -= 1;
      if (spiked) {
        sink.accept(step);
      }
    }
  }

  /** Smallest index i in [from, to] with {@code cumulative[i] >= target} (one exists). */
  private static int firstReaching(double[] cumulative, int from, int to, double target) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
