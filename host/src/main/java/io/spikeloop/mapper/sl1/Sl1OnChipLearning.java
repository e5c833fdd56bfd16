package io.spikeloop.mapper.sl1;

import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappingRefusedException;
import io.spikeloop.mapper.NearChipLearning;
import io.spikeloop.mapper.OnChipLearningPlan;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.TensorLearning;
import io.spikeloop.model.Surrogate;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.sim.learning.LearningMemory;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningRule;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Codecs;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SL-1's on-chip learning for a mapped network: the learning engine's {@link LearningConfig}
 * (tBPTT1, or e-prop with {@code --mode eprop}, with quantized Adam, every tensor learning) made
 * from float hyper-parameters. The engine's learning-state image holds all the engine keeps
 * (Adam codes, scales, counters, generator states, masters, and under e-prop its traces in the
 * section {@code eprop.traces}), so one configuration serves the whole run and checkpoints with
 * either rule.
 */
public final class Sl1OnChipLearning implements OnChipLearningPlan {
  /** Surrogate table: 16 entries per threshold, 8 thresholds. */
  static final int TABLE_ENTRIES = 128;
  static final int ENTRIES_PER_THETA_LOG2 = 4;

  private final LearningConfig learning;
  private final TargetState payload;
  private final LearningMemory memory;
  private final NetworkConfig network;

  Sl1OnChipLearning(TargetMapping mapping, LearningOptions options) {
    learning = learningConfig(mapping, options, LearningRule.parse(options.rule()));
    payload = Sl1Codecs.encode(learning);
    memory = memory(mapping, options);
    network = Sl1Mapper.mappedNetwork(mapping).config();
  }

  /** The engine's configuration (the same for every sample). */
  public LearningConfig learning() {
    return learning;
  }

  @Override
  public TargetState config(long sample) {
    return payload;
  }

  @Override
  public void checkRestorable(TargetState saved, TargetState enabled) {
    LearningState image = Sl1Codecs.decodeLearningState(saved);
    if (enabled != null) {
      image.requireSameConfiguration(Sl1Codecs.decodeLearningState(enabled));
    }
  }

  @Override
  public double stateBytesPerParameter() {
    return memory.stateBytesPerParameterMeasured();
  }

  @Override
  public String memoryReport() {
    String line = memory.describe();
    if (learning.rule() == LearningRule.EPROP) {
      long traces = LearningEngine.traceBytes(network, learning);
      line += String.format(java.util.Locale.ROOT, "; e-prop traces %d B (%.3f B/param, int16 "
          + "eligibility per hidden-layer parameter, trace shift %d, independent of the number "
          + "of steps)", traces, (double) traces / memory.parameters(), learning.traceShift());
    }
    return line;
  }

  /**
   * The engine's fixed-point configuration for float hyper-parameters, every tensor learning:
   * learning rates in master LSBs ({@link #lrQ16}; biases on the engine's bias geometry), the
   * surrogate table on the membrane scale, Adam's betas and eps in the engine's formats.
   */
  public static LearningConfig learningConfig(TargetMapping mapping, LearningOptions s) {
    return learningConfig(mapping, s, LearningRule.TBPTT1);
  }

  /** As {@link #learningConfig(TargetMapping, LearningOptions)}, learning with {@code rule}. */
  public static LearningConfig learningConfig(TargetMapping mapping, LearningOptions s,
                                              LearningRule rule) {
    NetworkConfig c = Sl1Mapper.mappedNetwork(mapping).config();
    int outputFrac = Math.getExponent(mapping.outputScale());
    int theta = c.layers().get(0).theta();
    Map<String, Integer> rates = new LinkedHashMap<>();
    for (WeightTensor t : c.tensors()) {
      double lsb = mapping.tensor(t.name()).lsb();
      if (t.name().equals(WeightTensor.layerBias(0))) {
        lsb *= Math.scalb(1.0, LearningEngine.hiddenBiasShift(theta));
      } else if (t.name().equals(WeightTensor.OUT_BIAS)) {
        lsb *= Math.scalb(1.0, LearningEngine.outputBiasShift(outputFrac));
      }
      rates.put(t.name(), lrQ16(s.lr(), lsb, s.masterFracBits()));
    }
    int shift = Math.max(0, bitLength(theta) - 1 - ENTRIES_PER_THETA_LOG2);
    int[] table = surrogateTable(mapping.model().surrogate(), shift, mapping.membraneScale(0));
    QuantizedAdamConfig q = adam(s);
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

  /** What the engine keeps per learned tensor for these options. */
  public static LearningMemory memory(TargetMapping mapping, LearningOptions s) {
    int[] lengths = mapping.network().tensors().stream().mapToInt(WeightTensor::length)
        .toArray();
    return LearningMemory.of(adam(s), lengths);
  }

  private static QuantizedAdamConfig adam(LearningOptions s) {
    return QuantizedAdamConfig.fromFloat(s.stateBits(), s.blockSize(), 1, s.beta1(), s.beta2(),
        s.eps(), 8, s.masterFracBits());
  }

  /**
   * A float learning rate in master LSBs, as SL-1's engine and the near-chip learner take it:
   * round(lr / lsb * 2^F * 2^16), capped at 2^24.
   */
  public static int lrQ16(double lr, double lsb, int masterFracBits) {
    return NearChipLearning.lrQ16(lr, lsb, masterFracBits);
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

  /** A plan with another configuration of the same network (a tensor selection). */
  private Sl1OnChipLearning(LearningConfig learning, LearningMemory memory,
                            NetworkConfig network) {
    this.learning = learning;
    this.payload = Sl1Codecs.encode(learning);
    this.memory = memory;
    this.network = network;
  }

  /**
   * Only the listed tensors learn, each at its Q16.16 rate shifted right by its rate shift
   * (rounding down; rates are non-negative), listed in the network's tensor order; every other
   * field of the configuration stays. A tensor this plan does not learn is refused by name.
   */
  @Override
  public OnChipLearningPlan withTensors(TensorLearning tensors) {
    List<String> refused = new ArrayList<>();
    for (String name : tensors.rateShifts().keySet()) {
      if (learning.learningRate(name) < 0) {
        refused.add("tensor " + name + ": not learned by this sl1 learning (it learns "
            + learning.learningRates().keySet() + ")");
      }
    }
    if (!refused.isEmpty()) {
      throw new MappingRefusedException(Sl1Target.ID, refused);
    }
    Map<String, Integer> rates = new LinkedHashMap<>();
    List<Integer> lengths = new ArrayList<>();
    learning.learningRates().forEach((name, rate) -> {
      Integer shift = tensors.rateShifts().get(name);
      if (shift != null) {
        rates.put(name, rate >> shift);
        lengths.add(network.tensor(name).length());
      }
    });
    LearningMemory selected = LearningMemory.of(memory.config(),
        lengths.stream().mapToInt(Integer::intValue).toArray());
    return new Sl1OnChipLearning(learning.toBuilder().learningRates(rates).build(), selected,
        network);
  }
}
