package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.sim.learning.GradientQuantizer;
import io.spikeloop.sim.learning.LearningFixedPoint;
import io.spikeloop.sim.learning.QuantizedAdam;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code near-chip}: what a microcontroller beside the chip holds: integer master weights and the
 * quantized Adam state of {@link io.spikeloop.sim.learning} (the arithmetic of the on-chip
 * engine, with the same learning rates in master LSBs and the same bias geometry). The gradient
 * is the float tBPTT1 gradient of the readout, quantized per tensor and step by
 * {@link GradientQuantizer}; tensors whose core values changed are written back.
 */
public final class NearChipPlacement extends OffChipPlacement {
  private final String[] names;
  private final QuantizedAdam[] adam;
  private final QuantizedAdamState[] state;
  private final int[][] master;
  private final int[][] weights;
  private final int[][] coreValues;
  private final int[] shift;
  private final int[][] grad;
  private final int outIndex;
  private final LearningConfig learning;
  private final DeviceNetwork net;

  /** SL-1 only: the learner is SL-1's quantized Adam with its bias geometry. */
  public NearChipPlacement(Device device, DeviceNetwork net, PlacementSettings settings) {
    super(device, net.toMapping(), new Sl1Mapper(), settings);
    this.net = net;
    LearningConfig learning = OnChipPlacement.learningConfig(net, settings);
    this.learning = learning;
    names = tensorNames(mapping);
    int n = names.length;
    adam = new QuantizedAdam[n];
    state = new QuantizedAdamState[n];
    master = new int[n][];
    weights = new int[n][];
    coreValues = new int[n][];
    shift = new int[n];
    grad = new int[n][];
    int theta = net.config().layers().get(0).theta();
    int outIndex = -1;
    for (int i = 0; i < n; i++) {
      WeightTensor t = net.config().tensor(names[i]);
      int bits = t.bits();
      if (names[i].equals(WeightTensor.layerBias(0))) {
        shift[i] = LearningEngine.hiddenBiasShift(theta);
        bits = LearningEngine.learnedBiasBits(t.bits(), shift[i]);
      } else if (names[i].equals(WeightTensor.OUT_BIAS)) {
        shift[i] = LearningEngine.outputBiasShift(learning.outputFracBits());
        bits = LearningEngine.learnedBiasBits(t.bits(), shift[i]);
      }
      if (names[i].equals(WeightTensor.OUT_W)) {
        outIndex = i;
      }
      QuantizedAdamConfig c = new QuantizedAdamConfig(settings.stateBits(), settings.blockSize(),
          learning.beta1Q20(), learning.beta2Q20(), learning.learningRate(names[i]),
          learning.epsExp(), bits, settings.masterFracBits());
      adam[i] = new QuantizedAdam(c);
      state[i] = QuantizedAdamState.initial(c, t.length(), settings.seed() + i);
      int[] core = device.readWeights(names[i]);
      master[i] = new int[t.length()];
      weights[i] = new int[t.length()];
      coreValues[i] = core;
      grad[i] = new int[t.length()];
      long min = -(1L << (bits - 1));
      long max = (1L << (bits - 1)) - 1;
      for (int j = 0; j < core.length; j++) {
        long w = Math.max(min, Math.min(max, LearningFixedPoint.shiftRound(core[j], shift[i])));
        weights[i][j] = (int) w;
        master[i][j] = (int) (w << settings.masterFracBits());
      }
    }
    this.outIndex = outIndex;
    refreshOutputWeights();
  }

  private void refreshOutputWeights() {
    double lsb = net.lsb(WeightTensor.OUT_W);
    int[] w = weights[outIndex];
    for (int j = 0; j < w.length; j++) {
      outputWeights[j] = w[j] * lsb;
    }
  }

  @Override
  public String name() {
    return "near-chip";
  }

  @Override
  protected void update() {
    for (int i = 0; i < names.length; i++) {
      int gradExp = GradientQuantizer.quantize(gradientOf(names[i]), grad[i]);
      state[i] = adam[i].step(state[i], grad[i], gradExp, master[i], weights[i]);
      int[] core = coreValues[i];
      boolean changed = false;
      for (int j = 0; j < core.length; j++) {
        int value = weights[i][j] << shift[i];
        if (value != core[j]) {
          core[j] = value;
          changed = true;
        }
      }
      if (changed) {
        write(names[i], core);
      }
    }
    refreshOutputWeights();
  }

  /**
   * The learner's state in the on-chip engine's portable form (same image, same checks): per
   * tensor its quantized Adam state and integer masters.
   */
  public LearningState learnerState() {
    List<LearningState.Tensor> tensors = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      QuantizedAdamConfig c = adam[i].config();
      QuantizedAdamState st = state[i];
      tensors.add(new LearningState.Tensor(names[i], st.length(), c.stateBits(), c.blockSize(),
          c.beta1Q20(), c.beta2Q20(), c.lrQ16(), c.epsExp(), c.weightBits(), c.masterFracBits(),
          shift[i], st.step(), st.beta1Pow(), st.beta2Pow(), st.rngState(), master[i],
          st.mCodes(), st.mScales(), st.rCodes(), st.rScales()));
    }
    int[] table = learning.surrogateTable();
    return new LearningState(net.config().inputs(), net.config().layers().get(0).size(),
        net.config().output().size(), learning.outputFracBits(), learning.surrogateShift(),
        table.length, LearningState.surrogateCrc(table), tensors);
  }

  @Override
  protected void saveMasters(StateMap s) {
    s.putBytes(OnChipPlacement.LEARNING_ENTRY, learnerState().toBytes());
  }

  @Override
  protected Runnable prepareMasters(StateMap s) {
    LearningState saved = LearningState.fromBytes(s.bytes(OnChipPlacement.LEARNING_ENTRY, -1));
    saved.requireSameConfiguration(learnerState());
    QuantizedAdamState[] states = new QuantizedAdamState[names.length];
    for (int i = 0; i < names.length; i++) {
      LearningState.Tensor t = saved.tensors().get(i);
      states[i] = new QuantizedAdamState(adam[i].config(), t.length(), t.mCodes(), t.mScales(),
          t.rCodes(), t.rScales(), t.step(), t.beta1Pow(), t.beta2Pow(), t.rng());
    }
    return () -> {
      for (int i = 0; i < names.length; i++) {
        int[] m = saved.tensors().get(i).masters();
        System.arraycopy(m, 0, master[i], 0, m.length);
        for (int j = 0; j < m.length; j++) {
          weights[i][j] = adam[i].config().coreWeight(m[j]);
        }
        state[i] = states[i];
        coreValues[i] = device.readWeights(names[i]);
      }
      refreshOutputWeights();
    };
  }

  @Override
  public double optimizerStateBytesPerParameter() {
    return OnChipPlacement.memory(net, settings).stateBytesPerParameterMeasured();
  }

  @Override
  public String memoryReport() {
    return "near-chip learning memory (beside the core): "
        + OnChipPlacement.memory(net, settings).describe();
  }
}
