package io.spikeloop.mapper.sl1;

import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.Telemetry;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.ChipCalibration;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.Arrays;
import java.util.List;

/**
 * SL-1's per-instance calibration without training ({@link Sl1Mapper#calibrator}, arm (b) of
 * {@code reproduce hil-mismatch}): probes
 * one chip through the device contract (zeroed weights, one known weight or bias at a time,
 * single steps from reset, membranes read back) and measures what the weights can undo: each
 * hidden neuron's synaptic gain and threshold, each output's gain and constant offset. The leak
 * (a per-neuron decay) is not measured: no weight can undo it.
 *
 * <p>Compensation, in float terms, for a one-hidden-layer network: neuron {@code j} with gain
 * {@code g_j} and threshold ratio {@code r_j = theta_j / theta} behaves as the nominal neuron
 * scaled by {@code r_j} when its input and recurrent rows are multiplied by {@code r_j / g_j} and
 * its bias by {@code r_j}; output {@code k}'s row is divided by its gain and its offset (in
 * output LSBs, added every step like the bias) is subtracted from its bias.
 *
 * @param hiddenGain     measured synaptic gain per hidden neuron (1 = nominal)
 * @param thresholdRatio measured threshold over the configured one, per hidden neuron
 * @param outputGain     measured gain per output
 * @param outputOffset   measured constant offset per output, in output LSBs per step
 * @param outputLsb      float value of one output LSB (the mapping's {@code out.bias} LSB)
 * @param probeSteps     device steps the probes ran
 * @param probeJoules    device energy the probes spent (the simulator's energy model)
 * @param probeCycles    device cycles the probes spent
 */
public record Sl1ChipCalibration(double[] hiddenGain, double[] thresholdRatio,
                                 double[] outputGain, double[] outputOffset, double outputLsb,
                                 long probeSteps, double probeJoules, double probeCycles)
    implements ChipCalibration {
  /** Repetitions of every probe (noise and lost events average out). */
  static final int TRIALS = 5;

  /**
   * Measures the chip behind {@code device} for {@code mapping}'s network (an SL-1 mapping, else
   * refused naming its target). Leaves the device configured with the network and its weights
   * zero: load the network again afterwards.
   */
  public static Sl1ChipCalibration measure(Device device, TargetMapping mapping) {
    NetworkConfig config = Sl1Target.network(mapping.network());
    if (config.layers().size() != 1) {
      throw new MappingRefusedException(Sl1Target.ID, List.of("hidden layers: calibration "
          + "handles one, the network has " + config.layers().size()));
    }
    LayerConfig layer = config.layers().get(0);
    OutputConfig out = config.output();
    int n = layer.size();
    int k = out.size();
    device.configure(config);
    Telemetry before = device.telemetry();
    int[] zeroIn = new int[config.tensor(WeightTensor.layerIn(0)).length()];

    // Output offsets: nothing spikes, so o after one step is the offset (no noise on outputs).
    double[] offset = mean(TRIALS, () -> toDouble(oneStep(device, new int[0]).outputs()));

    // Hidden gains: one input axon with weight w0 into every neuron; u = gain * w0 * 2^wExp.
    int w0 = 1 << (layer.wBits() - 2);
    int[] column0 = zeroIn.clone();
    for (int j = 0; j < n; j++) {
      column0[j * layer.inputs()] = w0;
    }
    device.writeWeights(WeightTensor.layerIn(0), column0);
    double unit = w0 * Math.pow(2, layer.wExp());
    double[] gain = perNeuronMedianOfStrongTrials(device, n, unit);
    device.writeWeights(WeightTensor.layerIn(0), zeroIn);

    // Thresholds: bisection on each neuron's bias; one step from reset fires iff bias >= theta_j.
    long[] lo = new long[n];
    long[] hi = new long[n];
    long top = Math.min((1L << (layer.uBits() - 1)) - 1, 8L * layer.theta());
    Arrays.fill(hi, top);
    int[] bias = new int[n];
    while (!converged(lo, hi)) {
      for (int j = 0; j < n; j++) {
        bias[j] = (int) ((lo[j] + hi[j]) >>> 1);
      }
      device.writeWeights(WeightTensor.layerBias(0), bias);
      int[] fired = new int[n];
      for (int t = 0; t < TRIALS; t++) {
        for (int j : oneStep(device, new int[0]).spikes()[0]) {
          fired[j]++;
        }
      }
      for (int j = 0; j < n; j++) {
        if (2 * fired[j] > TRIALS) {
          hi[j] = bias[j];
        } else {
          lo[j] = bias[j] + 1L;
        }
      }
    }
    double[] ratio = new double[n];
    for (int j = 0; j < n; j++) {
      ratio[j] = hi[j] / (double) layer.theta();
    }

    // Output gains: neuron 0 fires at the first step (bias far above threshold) into out.w
    // column 0 = w0; o = gain * w0 * 2^wExp + offset.
    Arrays.fill(bias, 0);
    bias[0] = (int) Math.min(top, 4L * hi[0]);
    device.writeWeights(WeightTensor.layerBias(0), bias);
    int[] outColumn0 = new int[k * n];
    int wo = 1 << (out.wBits() - 2);
    for (int o = 0; o < k; o++) {
      outColumn0[o * n] = wo;
    }
    device.writeWeights(WeightTensor.OUT_W, outColumn0);
    double outUnit = wo * Math.pow(2, out.wExp());
    double[] outputs = mean(TRIALS, () -> toDouble(oneStep(device, new int[0]).outputs()));
    double[] outGain = new double[k];
    for (int o = 0; o < k; o++) {
      outGain[o] = Math.max(0.05, (outputs[o] - offset[o]) / outUnit);
    }
    Telemetry spent = device.telemetry().minus(before);
    device.configure(config); // weights zero again
    return new Sl1ChipCalibration(gain, ratio, outGain, offset,
        mapping.tensor(WeightTensor.OUT_BIAS).lsb(), spent.steps(), spent.energyJoules(),
        spent.cycles());
  }

  /** {@code p} with its rows scaled to undo the measured gains, thresholds and offsets. */
  @Override
  public SnnParameters compensate(SnnParameters p) {
    SnnParameters c = p.copy();
    int n = hiddenGain.length;
    double[] in = c.tensor(WeightTensor.layerIn(0)).values();
    int inputs = in.length / n;
    double[] rec = p.config().recurrent() ? c.tensor(WeightTensor.layerRec(0)).values() : null;
    double[] b = c.tensor(WeightTensor.layerBias(0)).values();
    for (int j = 0; j < n; j++) {
      double rowScale = thresholdRatio[j] / hiddenGain[j];
      for (int i = 0; i < inputs; i++) {
        in[j * inputs + i] *= rowScale;
      }
      if (rec != null) {
        for (int i = 0; i < n; i++) {
          rec[j * n + i] *= rowScale;
        }
      }
      b[j] *= thresholdRatio[j];
    }
    double[] w = c.tensor(WeightTensor.OUT_W).values();
    double[] bo = c.tensor(WeightTensor.OUT_BIAS).values();
    double offsetLsb = outputLsb;
    for (int o = 0; o < outputGain.length; o++) {
      for (int j = 0; j < n; j++) {
        w[o * n + j] /= outputGain[o];
      }
      bo[o] -= outputOffset[o] * offsetLsb;
    }
    return c;
  }

  private static StepResult oneStep(Device device, int[] axons) {
    device.reset();
    return device.step(new SpikeFrame(axons), ReadoutLevel.FULL);
  }

  /**
   * Gains from {@link #TRIALS} single steps with input axon 0: a trial whose event was lost
   * (drop=P) shows no response, so only trials whose mean response is at least half the
   * strongest trial's count; per neuron the median of those.
   */
  private static double[] perNeuronMedianOfStrongTrials(Device device, int n, double unit) {
    double[][] u = new double[TRIALS][];
    double strongest = 0;
    double[] means = new double[TRIALS];
    for (int t = 0; t < TRIALS; t++) {
      u[t] = toDouble(oneStep(device, new int[] {0}).membranes()[0]);
      means[t] = Arrays.stream(u[t]).average().orElse(0);
      strongest = Math.max(strongest, means[t]);
    }
    double[] gain = new double[n];
    for (int j = 0; j < n; j++) {
      double[] kept = new double[TRIALS];
      int m = 0;
      for (int t = 0; t < TRIALS; t++) {
        if (means[t] >= strongest / 2) {
          kept[m++] = u[t][j];
        }
      }
      double[] sorted = Arrays.copyOf(kept, m);
      Arrays.sort(sorted);
      gain[j] = Math.max(0.05, sorted[m / 2] / unit);
    }
    return gain;
  }

  private static boolean converged(long[] lo, long[] hi) {
    for (int j = 0; j < lo.length; j++) {
      if (lo[j] < hi[j]) {
        return false;
      }
    }
    return true;
  }

  private static double[] mean(int trials, java.util.function.Supplier<double[]> trial) {
    double[] sum = null;
    for (int t = 0; t < trials; t++) {
      double[] v = trial.get();
      if (sum == null) {
        sum = new double[v.length];
      }
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i] / trials;
      }
    }
    return sum;
  }

  private static double[] toDouble(int[] v) {
    return Arrays.stream(v).asDoubleStream().toArray();
  }
}
