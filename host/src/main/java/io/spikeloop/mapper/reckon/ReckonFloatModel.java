package io.spikeloop.mapper.reckon;

import io.spikeloop.mapper.ChipFloatModel;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.reckon.ReckonNetwork;
import java.util.Arrays;

/**
 * ReckOn's dynamics in float64 ({@code docs/reckon.md}, "One tick"), with the chip's own
 * constants (alpha, kappa and threshold as the mapping rounded them, divided back into float
 * units) and the float weights given. The first step of a sample only integrates; every later
 * step, in the chip's order:
 * <pre>
 *   z_t = u_{t-1} >= theta                       spike test before the leak
 *   u   = alpha u_{t-1} - theta z_t               reset by subtraction (not alpha theta)
 *   bus = kappa o_{t-1}                           what the device reports this step
 *   u_t = u + W_in x_t + W_rec z_t                integrate this step's inputs and spikes
 *   o_t = bus + W_out z_t
 * </pre>
 * so an input reaches the reported outputs two steps later. Not modelled: floor rounding of the
 * leaks and 16-bit saturation after every presynaptic index (the chip's), which is what the
 * per-step comparison with the chip measures. Reset to zero is followed when the network says so.
 * Nothing is allocated per step.
 */
public final class ReckonFloatModel implements ChipFloatModel {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final double[][] inT;   // [pre][post]
  private final double[][] recT;  // [pre][post], null for a feed-forward model
  private final double[][] outT;  // [j][k]
  private final double alpha;
  private final double kappa;
  private final double theta;
  private final boolean resetToZero;
  private final double[] u;
  private final boolean[] z;
  private final int[] spikeIds;
  private int spikeCount;
  private final double[] o;
  private final double[] bus;
  private boolean first = true;

  public ReckonFloatModel(TargetMapping mapping, SnnParameters params) {
    ReckonNetwork net = ReckonMapper.network(mapping);
    inputs = net.inputs();
    hidden = net.recurrent();
    outputs = net.outputs();
    inT = transpose(params.wIn(0), hidden, inputs);
    recT = params.config().recurrent() ? transpose(params.wRec(0), hidden, hidden) : null;
    outT = transpose(params.wOut(), outputs, hidden);
    double s = mapping.membraneScale(0);
    alpha = net.alphaOfPair(0) / 32768.0;
    kappa = net.kappa() / 128.0;
    theta = net.thresholdOfPair(0) / s;
    resetToZero = net.resetToZero();
    u = new double[hidden];
    z = new boolean[hidden];
    spikeIds = new int[hidden];
    o = new double[outputs];
    bus = new double[outputs];
  }

  private static double[][] transpose(double[] w, int rows, int cols) {
    double[][] t = new double[cols][rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c][r] = w[r * cols + c];
      }
    }
    return t;
  }

  @Override
  public void reset() {
    Arrays.fill(u, 0);
    Arrays.fill(z, false);
    Arrays.fill(o, 0);
    Arrays.fill(bus, 0);
    spikeCount = 0;
    first = true;
  }

  @Override
  public void step(int[] x, int from, int to) {
    spikeCount = 0;
    if (first) {
      first = false;
      Arrays.fill(bus, 0);
    } else {
      for (int j = 0; j < hidden; j++) {
        z[j] = u[j] >= theta;
        double leaked = alpha * u[j];
        u[j] = z[j] ? (resetToZero ? 0 : leaked - theta) : leaked;
        if (z[j]) {
          spikeIds[spikeCount++] = j;
        }
      }
      for (int k = 0; k < outputs; k++) {
        bus[k] = kappa * o[k];
        o[k] = bus[k];
      }
    }
    for (int e = from; e < to; e++) {
      add(inT[x[e]], u);
    }
    for (int e = 0; e < spikeCount; e++) {
      int j = spikeIds[e];
      if (recT != null) {
        add(recT[j], u);
      }
      add(outT[j], o);
    }
  }

  private static void add(double[] row, double[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] += row[i];
    }
  }

  /** The output the device reports this step (the bus: leaked, before this step's spikes). */
  @Override
  public double output(int k) {
    return bus[k];
  }

  @Override
  public boolean fired(int l, int j) {
    return spikeCount > 0 && z[j];
  }

  @Override
  public int spikeCount(int l) {
    return spikeCount;
  }

  /** Membrane of hidden neuron {@code j} after this step's integration, float units. */
  public double membrane(int j) {
    return u[j];
  }
}
