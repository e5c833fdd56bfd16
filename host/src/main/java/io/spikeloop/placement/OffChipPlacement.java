package io.spikeloop.placement;

import io.spikeloop.checkpoint.StateMap;
import io.spikeloop.data.SpikeSample;
import io.spikeloop.device.Capability;
import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Device;
import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.StepResult;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.target.sl1.LearnedTensor;

/**
 * hil and near-chip: the device runs each step in fixed point at {@link ReadoutLevel#FULL}; a
 * learner beside it computes the float tBPTT1 gradient from the readout, updates its masters and
 * writes back the tensors whose quantized values changed.
 */
abstract class OffChipPlacement extends DevicePlacement {
  protected final ReadoutGradient gradient;
  private long tensorWrites;

  OffChipPlacement(Device device, DeviceNetwork net, PlacementSettings settings) {
    super(device, net, settings, Capability.MEMBRANE_READOUT, Capability.WEIGHT_READBACK);
    if (net.config().layers().size() != 1) {
      throw new DesignRuleViolation("DR-LEARNING", name() + " placement supports one hidden layer; "
          + "this network has " + net.config().layers().size());
    }
    gradient = new ReadoutGradient(net);
  }

  /** Float W_out ([K][N]) the learner back-propagates through. */
  protected abstract double[] outputWeights();

  /** Applies the gradient buffers to the masters; writes changed tensors to the device. */
  protected abstract void update();

  /** Writes a tensor to the device (counted). */
  protected final void write(String tensor, int[] values) {
    device.writeWeights(tensor, values);
    tensorWrites++;
  }

  public long tensorWrites() {
    return tensorWrites;
  }

  @Override
  protected double trainSample(SpikeSample sample, int[] prediction) {
    int[] zPrev = new int[0];
    double loss = 0;
    StepResult r = null;
    long[] total = null;
    for (int t = 0; t < sample.steps(); t++) {
      int[] x = sample.spikesAt(t);
      r = device.step(new SpikeFrame(x), ReadoutLevel.FULL);
      if (total == null) {
        total = new long[r.outputs().length];
      }
      addOutputs(total, r.outputs());
      loss += gradient.compute(x, zPrev, r, outputWeights(), sample.label());
      update();
      zPrev = r.spikes()[0];
    }
    prediction[0] = r.argmaxOutput();
    prediction[1] = argmax(total);
    return loss / sample.steps();
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

  static String[] tensorNames(DeviceNetwork net) {
    return net.config().tensors().stream().map(WeightTensor::name).toArray(String[]::new);
  }

  /** The gradient buffer of a tensor. */
  protected final double[] gradientOf(String tensor) {
    return switch (LearnedTensor.named(tensor)) {
      case OUT_W -> gradient.gOut;
      case OUT_BIAS -> gradient.gOutBias;
      case IN -> gradient.gIn;
      case REC -> gradient.gRec;
      case BIAS -> gradient.gBias;
    };
  }
}
