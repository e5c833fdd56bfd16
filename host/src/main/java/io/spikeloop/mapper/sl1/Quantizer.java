package io.spikeloop.mapper.sl1;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.FixedPoint;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps trained float parameters onto the SL-1 core (see {@code docs/core-spec.md}, section 8).
 *
 * <p>Hidden layer {@code l}: a membrane scale {@code s = 2^k}, the largest power of two with
 * {@code theta * s <= 2^(uBits-1-headroomBits)}, so integer membranes are {@code u * s} and the
 * threshold is {@code theta_int = round(theta * s)}. The weight exponent {@code wExp} is the
 * smallest with {@code ref * s / 2^wExp <= 2^(wBits-1) - 1}, {@code ref} the chosen percentile of
 * |w| over the layer's {@code W_in} and {@code W_rec}; weights become
 * {@code round(w * s / 2^wExp)}, biases {@code round(b * s)}. Output layer: the same with an output
 * scale chosen so that the largest reachable |o|,
 * {@code max_k (sum_j |W_out[k][j]| + |b_out[k]|) / (1 - kappa)} (1000 steps' worth when
 * {@code kappa = 1}), fits oBits. Decays become Q0.12: {@code round(alpha * 4096)}. Rounding is to
 * nearest, ties to even; values that do not fit their width saturate and are counted as clipped.
 */
public final class Quantizer {
  /** Steps of accumulation assumed for the output bound when the output does not leak. */
  static final double NO_LEAK_HORIZON = 1000;

  private Quantizer() {}

  public static MappedNetwork map(SnnParameters params, QuantizationOptions q) {
    SnnConfig c = params.config();
    int alpha = q12("alpha", c.alpha());
    int kappa = q12("kappa", c.kappa());
    long wMax = FixedPoint.maxSigned(q.weightBits());
    Map<String, int[]> weights = new LinkedHashMap<>();
    List<TensorReport> reports = new ArrayList<>();
    List<LayerConfig> layers = new ArrayList<>();
    double[] membraneScale = new double[c.layers()];

    for (int l = 0; l < c.layers(); l++) {
      int k = largestExponent(c.theta(), Math.scalb(1.0, q.membraneBits() - 1 - q.headroomBits()));
      double s = Math.scalb(1.0, k);
      membraneScale[l] = s;
      int theta = (int) Math.max(1, Math.min(FixedPoint.maxSigned(q.membraneBits()),
          Math.rint(c.theta() * s)));
      double[] win = params.wIn(l);
      double[] wrec = c.recurrent() ? params.wRec(l) : new double[0];
      int wExp = weightExponent(percentileAbs(q.clipPercentile(), win, wrec) * s, wMax);
      double step = Math.scalb(1.0, wExp) / s;
      put(weights, reports, WeightTensor.layerIn(l), win, step, wExp, q.weightBits());
      if (c.recurrent()) {
        put(weights, reports, WeightTensor.layerRec(l), wrec, step, wExp, q.weightBits());
      }
      put(weights, reports, WeightTensor.layerBias(l), params.bias(l), 1 / s, 0, q.membraneBits());
      layers.add(LayerConfig.builder(c.hiddenSize(l), c.layerInputs(l), theta)
          .recurrent(c.recurrent()).weightBits(q.weightBits()).weightExponent(wExp)
          .membraneBits(q.membraneBits()).alpha(alpha).build());
    }

    double[] wout = params.wOut();
    double[] bout = params.bOut();
    int n = c.lastHidden();
    double bound = 0;
    for (int o = 0; o < c.outputs(); o++) {
      double sum = Math.abs(bout[o]);
      for (int j = 0; j < n; j++) {
        sum += Math.abs(wout[o * n + j]);
      }
      bound = Math.max(bound, sum);
    }
    bound *= c.kappa() < 1 ? 1 / (1 - c.kappa()) : NO_LEAK_HORIZON;
    double oMax = FixedPoint.maxSigned(q.outputBits());
    // An all-zero output layer gets the scale that puts 1.0 at the top of the range.
    double so = Math.scalb(1.0, largestExponent(bound > 0 ? bound : 1, oMax));
    int outExp = weightExponent(percentileAbs(q.clipPercentile(), wout) * so, wMax);
    put(weights, reports, WeightTensor.OUT_W, wout, Math.scalb(1.0, outExp) / so, outExp,
        q.weightBits());
    put(weights, reports, WeightTensor.OUT_BIAS, bout, 1 / so, 0, q.outputBits());
    NetworkConfig config = new NetworkConfig(c.inputs(), layers,
        OutputConfig.builder(c.outputs()).weightBits(q.weightBits()).weightExponent(outExp)
            .outputBits(q.outputBits()).kappa(kappa).build());
    return new MappedNetwork(config, weights, reports, membraneScale, so);
  }

  /** round(x * 4096) for a decay in [0, 1]. */
  static int q12(String what, double x) {
    if (!(x >= 0 && x <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1], got " + x);
    }
    return (int) Math.rint(x * FixedPoint.Q12_ONE);
  }

  /** The largest k in [-60, 60] with {@code value * 2^k <= limit} ({@code value > 0}). */
  static int largestExponent(double value, double limit) {
    int k = Math.getExponent(limit) - Math.getExponent(value);
    while (k < 60 && Math.scalb(value, k + 1) <= limit) {
      k++;
    }
    while (k > -60 && Math.scalb(value, k) > limit) {
      k--;
    }
    return Math.max(-60, Math.min(60, k));
  }

  /**
   * The smallest exponent e in [-31, 31] with {@code scaled / 2^e <= wMax}, i.e. the one that
   * uses the weight range best; 0 when everything is zero.
   */
  static int weightExponent(double scaled, long wMax) {
    if (scaled == 0) {
      return 0;
    }
    int e = -largestExponent(scaled, wMax);
    return Math.max(-31, Math.min(31, e));
  }

  /** The p-th percentile (nearest rank) of |v| over the arrays; p = 100 is the maximum. */
  static double percentileAbs(double p, double[]... arrays) {
    int n = Arrays.stream(arrays).mapToInt(a -> a.length).sum();
    if (n == 0) {
      return 0;
    }
    double[] abs = new double[n];
    int i = 0;
    for (double[] a : arrays) {
      for (double v : a) {
        abs[i++] = Math.abs(v);
      }
    }
    if (p >= 100) {
      return Arrays.stream(abs).max().orElse(0);
    }
    Arrays.sort(abs);
    int rank = (int) Math.ceil(p / 100 * n);
    return abs[Math.max(0, rank - 1)];
  }

  private static void put(Map<String, int[]> weights, List<TensorReport> reports, String name,
                          double[] values, double step, int exponent, int bits) {
    long max = FixedPoint.maxSigned(bits);
    long min = FixedPoint.minSigned(bits);
    int[] out = new int[values.length];
    int clipped = 0;
    double maxAbs = 0;
    double maxErr = 0;
    for (int i = 0; i < values.length; i++) {
      double r = Math.rint(values[i] / step);
      if (r > max || r < min) {
        clipped++;
        r = r > max ? max : min;
      }
      out[i] = (int) r;
      maxAbs = Math.max(maxAbs, Math.abs(values[i]));
      maxErr = Math.max(maxErr, Math.abs(values[i] - r * step));
    }
    weights.put(name, out);
    reports.add(new TensorReport(name, step, exponent, bits, values.length, clipped, maxAbs, maxErr));
  }
}
