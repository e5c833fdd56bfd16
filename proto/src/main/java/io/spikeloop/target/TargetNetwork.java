package io.spikeloop.target;

import io.spikeloop.device.WeightTensor;
import java.util.List;

/**
 * A network described in one target's own terms (layers, widths, neuron constants, ...). What
 * every target shares is only what the generic device contract needs: the input axons frames
 * address, the outputs a step reads out, the hidden layers whose spikes and membranes a step may
 * expose, and the named integer weight tensors hosts write and read.
 */
public interface TargetNetwork {
  /** The target this network is for, e.g. {@code sl1}. */
  String targetId();

  /** Input axons a {@link io.spikeloop.device.SpikeFrame} may address: ids 0..inputs-1. */
  int inputs();

  /** Outputs every {@link io.spikeloop.device.StepResult} carries. */
  int outputs();

  /** Neurons of each hidden layer, in the order step results list their spikes and membranes. */
  int[] hiddenLayerSizes();

  /** Every weight tensor with its shape and width, in the target's fixed order. */
  List<WeightTensor> tensors();

  /** The tensor with this name, or an exception naming the tensors that exist. */
  default WeightTensor tensor(String name) {
    for (WeightTensor t : tensors()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no weight tensor '" + name + "' in this " + targetId()
        + " network; it has " + tensors().stream().map(WeightTensor::name).toList());
  }

  /** This network as the target's typed bytes (kind {@link TargetState#KIND_NETWORK}). */
  TargetState encode();
}
