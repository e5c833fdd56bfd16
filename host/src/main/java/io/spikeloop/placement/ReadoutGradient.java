package io.spikeloop.placement;

import io.spikeloop.device.StepResult;
import io.spikeloop.model.Surrogate;
import java.util.Arrays;

/**
 * The float tBPTT1 gradient of one step computed from a device's FULL readout (spikes,
 * membranes, outputs converted to float units): {@code e = softmax(o) - onehot(label)},
 * {@code delta = (W_out^T e) * surrogate'(u - theta)}, {@code dW_out = e z^T},
 * {@code db_out = e}, {@code dW_in = delta x^T}, {@code dW_rec = delta z_prev^T},
 * {@code db = delta}. One hidden layer. Buffers are reused between steps.
 */
final class ReadoutGradient {
  final int inputs;
  final int hidden;
  final int outputs;
  final double[] gIn;
  final double[] gRec;
  final double[] gBias;
  final double[] gOut;
  final double[] gOutBias;
  private final double[] e;
  private final double[] delta;
  private final Surrogate surrogate;
  private final double theta;
  private final double membraneScale;
  private final double outputScale;

  ReadoutGradient(DeviceNetwork net) {
    inputs = net.config().inputs();
    hidden = net.config().layers().get(0).size();
    outputs = net.config().output().size();
    boolean recurrent = net.config().layers().get(0).recurrent();
    gIn = new double[hidden * inputs];
    gRec = new double[recurrent ? hidden * hidden : 0];
    gBias = new double[hidden];
    gOut = new double[outputs * hidden];
    gOutBias = new double[outputs];
    e = new double[outputs];
    delta = new double[hidden];
    surrogate = net.model().surrogate();
    theta = net.model().theta();
    membraneScale = net.membraneScale();
    outputScale = net.outputScale();
  }

  /** The hidden delta of the last {@link #compute} (a view). */
  double[] delta() {
    return delta;
  }

  /** The output error of the last {@link #compute} (a view). */
  double[] outputError() {
    return e;
  }

  /**
   * Fills the gradient buffers for the step that saw input ids {@code x} after hidden spikes
   * {@code zPrev}, with readout {@code r} and float output weights {@code wOut} ([K][N]); returns
   * the step's cross-entropy.
   */
  double compute(int[] x, int[] zPrev, StepResult r, double[] wOut, int label) {
    int[] o = r.outputs();
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < outputs; k++) {
      max = Math.max(max, o[k] / outputScale);
    }
    double sum = 0;
    for (int k = 0; k < outputs; k++) {
      e[k] = Math.exp(o[k] / outputScale - max);
      sum += e[k];
    }
    double loss = Math.log(sum) + max - o[label] / outputScale;
    for (int k = 0; k < outputs; k++) {
      e[k] = e[k] / sum - (k == label ? 1 : 0);
    }
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
