package io.spikeloop.mapper;

import io.spikeloop.target.TargetNetwork;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A target's mapping as a file keeps it (NIR's {@code /spikeloop/fixed_point} group): the
 * target network, its integers by tensor name, the membrane and output scales, and the options
 * it was made with. The float side (each tensor's LSB and errors against the float model) is
 * not kept: the target's {@link NirFixedPointLayout#restore} recomputes it from the float
 * parameters the file also holds.
 *
 * @param membraneScale per hidden layer, membrane units per float unit
 * @param outputScale   output units per float unit
 */
public record StoredMapping(TargetNetwork network, Map<String, int[]> weights,
                            double[] membraneScale, double outputScale, MappingOptions options) {
  public StoredMapping {
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    membraneScale = membraneScale.clone();
  }

  /** What a file keeps of {@code mapping}, made with {@code options}. */
  public static StoredMapping of(TargetMapping mapping, MappingOptions options) {
    return new StoredMapping(mapping.network(), mapping.weights(), mapping.membraneScale(),
        mapping.outputScale(), options);
  }

  public String targetId() {
    return network.targetId();
  }

  @Override
  public double[] membraneScale() {
    return membraneScale.clone();
  }
}
