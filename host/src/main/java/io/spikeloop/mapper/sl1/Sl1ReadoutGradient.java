package io.spikeloop.mapper.sl1;

import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.ChipBackward;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.Surrogate;
import io.spikeloop.target.sl1.LearnedTensor;
import io.spikeloop.train.Softmax;
import java.util.Arrays;

/**
 * The float tBPTT1 gradient of one step computed from a device's FULL readout (spikes,
 * membranes, outputs converted to float units): {@code e = softmax(o) - onehot(label)},
 * {@code delta = (W_out^T e) * surrogate'(u - theta)}, {@code dW_out = e z^T},
 * {@code db_out = e}, {@code dW_in = delta x^T}, {@code dW_rec = delta z_prev^T},
 * {@code db = delta}. One hidden layer. Buffers are reused between steps. SL-1's outputs and
 * spikes belong to the step that saw the input, so every step carries a gradient.
 */
public final class Sl1ReadoutGradient implements ChipBackward {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final double[] gIn;
  private final double[] gRec;
  private final double[] gBias;
  private final double[] gOut;
  private final double[] gOutBias;
  private final double[] e;
  private final double[] delta;
  private final Surrogate surrogate;
  private final double theta;
  private final double membraneScale;
  private final double outputScale;
  /** The learner's float W_out, read at every step ({@link #step}). */
  private final double[] outputWeights;
  private int[] zPrev = new int[0];

  /** The gradient for {@code mapping}'s first hidden layer through {@code outputWeights}. */
  public Sl1ReadoutGradient(TargetMapping mapping, double[] outputWeights) {
    inputs = mapping.model().inputs();
    hidden = mapping.model().hiddenSize(0);
    outputs = mapping.model().outputs();
    boolean recurrent = mapping.model().recurrent();
    this.outputWeights = outputWeights;
    gIn = new double[hidden * inputs];
    gRec = new double[recurrent ? hidden * hidden : 0];
    gBias = new double[hidden];
    gOut = new double[outputs * hidden];
    gOutBias = new double[outputs];
    e = new double[outputs];
    delta = new double[hidden];
    surrogate = mapping.model().surrogate();
    theta = mapping.model().theta();
    membraneScale = mapping.membraneScale(0);
    outputScale = mapping.outputScale();
  }

  @Override
  public void startSample() {
    zPrev = new int[0];
  }

  @Override
  public double step(int[] x, StepResult r, int label) {
    double loss = compute(x, zPrev, r, outputWeights, label);
    zPrev = r.spikes()[0];
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

  /** The hidden delta of the last {@link #compute} (a view). */
  public double[] delta() {
    return delta;
  }

  /** The output error of the last {@link #compute} (a view). */
  public double[] outputError() {
    return e;
  }

  /**
   * Fills the gradient buffers for the step that saw input ids {@code x} after hidden spikes
   * {@code zPrev}, with readout {@code r} and float output weights {@code wOut} ([K][N]); returns
   * the step's cross-entropy.
   */
  public double compute(int[] x, int[] zPrev, StepResult r, double[] wOut, int label) {
    int[] o = r.outputs();
    double loss = Softmax.error(o, outputScale, label, e);
    int[] u = r.membranes()[0];
    for (int j = 0; j < hidden; j++) {
      double back = 0;
      for (int k = 0; k < outputs; k++) {
        back += wOut[k * hidden + j] * e[k];
      }
      delta[j] = back * surrogate.derivative(u[j] / membraneScale - theta);
    }
    int[] z = r.spikes()[0];
    Arrays.fill(gOut, 0);
    for (int k = 0; k < outputs; k++) {
      for (int j : z) {
        gOut[k * hidden + j] = e[k];
      }
    }
    System.arraycopy(e, 0, gOutBias, 0, outputs);
    System.arraycopy(delta, 0, gBias, 0, hidden);
    outer(gIn, inputs, x);
    if (gRec.length > 0) {
      outer(gRec, hidden, zPrev);
    }
    return loss;
  }

  private void outer(double[] g, int cols, int[] ids) {
    Arrays.fill(g, 0);
    for (int j = 0; j < hidden; j++) {
      for (int i : ids) {
        g[j * cols + i] = delta[j];
      }
    }
  }
}
