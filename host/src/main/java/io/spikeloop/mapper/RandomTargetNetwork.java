package io.spikeloop.mapper;

import io.spikeloop.target.TargetNetwork;
import java.util.Map;

/**
 * A random network a target drew for a {@link RandomNetworkSpec}: its description, its integer
 * weights by tensor name, and its shape in words for reports.
 *
 * @param network the target network
 * @param weights every tensor's integers, {@code [post][pre]} as devices take them
 * @param shape   e.g. {@code recurrent 256-64-20} or {@code reckon 8-10-2}
 */
public record RandomTargetNetwork(TargetNetwork network, Map<String, int[]> weights,
                                  String shape) {
  public RandomTargetNetwork {
    weights = Map.copyOf(weights);
  }
}
