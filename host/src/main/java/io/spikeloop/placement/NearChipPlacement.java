package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.sl1.Sl1OnChipLearning;
import io.spikeloop.sim.engine.LearningEngine;
import io.spikeloop.sim.learning.GradientQuantizer;
import io.spikeloop.sim.learning.LearningFixedPoint;
import io.spikeloop.sim.learning.LearningMemory;
import io.spikeloop.sim.learning.QuantizedAdam;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code near-chip}: what a microcontroller beside the chip holds: integer master weights and the
 * quantized Adam state of {@link io.spikeloop.sim.learning} (SL-1's learning-engine arithmetic),
 * one per target tensor, whose core values are the chip's own integer weights. The gradient is
 * the float tBPTT1 gradient the target's mapper computes from the chip's readout ({@link
 * TargetMapper#backward}; ReckOn: {@code ReckonBackward} from its membranes read back over SPI),
 * quantized per tensor and step by {@link GradientQuantizer}; tensors whose core values changed
 * are written back (on ReckOn after the sample, as 8-bit weights).
 *
 * <p>Learning rates in master LSBs: {@code round(lr / lsb * 2^(F+16))} per tensor (the on-chip
 * engine's rule). On SL-1 the learner also takes the engine's bias geometry and its learning
 * rates from SL-1's learning configuration, and checkpoints as SL-1's learning-state image, so it
 * is the on-chip engine's arithmetic bit for bit. Checkpoints on other targets are refused by
 * name (the learner's image is SL-1's format).
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
  private final double outLsb;
  /** SL-1's learning configuration (learning rates, bias geometry, image header); else null. */
  private final LearningConfig sl1Learning;
  private final LearningMemory memory;

  public NearChipPlacement(Device device, TargetMapping mapping, TargetMapper mapper,
                           PlacementSettings settings) {
    super(device, mapping, mapper, settings);
    sl1Learning = mapping.targetId().equals(Sl1Target.ID)
        ? Sl1OnChipLearning.learningConfig(mapping, settings.learningOptions()) : null;
    names = tensorNames(mapping);
    int n = names.length;
    adam = new QuantizedAdam[n];
    state = new QuantizedAdamState[n];
    master = new int[n][];
    weights = new int[n][];
    coreValues = new int[n][];
    shift = new int[n];
    grad = new int[n][];
    MappedTensor out = outputTensor(mapping);
    int outIndex = -1;
    QuantizedAdamConfig q = QuantizedAdamConfig.fromFloat(settings.stateBits(),
        settings.blockSize(), 1, settings.beta1(), settings.beta2(), settings.eps(), 8,
        settings.masterFracBits());
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      WeightTensor t = mapping.network().tensors().get(i);
      MappedTensor m = mapping.tensor(names[i]);
      int bits = t.bits();
      int lrQ16;
      if (sl1Learning != null) {
        int theta = ((NetworkConfig) mapping.network()).layers().get(0).theta();
        if (names[i].equals(WeightTensor.layerBias(0))) {
          shift[i] = LearningEngine.hiddenBiasShift(theta);
          bits = LearningEngine.learnedBiasBits(t.bits(), shift[i]);
        } else if (names[i].equals(WeightTensor.OUT_BIAS)) {
          shift[i] = LearningEngine.outputBiasShift(sl1Learning.outputFracBits());
          bits = LearningEngine.learnedBiasBits(t.bits(), shift[i]);
        }
        lrQ16 = sl1Learning.learningRate(names[i]);
      } else {
        lrQ16 = Sl1OnChipLearning.lrQ16(settings.lr(), m.lsb(), settings.masterFracBits());
      }
      if (names[i].equals(out.name())) {
        outIndex = i;
      }
      QuantizedAdamConfig c = new QuantizedAdamConfig(settings.stateBits(), settings.blockSize(),
          q.beta1Q20(), q.beta2Q20(), lrQ16, q.epsExp(), bits, settings.masterFracBits());
      adam[i] = new QuantizedAdam(c);
      state[i] = QuantizedAdamState.initial(c, t.length(), settings.seed() + i);
      int[] core = device.readWeights(names[i]);
      master[i] = new int[t.length()];
      weights[i] = new int[t.length()];
      coreValues[i] = core;
      grad[i] = new int[t.length()];
      lengths[i] = t.length();
      long min = -(1L << (bits - 1));
      long max = (1L << (bits - 1)) - 1;
      for (int j = 0; j < core.length; j++) {
        long w = Math.max(min, Math.min(max, LearningFixedPoint.shiftRound(core[j], shift[i])));
        weights[i][j] = (int) w;
        master[i][j] = (int) (w << settings.masterFracBits());
      }
    }
    this.outIndex = outIndex;
    this.outLsb = out.lsb();
    memory = LearningMemory.of(q, lengths);
    refreshOutputWeights();
  }

  private void refreshOutputWeights() {
    int[] w = weights[outIndex];
    for (int j = 0; j < w.length; j++) {
      outputWeights[j] = w[j] * outLsb;
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
   * tensor its quantized Adam state and integer masters. SL-1 only.
   */
  public LearningState learnerState() {
    LearningConfig learning = requireSl1("the learner's state image");
    List<LearningState.Tensor> tensors = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      QuantizedAdamConfig c = adam[i].config();
      QuantizedAdamState st = state[i];
      tensors.add(new LearningState.Tensor(names[i], st.length(), c.stateBits(), c.blockSize(),
          c.beta1Q20(), c.beta2Q20(), c.lrQ16(), c.epsExp(), c.weightBits(), c.masterFracBits(),
          shift[i], st.step(), st.beta1Pow(), st.beta2Pow(), st.rngState(), master[i],
          st.mCodes(), st.mScales(), st.rCodes(), st.rScales()));
    }
    NetworkConfig net = (NetworkConfig) mapping.network();
    int[] table = learning.surrogateTable();
    return new LearningState(net.inputs(), net.layers().get(0).size(),
        net.output().size(), learning.outputFracBits(), learning.surrogateShift(),
        table.length, LearningState.surrogateCrc(table), tensors);
  }

  private LearningConfig requireSl1(String what) {
    if (sl1Learning == null) {
      throw new UnsupportedOperationException("near-chip on target " + mapping.targetId()
          + ": " + what + " is SL-1's learning-state format; near-chip checkpoints run on target "
          + Sl1Target.ID + " only");
    }
    return sl1Learning;
  }

  @Override
  protected void saveMasters(StateMap s) {
    s.putBytes(OnChipPlacement.LEARNING_ENTRY, learnerState().toBytes());
  }

  @Override
  protected Runnable prepareMasters(StateMap s) {
    requireSl1("restoring the learner");
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
    return memory.stateBytesPerParameterMeasured();
  }

  @Override
  public String memoryReport() {
    return "near-chip learning memory (beside the core): " + memory.describe();
  }
}
