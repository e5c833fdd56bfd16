package io.spikeloop.mapper.sl1;

import io.spikeloop.device.Device;
import io.spikeloop.target.sl1.NetworkConfig;
import java.util.List;
import java.util.Map;

/**
 * A float network as the core runs it: configuration, integer tensors by name (row-major
 * {@code [post][pre]}), and the quantization report.
 *
 * @param membraneScale per hidden layer, membrane units per float unit ({@code theta_int / theta})
 * @param outputScale   output units per float unit
 */
public record MappedNetwork(NetworkConfig config, Map<String, int[]> weights,
                            List<TensorReport> tensors, double[] membraneScale,
                            double outputScale) {
  public MappedNetwork {
    weights = Map.copyOf(weights);
    tensors = List.copyOf(tensors);
    membraneScale = membraneScale.clone();
  }

  /** Configures the device with this network and writes every tensor. */
  public void loadInto(Device device) {
    device.configure(config);
    for (var t : config.tensors()) {
      device.writeWeights(t.name(), weights.get(t.name()));
    }
  }

  /** Values clipped over all tensors. */
  public long clipped() {
    return tensors.stream().mapToLong(TensorReport::clipped).sum();
  }
}
