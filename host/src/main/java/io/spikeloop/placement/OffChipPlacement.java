package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.mapper.ChipBackward;
import io.spikeloop.mapper.LearningOptions;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.TargetMapper;
import io.spikeloop.mapper.TargetMapping;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * hil and near-chip: the device runs each step in fixed point at {@link ReadoutLevel#FULL}; a
 * learner beside it computes the float tBPTT1 gradient from the readout through the float model
 * of the device's target ({@link TargetMapper#backward}; e-prop's with eligibility traces for
 * {@code --mode eprop}, {@link TargetMapper#epropBackward}), updates its masters and writes back
 * the tensors whose quantized values changed. Steps on which the backward has no gradient yet
 * (a chip whose outputs lag its inputs) update nothing and add no loss. On a chip that takes
 * weight writes only between samples ({@link TargetMapper#writesWeightsBetweenSamplesOnly}) the
 * masters still move at every step, and the tensors that changed are written after the sample.
 */
abstract class OffChipPlacement extends DevicePlacement {
  /** The float model tensor of the output weights the backward passes through. */
  static final String OUTPUT_WEIGHTS = "out.w";

  protected final ChipBackward gradient;
  /**
   * Float W_out ([K][N]) the learner back-propagates through; the subclass keeps it current (in
   * place).
   */
  protected final double[] outputWeights;
  /** Tensors changed during the sample, written after it (null: written at once). */
  private final Map<String, int[]> pendingWrites;
  private long tensorWrites;

  OffChipPlacement(Device device, TargetMapping mapping, TargetMapper mapper,
                   PlacementSettings settings) {
    super(device, mapping, settings, Capability.MEMBRANE_READOUT, Capability.WEIGHT_READBACK);
    if (mapping.model().layers() != 1) {
      throw new DesignRuleViolation("DR-LEARNING", name() + " placement supports one hidden layer; "
          + "this network has " + mapping.model().layers());
    }
    outputWeights = new double[mapping.model().outputs() * mapping.model().hiddenSize(0)];
    gradient = settings.learningRule().equals(LearningOptions.EPROP)
        ? mapper.epropBackward(mapping, outputWeights) : mapper.backward(mapping, outputWeights);
    pendingWrites = mapper.writesWeightsBetweenSamplesOnly() ? new LinkedHashMap<>() : null;
  }

  /** The target tensor standing for the float output weights. */
  static MappedTensor outputTensor(TargetMapping mapping) {
    for (MappedTensor t : mapping.tensors()) {
      if (t.floatTensor().equals(OUTPUT_WEIGHTS)) {
        return t;
      }
    }
    throw new IllegalArgumentException("the " + mapping.targetId() + " mapping has no tensor for "
        + OUTPUT_WEIGHTS);
  }

  /** Applies the gradient buffers to the masters; writes changed tensors to the device. */
  protected abstract void update();

  /**
   * Writes a tensor to the device (counted), or notes it for after the sample on a chip that
   * takes writes only between samples ({@code values} is read then).
   */
  protected final void write(String tensor, int[] values) {
    if (pendingWrites != null) {
      pendingWrites.put(tensor, values);
      return;
    }
    device.writeWeights(tensor, values);
    tensorWrites++;
  }

  /** Ends the sample on the device and writes what changed during it. */
  private void flushWrites() {
    if (pendingWrites == null || pendingWrites.isEmpty()) {
      return;
    }
    device.reset();
    for (Map.Entry<String, int[]> w : pendingWrites.entrySet()) {
      device.writeWeights(w.getKey(), w.getValue());
      tensorWrites++;
    }
    pendingWrites.clear();
  }

  /** The learner's e-prop traces for a memory report ("" for tBPTT1). */
  protected final String traceReport() {
    long bytes = gradient.traceBytes();
    return bytes == 0 ? "" : String.format(java.util.Locale.ROOT, " + e-prop traces %d B "
        + "(float64, one per hidden-layer parameter and per presynaptic and output unit, "
        + "independent of the number of steps)", bytes);
  }

  public long tensorWrites() {
    return tensorWrites;
  }

  @Override
  protected double trainSample(SpikeSample sample, int[] prediction) {
    gradient.startSample();
    double loss = 0;
    int losses = 0;
    StepResult r = null;
    long[] total = null;
    for (int t = 0; t < sample.steps(); t++) {
      int[] x = sample.spikesAt(t);
      r = device.step(new SpikeFrame(x), ReadoutLevel.FULL);
      if (total == null) {
        total = new long[r.outputs().length];
      }
      addOutputs(total, r.outputs());
      double stepLoss = gradient.step(x, r, sample.label());
      if (!Double.isNaN(stepLoss)) {
        loss += stepLoss;
        losses++;
        update();
      }
    }
    flushWrites();
    prediction[0] = r.argmaxOutput();
    prediction[1] = argmax(total);
    return losses == 0 ? 0 : loss / losses;
  }

  /** Checkpoint entry of the tensor-write counter. */
  static final String WRITES_ENTRY = "learner.tensorWrites";

  @Override
  protected final void saveLearner(StateMap s) {
    s.putLong(WRITES_ENTRY, tensorWrites);
    saveMasters(s);
  }

  @Override
  protected final Runnable prepareLearner(StateMap s) {
    long writes = s.getLong(WRITES_ENTRY);
    Runnable masters = prepareMasters(s);
    return () -> {
      masters.run();
      tensorWrites = writes;
    };
  }

  /** Adds the masters and the optimizer state to a checkpoint. */
  protected abstract void saveMasters(StateMap s);

  /**
   * Reads and checks what {@link #saveMasters} wrote; the returned step applies it (the
   * device's weights are restored by then, so the learner re-reads its copy of them).
   */
  protected abstract Runnable prepareMasters(StateMap s);

  static String[] tensorNames(TargetMapping mapping) {
    return mapping.tensors().stream().map(MappedTensor::name).toArray(String[]::new);
  }

  /** The gradient buffer of a target tensor. */
  protected final double[] gradientOf(String tensor) {
    return gradient.gradient(tensor);
  }
}
