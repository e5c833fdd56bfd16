package io.spikeloop.mapper;

import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import java.util.Arrays;

/**
 * The float64 forward pass of the paper's network, step by step, exposing the spikes of every
 * hidden layer so they can be compared with a device's:
 * {@code u = alpha (u - theta z_prev) + W_in x + W_rec z_prev + b}, {@code z = u >= theta},
 * {@code o = kappa o + W_out z + b_out}. Event-driven over transposed rows like the core; nothing
 * is allocated per step. SL-1 computes these equations, so this is also SL-1's {@link
 * ChipFloatModel}.
 */
public final class FloatReference implements ChipFloatModel {
  private final SnnConfig c;
  private final int layers;
  private final double[][][] inT;   // [l][pre][post]
  private final double[][][] recT;
  private final double[][] bias;
  private final double[][] outT;    // [j][k]
  private final double[] outBias;
  private final double[][] u;
  private final double[][] acc;
  private final boolean[][] fired;
  private final int[][] ids;
  private final int[] count;
  private final double[] o;
  private final double[] accOut;

  public FloatReference(SnnParameters p) {
    c = p.config();
    layers = c.layers();
    inT = new double[layers][][];
    recT = new double[layers][][];
    bias = new double[layers][];
    u = new double[layers][];
    acc = new double[layers][];
    fired = new boolean[layers][];
    ids = new int[layers][];
    count = new int[layers];
    for (int l = 0; l < layers; l++) {
      int n = c.hiddenSize(l);
      inT[l] = transpose(p.wIn(l), n, c.layerInputs(l));
      recT[l] = c.recurrent() ? transpose(p.wRec(l), n, n) : null;
      bias[l] = p.bias(l).clone();
      u[l] = new double[n];
      acc[l] = new double[n];
      fired[l] = new boolean[n];
      ids[l] = new int[n];
    }
    outT = transpose(p.wOut(), c.outputs(), c.lastHidden());
    outBias = p.bOut().clone();
    o = new double[c.outputs()];
    accOut = new double[c.outputs()];
  }

  private static double[][] transpose(double[] w, int rows, int cols) {
    double[][] t = new double[cols][rows];
    for (int r = 0; r < rows; r++) {
      for (int col = 0; col < cols; col++) {
        t[col][r] = w[r * cols + col];
      }
    }
    return t;
  }

  @Override
  public void reset() {
    for (int l = 0; l < layers; l++) {
      Arrays.fill(u[l], 0);
      Arrays.fill(fired[l], false);
      count[l] = 0;
    }
    Arrays.fill(o, 0);
  }

  /** One step with input channels {@code x[from..to)} (ascending). */
  @Override
  public void step(int[] x, int from, int to) {
    double alpha = c.alpha();
    double theta = c.theta();
    int[] events = x;
    int start = from;
    int end = to;
    for (int l = 0; l < layers; l++) {
      double[] a = acc[l];
      int n = a.length;
      System.arraycopy(bias[l], 0, a, 0, n);
      for (int e = start; e < end; e++) {
        addRow(inT[l][events[e]], a, n);
      }
      if (recT[l] != null) {
        for (int e = 0; e < count[l]; e++) {
          addRow(recT[l][ids[l][e]], a, n);
        }
      }
      double[] uu = u[l];
      boolean[] z = fired[l];
      int spikes = 0;
      for (int j = 0; j < n; j++) {
        uu[j] = alpha * (uu[j] - (z[j] ? theta : 0)) + a[j];
        z[j] = uu[j] >= theta;
        if (z[j]) {
          ids[l][spikes++] = j;
        }
      }
      count[l] = spikes;
      events = ids[l];
      start = 0;
      end = spikes;
    }
    System.arraycopy(outBias, 0, accOut, 0, accOut.length);
    for (int e = start; e < end; e++) {
      addRow(outT[events[e]], accOut, accOut.length);
    }
    double kappa = c.kappa();
    for (int k = 0; k < o.length; k++) {
      o[k] = kappa * o[k] + accOut[k];
    }
  }

  private static void addRow(double[] row, double[] a, int n) {
    for (int j = 0; j < n; j++) {
      a[j] += row[j];
    }
  }

  /** Whether neuron j of layer l fired at the last step. */
  @Override
  public boolean fired(int l, int j) {
    return fired[l][j];
  }

  @Override
  public int spikeCount(int l) {
    return count[l];
  }

  @Override
  public double output(int k) {
    return o[k];
  }

  /** Index of the largest output (first on ties). */
  public int argmaxOutput() {
    int best = 0;
    for (int k = 1; k < o.length; k++) {
      if (o[k] > o[best]) {
        best = k;
      }
    }
    return best;
  }
}
