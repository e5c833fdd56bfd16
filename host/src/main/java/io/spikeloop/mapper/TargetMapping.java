package io.spikeloop.mapper;

import io.spikeloop.device.Device;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.TargetNetwork;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A float model as a target runs it: the target network, its integer tensors (each naming the
 * float tensor it stands for and the float value of one unit), the scales of membranes and
 * outputs, and what was lost on the way. A float tensor no target tensor stands for (ReckOn's
 * biases) reads back as zeros.
 *
 * @param model          the float model's shape and constants
 * @param network        the target's network description
 * @param tensors        one per target tensor, in the network's tensor order
 * @param membraneScale  per hidden layer, membrane units per float unit
 * @param outputScale    output units per float unit (device outputs / this = float outputs)
 * @param losses         what the mapping dropped, clipped or rounded, by name
 */
public record TargetMapping(SnnConfig model, TargetNetwork network, List<MappedTensor> tensors,
                            double[] membraneScale, double outputScale,
                            List<MappingLoss> losses) {
  public TargetMapping {
    tensors = List.copyOf(tensors);
    membraneScale = membraneScale.clone();
    losses = List.copyOf(losses);
  }

  public String targetId() {
    return network.targetId();
  }

  /** The tensor the target names {@code name}. */
  public MappedTensor tensor(String name) {
    for (MappedTensor t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("the " + targetId() + " mapping has no tensor " + name
        + "; it has " + tensors.stream().map(MappedTensor::name).toList());
  }

  /** Membrane scale of hidden layer {@code l}: u_float = u / scale. */
  public double membraneScale(int l) {
    return membraneScale[l];
  }

  /** The integers by target tensor name. */
  public Map<String, int[]> weights() {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (MappedTensor t : tensors) {
      w.put(t.name(), t.values());
    }
    return w;
  }

  /** Configures the device with the network and writes every tensor. */
  public void loadInto(Device device) {
    device.configure(network);
    for (MappedTensor t : tensors) {
      device.writeWeights(t.name(), t.view());
    }
  }

  /** The float parameters the mapped integers stand for. */
  public SnnParameters floatParameters() {
    return toFloat(weights());
  }

  /** The float parameters the device's current weights stand for. */
  public SnnParameters floatParameters(Device device) {
    Map<String, int[]> w = new LinkedHashMap<>();
    for (MappedTensor t : tensors) {
      w.put(t.name(), device.readWeights(t.name()));
    }
    return toFloat(w);
  }

  /** Float parameters from integers by target tensor name ({@code int * lsb}; others zero). */
  public SnnParameters toFloat(Map<String, int[]> weights) {
    SnnParameters p = SnnParameters.zeros(model);
    for (MappedTensor t : tensors) {
      int[] w = weights.get(t.name());
      if (w == null) {
        throw new IllegalArgumentException("no values for tensor " + t.name());
      }
      double[] v = p.tensor(t.floatTensor()).values();
      if (w.length != v.length) {
        throw new IllegalArgumentException(t.name() + ": " + w.length + " values, the float "
            + "tensor " + t.floatTensor() + " has " + v.length);
      }
      for (int i = 0; i < w.length; i++) {
        v[i] = w[i] * t.lsb();
      }
    }
    return p;
  }

  /** Values clipped over all tensors. */
  public long clipped() {
    return tensors.stream().mapToLong(MappedTensor::clipped).sum();
  }
}
