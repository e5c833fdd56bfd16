package io.spikeloop.mapper.reckon;

import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.ChipBackward;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.Surrogate;
import io.spikeloop.target.reckon.ReckonNetwork;
import io.spikeloop.target.reckon.ReckonTensor;
import io.spikeloop.train.Softmax;
import java.util.Arrays;

/**
 * tBPTT1 through ReckOn's float model ({@link ReckonFloatModel}), fed with the chip's readout.
 * The output a device step reports, {@code bus_t = kappa o_{t-1}}, comes from the spikes
 * {@code z_{t-1} = H(u_{t-2} - theta)} of the step before, which come from the membrane the
 * inputs {@code x_{t-2}} and spikes {@code z_{t-2}} were integrated into: the chip's one-step
 * truncation reaches two steps back. With {@code e = softmax(bus_t) - onehot(label)}:
 * <pre>
 *   dW_out[k][j] = kappa e_k z_{t-1,j}
 *   delta_j      = kappa sum_k W_out[k][j] e_k  surrogate'(u_{t-2,j} - theta)
 *   dW_in[j][i]  = delta_j x_{t-2,i}        dW_rec[j][i] = delta_j z_{t-2,i}
 * </pre>
 * Everything earlier is detached. The recorded values are the chip's: membranes from the FULL
 * readout (integers over the membrane scale), spikes recomputed from them exactly as the chip
 * tests them ({@code u >= threshold} on the integers, so a board that cannot show its hidden
 * spikes trains the same way). The first two steps of a sample carry no gradient (NaN).
 */
final class ReckonBackward implements ChipBackward {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final int threshold;
  private final double membraneScale;
  private final double outputScale;
  private final double kappa;
  private final double theta;
  private final Surrogate surrogate;
  private final double[] outputWeights;
  private final double[] gIn;
  private final double[] gRec;
  private final double[] gOut;
  private final double[] e;
  private final double[] delta;
  /** Membranes of the last three steps, newest at index {@code t % 3}. */
  private final int[][] membranes;
  /** Input ids of the last three steps. */
  private final int[][] inputIds;
  private int t;

  ReckonBackward(TargetMapping mapping, double[] outputWeights) {
    ReckonNetwork net = ReckonMapper.network(mapping);
    inputs = net.inputs();
    hidden = net.recurrent();
    outputs = net.outputs();
    threshold = net.thresholdOfPair(0);
    membraneScale = mapping.membraneScale(0);
    outputScale = mapping.outputScale();
    kappa = net.kappa() / 128.0;
    theta = threshold / membraneScale;
    surrogate = mapping.model().surrogate();
    this.outputWeights = outputWeights;
    gIn = new double[hidden * inputs];
    gRec = new double[mapping.model().recurrent() ? hidden * hidden : 0];
    gOut = new double[outputs * hidden];
    e = new double[outputs];
    delta = new double[hidden];
    membranes = new int[3][hidden];
    inputIds = new int[3][];
  }

  @Override
  public void startSample() {
    t = 0;
  }

  @Override
  public double step(int[] x, StepResult r, int label) {
    int now = t % 3;
    System.arraycopy(r.membranes()[0], 0, membranes[now], 0, hidden);
    inputIds[now] = x;
    int step = t++;
    if (step < 2) {
      return Double.NaN;
    }
    int[] uBack2 = membranes[(step - 2) % 3];
    int[] xBack2 = inputIds[(step - 2) % 3];
    int[] uBack3 = step >= 3 ? membranes[(step - 3) % 3] : null;
    int[] o = r.outputs();
    double loss = Softmax.error(o, outputScale, label, e);
    for (int j = 0; j < hidden; j++) {
      double back = 0;
      for (int k = 0; k < outputs; k++) {
        back += outputWeights[k * hidden + j] * e[k];
      }
      delta[j] = kappa * back * surrogate.derivative(uBack2[j] / membraneScale - theta);
    }
    for (int k = 0; k < outputs; k++) {
      double g = kappa * e[k];
      int row = k * hidden;
      for (int j = 0; j < hidden; j++) {
        gOut[row + j] = uBack2[j] >= threshold ? g : 0;
      }
    }
    Arrays.fill(gIn, 0);
    for (int j = 0; j < hidden; j++) {
      int row = j * inputs;
      for (int i : xBack2) {
        gIn[row + i] = delta[j];
      }
    }
    if (gRec.length > 0) {
      Arrays.fill(gRec, 0);
      if (uBack3 != null) {
        for (int i = 0; i < hidden; i++) {
          if (uBack3[i] >= threshold) {
            for (int j = 0; j < hidden; j++) {
              gRec[j * hidden + i] = delta[j];
            }
          }
        }
      }
    }
    return loss;
  }

  @Override
  public double[] gradient(String tensor) {
    if (tensor.equals(ReckonTensor.INPUT.tensorName())) {
      return gIn;
    }
    if (tensor.equals(ReckonTensor.RECURRENT.tensorName())) {
      return gRec;
    }
    if (tensor.equals(ReckonTensor.OUTPUT.tensorName())) {
      return gOut;
    }
    throw new IllegalArgumentException("reckon has no learned tensor " + tensor
        + " (w_in, w_rec, w_out)");
  }
}
