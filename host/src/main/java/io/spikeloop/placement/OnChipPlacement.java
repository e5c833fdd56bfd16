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
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Device;
import io.spikeloop.train.Softmax;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code on-chip}: the host streams input spikes with the label in every frame; the core's
 * learning engine does the whole tBPTT1 step. The host reads outputs (for the online prediction
 * and the loss it reports), telemetry and, for evaluation, the weights.
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
    super(device, net.toMapping(), settings, Capability.ON_CHIP_LEARNING);
    this.net = net;
    learning = learningConfig(net, settings);
    Sl1Device.enableLearning(device, learning);
    enabledLayout = device.info().has(Capability.LEARNING_STATE) ? Sl1Device.learningState(device) : null;
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
        .outputFracBits(outputFrac).build();
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
    s.putBytes(LEARNING_ENTRY, Sl1Device.learningState(device).toBytes());
  }

  /**
   * Checks the saved image against the engine now enabled (same network, configuration and
   * tensors); applying it re-enables learning on the restored weights and restores the state.
   */
  @Override
  protected Runnable prepareLearner(StateMap s) {
    LearningState saved = LearningState.fromBytes(s.bytes(LEARNING_ENTRY, -1));
    saved.requireSameConfiguration(enabledLayout);
    return () -> {
      Sl1Device.enableLearning(device, learning);
      Sl1Device.restoreLearningState(device, saved);
    };
  }

  @Override
  public double optimizerStateBytesPerParameter() {
    return memory(net, settings).stateBytesPerParameterMeasured();
  }

  @Override
  public String memoryReport() {
    return "on-chip learning memory (on the core): " + memory(net, settings).describe();
  }

  static LearningMemory memory(DeviceNetwork net, PlacementSettings s) {
    QuantizedAdamConfig q = QuantizedAdamConfig.fromFloat(s.stateBits(), s.blockSize(), 1,
        s.beta1(), s.beta2(), s.eps(), 8, s.masterFracBits());
    int[] lengths = net.config().tensors().stream().mapToInt(WeightTensor::length).toArray();
    return LearningMemory.of(q, lengths);
  }
}
