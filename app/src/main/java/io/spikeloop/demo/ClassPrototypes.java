package io.spikeloop.demo;

import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.TargetMapping;
import java.util.List;

/**
 * Class prototypes on a frozen hidden layer, and the readout they give (nearest class mean as a
 * linear readout, the prototype initialisation of Stewart et al. 2020 style few-shot learning).
 *
 * <p>A sample's hidden trace is {@code x_j = sum_t kappa^(T-1-t) z_j[t]}, the hidden spikes
 * decayed with the output layer's own decay {@code kappa}, so the last-step output of a readout
 * row {@code w} is {@code 2^wExp (w . x) + b G} with {@code G = sum_{t<T} kappa^t}, {@code wExp}
 * the power of two the target scales the readout weights by over its output biases (the
 * mapping's {@code out.w} and {@code out.bias} tensors). {@code kappa} is the model's, in Q0.12
 * ({@code kappa_int = round(kappa * 2^12)}, on SL-1 the chip's own decay register). Traces are
 * accumulated in unsigned Q.12 ({@code x <- rshift_round(x * kappa_int, 12) + (z << 12)}, int);
 * the stored class mean is a signed 16-bit Q8.8 per hidden neuron (round half up; the trace is
 * below {@code 1 / (1 - kappa)} = 20.5 at kappa = 0.951, far inside the range), which is the
 * device memory counted: {@code classes seen * hidden * 2} bytes.
 *
 * <p>The readout of class k is {@code w_k = round(s mu_k)}, {@code b_k = round(-s 2^wExp
 * |mu_k|^2 / (2 G))}: argmax over k of the output is then the nearest class mean. {@code s}
 * puts the largest mean at the largest weight the readout already holds. The host computes the
 * rows (double arithmetic, rounded to the device's integers once) and writes them, saturated
 * to the widths of the readout tensors. A target whose mapping has no output bias tensor (ReckOn)
 * is refused by name.
 */
final class ClassPrototypes {
  static final int TRACE_FRAC_BITS = 12;
  static final int MEAN_FRAC_BITS = 8;

  private final int hidden;
  /** Sum of Q.12 traces per class and hidden neuron while a class accumulates. */
  private final long[][] traceSums;
  private final int[] counts;
  /** Stored means, Q8.8 (null until the class has samples). */
  private final short[][] means;

  /** One in the Q0.12 of the trace decay. */
  static final int DECAY_ONE = 1 << 12;

  /** The readout's weights and biases as the target holds them. */
  private final MappedTensor readoutWeights;
  private final MappedTensor readoutBiases;
  private final int readoutWeightBits;
  private final int readoutBiasBits;
  /** The output decay kappa, Q0.12. */
  private final int kappa;

  ClassPrototypes(int classes, int hidden, TargetMapping mapping) {
    this.hidden = hidden;
    this.traceSums = new long[classes][hidden];
    this.counts = new int[classes];
    this.means = new short[classes][];
    this.readoutWeights = standingFor(mapping, "out.w");
    this.readoutBiases = standingFor(mapping, "out.bias");
    this.readoutWeightBits = mapping.network().tensor(readoutWeights.name()).bits();
    this.readoutBiasBits = mapping.network().tensor(readoutBiases.name()).bits();
    this.kappa = (int) Math.rint(mapping.model().kappa() * DECAY_ONE);
  }

  /** The target tensor standing for the float tensor {@code floatTensor}, or a refusal naming it. */
  private static MappedTensor standingFor(TargetMapping mapping, String floatTensor) {
    for (MappedTensor t : mapping.tensors()) {
      if (t.floatTensor().equals(floatTensor)) {
        return t;
      }
    }
    throw new MappingRefusedException(mapping.targetId(), List.of(floatTensor + ": class "
        + "prototypes write the readout's " + floatTensor + ", and no tensor of target "
        + mapping.targetId() + " stands for it"));
  }

  /** Runs each sample forward (no label: the engine does not learn) and adds its trace. */
  void observe(Device device, List<SpikeSample> samples) {
    int[] trace = new int[hidden];
    for (SpikeSample s : samples) {
      device.reset();
      java.util.Arrays.fill(trace, 0);
      for (int t = 0; t < s.steps(); t++) {
        StepResult r = device.step(new SpikeFrame(s.spikesAt(t), SpikeFrame.NO_LABEL),
            ReadoutLevel.SPIKES);
        for (int j = 0; j < hidden; j++) {
          trace[j] = (int) ((trace[j] * (long) kappa + (1L << 11)) >> 12);
        }
        for (int j : r.spikes()[0]) {
          trace[j] += 1 << TRACE_FRAC_BITS;
        }
      }
      long[] sum = traceSums[s.label()];
      for (int j = 0; j < hidden; j++) {
        sum[j] += trace[j];
      }
      counts[s.label()]++;
      means[s.label()] = mean(sum, counts[s.label()]);
    }
  }

  private short[] mean(long[] sum, int n) {
    short[] m = new short[hidden];
    int shift = TRACE_FRAC_BITS - MEAN_FRAC_BITS;
    for (int j = 0; j < hidden; j++) {
      long q = (sum[j] + (long) n * (1 << (shift - 1))) / ((long) n << shift);
      m[j] = (short) Math.min(Short.MAX_VALUE, q);
    }
    return m;
  }

  boolean has(int label) {
    return means[label] != null;
  }

  /** Device memory of the stored means. */
  long bytes() {
    long n = 0;
    for (short[] m : means) {
      n += m == null ? 0 : 2L * m.length;
    }
    return n;
  }

  /**
   * Writes the readout rows (weights and biases) of every class with a prototype; the other rows
   * keep their values.
   */
  void writeReadout(Device device, int steps) {
    int[] w = device.readWeights(readoutWeights.name());
    int[] b = device.readWeights(readoutBiases.name());
    int wMax = (1 << (readoutWeightBits - 1)) - 1;
    int held = 0;
    for (int v : w) {
      held = Math.max(held, Math.abs(v));
    }
    double top = 0;
    for (short[] m : means) {
      if (m != null) {
        for (short v : m) {
          top = Math.max(top, v);
        }
      }
    }
    if (top == 0) {
      return;
    }
    double decay = kappa / (double) DECAY_ONE;
    double g = decay == 1 ? steps : (1 - Math.pow(decay, steps)) / (1 - decay);
    double s = (held > 0 ? held : wMax) / top;
    long bMax = (1L << (readoutBiasBits - 1)) - 1;
    int wExp = readoutWeights.exponent() - readoutBiases.exponent();
    for (int k = 0; k < means.length; k++) {
      if (means[k] == null) {
        continue;
      }
      double norm2 = 0;
      for (int j = 0; j < hidden; j++) {
        double mu = means[k][j] / (double) (1 << MEAN_FRAC_BITS);
        norm2 += mu * mu;
        w[k * hidden + j] = (int) Math.rint(s * means[k][j]);
      }
      double scale = s * (1 << MEAN_FRAC_BITS);
      double bias = -scale * Math.scalb(1.0, wExp) * norm2 / (2 * g);
      b[k] = (int) Math.max(-bMax, Math.min(bMax, Math.rint(bias)));
    }
    device.writeWeights(readoutWeights.name(), w);
    device.writeWeights(readoutBiases.name(), b);
  }
}
