package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.device.Device;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.NearChipLearning;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.sim.learning.GradientQuantizer;
import io.spikeloop.sim.learning.LearningFixedPoint;
import io.spikeloop.sim.learning.LearningMemory;
import io.spikeloop.sim.learning.QuantizedAdam;
import io.spikeloop.sim.learning.QuantizedAdamConfig;
import io.spikeloop.sim.learning.QuantizedAdamState;
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
 * <p>Each tensor's quantized Adam (learned width, learning rate in master LSBs) and the shift of
 * its learned integers onto the chip's come from the target's mapper
 * ({@link TargetMapper#nearChipLearning}); so do checkpoints, as the target's learning-state
 * image. On SL-1 these are the on-chip engine's bias geometry, rates and image, so the learner
 * is the engine's arithmetic bit for bit; a target without an image refuses checkpoints by name.
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
  /** The target's plan: per tensor its quantized Adam and shift, the checkpoint codec. */
  private final NearChipLearning learning;
  private final LearningMemory memory;

  public NearChipPlacement(Device device, TargetMapping mapping, TargetMapper mapper,
                           PlacementSettings settings) {
    super(device, mapping, mapper, settings);
    learning = mapper.nearChipLearning(mapping, settings.learningOptions());
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
      NearChipLearning.Tensor plan = learning.tensors().get(i);
      if (!plan.name().equals(names[i])) {
        throw new IllegalStateException("near-chip plan of target " + mapping.targetId()
            + " lists tensor " + plan.name() + " where the mapping has " + names[i]);
      }
      shift[i] = plan.shift();
      int bits = plan.adam().weightBits();
      if (names[i].equals(out.name())) {
        outIndex = i;
      }
      adam[i] = new QuantizedAdam(plan.adam());
      state[i] = QuantizedAdamState.initial(plan.adam(), t.length(), settings.seed() + i);
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
  public String notCheckpointable() {
    return learning.notCheckpointable();
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

  /** What the learner holds, per tensor in order (the arrays themselves, not copies). */
  private List<NearChipLearning.TensorState> learnerState() {
    List<NearChipLearning.TensorState> states = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      states.add(new NearChipLearning.TensorState(state[i], master[i]));
    }
    return states;
  }

  @Override
  protected void saveMasters(StateMap s) {
    s.putBytes(OnChipPlacement.LEARNING_ENTRY, learning.encodeState(learnerState()));
  }

  @Override
  protected Runnable prepareMasters(StateMap s) {
    List<NearChipLearning.TensorState> saved = learning.decodeState(
        s.bytes(OnChipPlacement.LEARNING_ENTRY, -1), learnerState());
    return () -> {
      for (int i = 0; i < names.length; i++) {
        int[] m = saved.get(i).masters();
        System.arraycopy(m, 0, master[i], 0, m.length);
        for (int j = 0; j < m.length; j++) {
          weights[i][j] = adam[i].config().coreWeight(m[j]);
        }
        state[i] = saved.get(i).adam();
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
    return "near-chip learning memory (beside the core): " + memory.describe() + traceReport();
  }
}
