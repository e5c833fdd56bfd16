package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.model.Surrogate;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.sim.learning.LearningMemory;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.train.Softmax;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code on-chip}: the host streams input spikes with the label in every frame; the core's
 * learning engine does the whole tBPTT1 (or, with {@link LearningRule#EPROP}, e-prop) step. The
 * host reads outputs (for the online prediction and the loss it reports), telemetry and, for
 * evaluation, the weights. An e-prop engine cannot be checkpointed yet: the learning-state image
 * has no section for its traces (refused by name).
 */
public final class OnChipPlacement extends DevicePlacement {
  /** Surrogate table: 16 entries per threshold, 8 thresholds. */
  static final int TABLE_ENTRIES = 128;
  static final int ENTRIES_PER_THETA_LOG2 = 4;

  /** Checkpoint entry of the learning-state image (on-chip and near-chip). */
  public static final String LEARNING_ENTRY = "learning.image";

  private final LearningConfig learning;
  /**
   * The engine's state right after enabling (null without {@link Capability#LEARNING_STATE}):
   * what a restored state must fit. Read now, since a restarted remote device cannot be asked
   * later (it refuses until the state is restored).
   */
  private final LearningState enabledLayout;
  private final DeviceNetwork net;

  /** SL-1 only: drives SL-1's learning engine (its {@link LearningConfig}). */
  public OnChipPlacement(Device device, DeviceNetwork net, PlacementSettings settings) {
    this(device, net, settings, LearningRule.TBPTT1);
  }

  /** SL-1 only: the engine learns with {@code rule} (tBPTT1 or e-prop). */
  public OnChipPlacement(Device device, DeviceNetwork net, PlacementSettings settings,
                         LearningRule rule) {
    super(device, net.toMapping(), settings, Capability.ON_CHIP_LEARNING);
    this.net = net;
    learning = learningConfig(net, settings, rule);
    Sl1Device.enableLearning(device, learning);
    enabledLayout = device.info().has(Capability.LEARNING_STATE) && rule == LearningRule.TBPTT1
        ? Sl1Device.learningState(device) : null;
  }

  @Override
  public String name() {
    return "on-chip";
  }

  public LearningConfig learning() {
    return learning;
  }

  /** The engine's fixed-point configuration for float hyper-parameters (every tensor learns). */
  public static LearningConfig learningConfig(DeviceNetwork net, PlacementSettings s) {
    return learningConfig(net, s, LearningRule.TBPTT1);
  }

  /** As {@link #learningConfig(DeviceNetwork, PlacementSettings)} for {@code rule}. */
  public static LearningConfig learningConfig(DeviceNetwork net, PlacementSettings s,
                                              LearningRule rule) {
    NetworkConfig c = net.config();
    int outputFrac = Math.getExponent(net.outputScale());
    int theta = c.layers().get(0).theta();
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : c.tensors()) {
      double lsb = net.lsb(t.name());
      if (t.name().equals(WeightTensor.layerBias(0))) {
        lsb *= Math.scalb(1.0, LearningEngine.hiddenBiasShift(theta));
      } else if (t.name().equals(WeightTensor.OUT_BIAS)) {
        lsb *= Math.scalb(1.0, LearningEngine.outputBiasShift(outputFrac));
      }
      rates.put(t.name(), lrQ16(s.lr(), lsb, s.masterFracBits()));
    }
    int shift = Math.max(0, bitLength(theta) - 1 - ENTRIES_PER_THETA_LOG2);
    int[] table = surrogateTable(net.model().surrogate(), shift, net.membraneScale());
    QuantizedAdamConfig q = QuantizedAdamConfig.fromFloat(s.stateBits(), s.blockSize(), 1,
        s.beta1(), s.beta2(), s.eps(), 8, s.masterFracBits());
    return LearningConfig.builder(rates, shift, table).stateBits(s.stateBits())
        .blockSize(s.blockSize()).beta1Q20(q.beta1Q20()).beta2Q20(q.beta2Q20())
        .epsExp(q.epsExp()).masterFracBits(s.masterFracBits()).seed(s.seed())
        .outputFracBits(outputFrac).rule(rule)
        .traceShift(rule == LearningRule.EPROP ? traceShift(table, c.layers().get(0).alpha(),
            c.output().kappa()) : 0).build();
  }

  /**
   * e-prop's trace shift: the smallest that keeps the largest eligibility trace the engine can
   * reach, {@code max|S| * 2^14 / (1 - alpha) / (1 - kappa)} (a spike in every step), within
   * int16, so a trace never saturates ({@code docs/learning-engine.md} section 11). alpha and
   * kappa in Q0.12; 4096 (no leak) is bounded by the 2^30 saturation of the presynaptic trace.
   */
  public static int traceShift(int[] table, int alpha, int kappa) {
    long psiMax = 1;
    for (int v : table) {
      psiMax = Math.max(psiMax, Math.abs(v));
    }
    double presynaptic = Math.min(LearningEngine.TRACE_MAX,
        Math.scalb(1.0, LearningEngine.TRACE_ONE_LOG2) * 4096.0 / Math.max(1, 4096 - alpha));
    double bound = psiMax * presynaptic * 4096.0 / Math.max(1, 4096 - kappa);
    int shift = Math.max(0, Math.getExponent(bound) + 1 - 15);
    return Math.min(LearningConfig.MAX_TRACE_SHIFT, shift);
  }

  /** round(lr / lsb * 2^F * 2^16), capped at 2^24. */
  static int lrQ16(double lr, double lsb, int masterFracBits) {
    double q = Math.rint(lr / lsb * Math.scalb(1.0, masterFracBits + 16));
    return (int) Math.min(LearningConfig.MAX_LR_Q16, q);
  }

  /** S[i] = round(2^14 * surrogate'(i * 2^shift / s)) clamped to int16. */
  static int[] surrogateTable(Surrogate surrogate, int shift, double membraneScale) {
    int[] table = new int[TABLE_ENTRIES];
    for (int i = 0; i < TABLE_ENTRIES; i++) {
      double x = i * Math.scalb(1.0, shift) / membraneScale;
      table[i] = (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE,
          Math.rint(surrogate.derivative(x) * (1 << 14))));
    }
    return table;
  }

  private static int bitLength(int x) {
    return 32 - Integer.numberOfLeadingZeros(x);
  }

  @Override
  protected double trainSample(SpikeSample sample, int[] prediction) {
    List<StepResult> results = device.run(sample.frames(sample.label()), ReadoutLevel.OUTPUTS);
    double loss = 0;
    long[] total = new long[results.get(0).outputs().length];
    for (StepResult r : results) {
      loss += Softmax.crossEntropy(floatOutputs(r.outputs()), sample.label());
      addOutputs(total, r.outputs());
    }
    prediction[0] = results.get(results.size() - 1).argmaxOutput();
    prediction[1] = argmax(total);
    return loss / results.size();
  }

  @Override
  protected String[] checkpointNeeds() {
    return new String[] {Capability.WEIGHT_READBACK, Capability.SNAPSHOT,
        Capability.LEARNING_STATE};
  }

  /** The engine's state, read from the device. */
  @Override
  protected void saveLearner(StateMap s) {
    requireImageableRule();
    s.putBytes(LEARNING_ENTRY, Sl1Device.learningState(device).toBytes());
  }

  /**
   * Checks the saved image against the engine now enabled (same network, configuration and
   * tensors); applying it re-enables learning on the restored weights and restores the state.
   */
  @Override
  protected Runnable prepareLearner(StateMap s) {
    requireImageableRule();
    LearningState saved = LearningState.fromBytes(s.bytes(LEARNING_ENTRY, -1));
    saved.requireSameConfiguration(enabledLayout);
    return () -> {
      Sl1Device.enableLearning(device, learning);
      Sl1Device.restoreLearningState(device, saved);
    };
  }

  private void requireImageableRule() {
    if (learning.rule() != LearningRule.TBPTT1) {
      throw new IllegalStateException("on-chip " + learning.rule().cliName() + " cannot be "
          + "checkpointed: the learning-state image (version " + LearningState.VERSION + ") has "
          + "no section for the engine's eligibility traces");
    }
  }

  @Override
  public double optimizerStateBytesPerParameter() {
    return memory(net, settings).stateBytesPerParameterMeasured();
  }

  @Override
  public String memoryReport() {
    String line = "on-chip learning memory (on the core): " + memory(net, settings).describe();
    if (learning.rule() == LearningRule.EPROP) {
      long traces = traceBytes(net.config());
      line += String.format(java.util.Locale.ROOT, "; e-prop traces %d B (%.3f B/param, int16 "
          + "eligibility per hidden-layer parameter, trace shift %d, independent of the number "
          + "of steps)", traces, (double) traces / memory(net, settings).parameters(),
          learning.traceShift());
    }
    return line;
  }

  /**
   * The e-prop engine's trace memory when every tensor learns (as {@link
   * LearningEngine#traceBytes}): 2 B per hidden-layer parameter (int16 eligibility), 4 B per
   * input, recurrent unit, hidden neuron (output trace) and the two bias traces.
   */
  public static long traceBytes(NetworkConfig c) {
    var layer = c.layers().get(0);
    long n = layer.size();
    long pre = c.inputs() + (layer.recurrent() ? n : 0);
    return 2 * (pre + 1) * n + 4 * (pre + 1 + n + 1);
  }

  static LearningMemory memory(DeviceNetwork net, PlacementSettings s) {
    QuantizedAdamConfig q = QuantizedAdamConfig.fromFloat(s.stateBits(), s.blockSize(), 1,
        s.beta1(), s.beta2(), s.eps(), 8, s.masterFracBits());
    int[] lengths = net.config().tensors().stream().mapToInt(WeightTensor::length).toArray();
    return LearningMemory.of(q, lengths);
  }
}
