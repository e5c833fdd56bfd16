package io.spikeloop.mapper.sl1;

import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.ChipBackward;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.Surrogate;
import io.spikeloop.target.sl1.LearnedTensor;
import io.spikeloop.train.Softmax;
import java.util.Arrays;

/**
 * The e-prop gradient of one step computed beside the chip (hil, near-chip) from a device's FULL
 * readout (spikes, membranes and outputs in float units), with the float host trainer's rule and
 * traces ({@code EpropTrainer}, symmetric feedback through the learner's {@code W_out}), kept in
 * float64 by the learner:
 * <pre>
 *   xbar_i = alpha xbar_i + x_i^t,  zbar_i = alpha zbar_i + z_i^{t-1},  bbar = alpha bbar + 1
 *   psi_j  = surrogate'(u_j^t - theta)                  (u from the chip's membrane readout)
 *   ebar_ji = kappa ebar_ji + psi_j (xbar_i | zbar_i | bbar)
 *   e = softmax(o^t) - onehot(label),  L_j = sum_k W_out[k][j] e_k
 *   dW_ji = L_j ebar_ji,  dW_out_kj = e_k zout_j,  db_out_k = e_k bout
 *   zout_j = kappa zout_j + z_j^t,  bout = kappa bout + 1
 * </pre>
 * {@code alpha} and {@code kappa} are the model's decays. With both 0 this is tBPTT1's readout
 * gradient exactly ({@link Sl1ReadoutGradient}). One hidden layer; SL-1's outputs belong to the
 * step that saw the input, so every step carries a gradient. Traces start at zero with each sample and are not part
 * of a checkpoint: the placements checkpoint between samples. Memory: one float64 per
 * hidden-layer parameter, on the host, independent of the number of steps.
 */
public final class Sl1ReadoutEprop implements ChipBackward {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final double alpha;
  private final double kappa;
  private final double theta;
  private final double membraneScale;
  private final double outputScale;
  private final Surrogate surrogate;
  /** The learner's float W_out ([K][N]), read at every step. */
  private final double[] outputWeights;
  // traces
  private final double[] inputTrace;
  private final double[] recurrentTrace;
  private double biasTrace;
  private final double[] outputTrace;
  private double outputBiasTrace;
  private final double[] ebarIn;
  private final double[] ebarRec;
  private final double[] ebarBias;
  // per-step scratch and gradients
  private final double[] psi;
  private final double[] e;
  private final double[] signal;
  private final double[] gIn;
  private final double[] gRec;
  private final double[] gBias;
  private final double[] gOut;
  private final double[] gOutBias;
  private int[] zPrev = new int[0];

  /** e-prop for {@code mapping}'s first hidden layer through {@code outputWeights}. */
  public Sl1ReadoutEprop(TargetMapping mapping, double[] outputWeights) {
    if (mapping.model().layers() != 1) {
      throw new MappingRefusedException(mapping.targetId(), java.util.List.of("e-prop beside "
          + "the chip: one hidden layer, this network has " + mapping.model().layers()));
    }
    inputs = mapping.model().inputs();
    hidden = mapping.model().hiddenSize(0);
    outputs = mapping.model().outputs();
    alpha = mapping.model().alpha();
    kappa = mapping.model().kappa();
    theta = mapping.model().theta();
    surrogate = mapping.model().surrogate();
    membraneScale = mapping.membraneScale(0);
    outputScale = mapping.outputScale();
    this.outputWeights = outputWeights;
    boolean recurrent = mapping.model().recurrent();
    inputTrace = new double[inputs];
    recurrentTrace = new double[recurrent ? hidden : 0];
    outputTrace = new double[hidden];
    ebarIn = new double[hidden * inputs];
    ebarRec = new double[recurrent ? hidden * hidden : 0];
    ebarBias = new double[hidden];
    psi = new double[hidden];
    e = new double[outputs];
    signal = new double[hidden];
    gIn = new double[hidden * inputs];
    gRec = new double[ebarRec.length];
    gBias = new double[hidden];
    gOut = new double[outputs * hidden];
    gOutBias = new double[outputs];
  }

  @Override
  public void startSample() {
    Arrays.fill(inputTrace, 0);
    Arrays.fill(recurrentTrace, 0);
    Arrays.fill(outputTrace, 0);
    Arrays.fill(ebarIn, 0);
    Arrays.fill(ebarRec, 0);
    Arrays.fill(ebarBias, 0);
    biasTrace = 0;
    outputBiasTrace = 0;
    zPrev = new int[0];
  }

  @Override
  public double step(int[] x, StepResult r, int label) {
    decayAndAdd(inputTrace, alpha, x);
    if (recurrentTrace.length > 0) {
      decayAndAdd(recurrentTrace, alpha, zPrev);
    }
    biasTrace = alpha * biasTrace + 1;
    int[] z = r.spikes()[0];
    decayAndAdd(outputTrace, kappa, z);
    outputBiasTrace = kappa * outputBiasTrace + 1;

    int[] u = r.membranes()[0];
    for (int j = 0; j < hidden; j++) {
      psi[j] = surrogate.derivative(u[j] / membraneScale - theta);
    }
    double loss = Softmax.error(r.outputs(), outputScale, label, e);
    for (int j = 0; j < hidden; j++) {
      double l = 0;
      for (int k = 0; k < outputs; k++) {
        l += outputWeights[k * hidden + j] * e[k];
      }
      signal[j] = l;
    }
    eligibilityGradient(ebarIn, gIn, inputTrace);
    if (recurrentTrace.length > 0) {
      eligibilityGradient(ebarRec, gRec, recurrentTrace);
    }
    for (int j = 0; j < hidden; j++) {
      ebarBias[j] = kappa * ebarBias[j] + psi[j] * biasTrace;
      gBias[j] = signal[j] * ebarBias[j];
    }
    for (int k = 0; k < outputs; k++) {
      for (int j = 0; j < hidden; j++) {
        gOut[k * hidden + j] = e[k] * outputTrace[j];
      }
      gOutBias[k] = e[k] * outputBiasTrace;
    }
    zPrev = z;
    return loss;
  }

  @Override
  public double[] gradient(String tensor) {
    return switch (LearnedTensor.named(tensor)) {
      case OUT_W -> gOut;
      case OUT_BIAS -> gOutBias;
      case IN -> gIn;
      case REC -> gRec;
      case BIAS -> gBias;
    };
  }

  /** float64 traces: eligibility per hidden-layer parameter, presynaptic and output traces. */
  @Override
  public long traceBytes() {
    return 8L * (ebarIn.length + ebarRec.length + ebarBias.length + inputTrace.length
        + recurrentTrace.length + outputTrace.length + 2);
  }

  /** The filtered eligibility trace of a hidden-layer tensor ({@code [N][cols]}, a view). */
  public double[] eligibility(String tensor) {
    return switch (LearnedTensor.named(tensor)) {
      case IN -> ebarIn;
      case REC -> ebarRec;
      case BIAS -> ebarBias;
      default -> throw new IllegalArgumentException(tensor + " has no eligibility trace (the "
          + "output layer's gradient is exact)");
    };
  }

  private static void decayAndAdd(double[] trace, double decay, int[] spikes) {
    for (int i = 0; i < trace.length; i++) {
      trace[i] *= decay;
    }
    for (int i : spikes) {
      trace[i] += 1;
    }
  }

  /** ebar_ji = kappa ebar_ji + psi_j P_i and g_ji = L_j ebar_ji over {@code [N][P.length]}. */
  private void eligibilityGradient(double[] ebar, double[] g, double[] presynaptic) {
    int cols = presynaptic.length;
    for (int j = 0; j < hidden; j++) {
      double p = psi[j];
      double l = signal[j];
      int row = j * cols;
      for (int i = 0; i < cols; i++) {
        double v = kappa * ebar[row + i] + p * presynaptic[i];
        ebar[row + i] = v;
        g[row + i] = l * v;
      }
    }
  }
}
