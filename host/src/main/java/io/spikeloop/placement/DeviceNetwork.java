package io.spikeloop.placement;

import io.spikeloop.device.Device;
import io.spikeloop.mapper.MappedTensor;
import io.spikeloop.mapper.MappingOptions;
import io.spikeloop.mapper.TargetMapping;
import io.spikeloop.mapper.sl1.Sl1Mapper;
import io.spikeloop.mapper.sl1.Sl1OnChipLearning;
import io.spikeloop.mapper.sl1.MappedNetwork;
import io.spikeloop.model.SnnConfig;
import io.spikeloop.model.SnnParameters;
import io.spikeloop.target.sl1.LearningConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SL-1 network as the device placements map it, for SL-1 code that needs its records (the
 * soak, the continual demo, the mismatch study): SL-1's mapping with range headroom (the weight exponents are chosen for
 * {@code headroom} times the initial largest |w|, since weights grow while learning) and 32-bit
 * membranes and outputs, plus the float value of one LSB of every tensor, which turns device
 * integers back into float units and float learning rates into master LSBs.
 */
public record DeviceNetwork(SnnConfig model, MappedNetwork mapped, Map<String, Double> lsb) {
  public DeviceNetwork {
    lsb = Map.copyOf(lsb);
  }

  public static DeviceNetwork map(SnnParameters init, int weightBits, double headroom) {
    return of(new Sl1Mapper().map(init, options(weightBits, headroom), Map.of()));
  }

  /** What the placements ask a mapper for: these weight bits and headroom, 32-bit state. */
  static MappingOptions options(int weightBits, double headroom) {
    return MappingOptions.builder().weightBits(weightBits).membraneBits(32).outputBits(32)
        .weightHeadroom(headroom).build();
  }

  /** The SL-1 records of an SL-1 mapping; a mapping onto another target is refused by name. */
  public static DeviceNetwork of(TargetMapping mapping) {
    MappedNetwork mapped = Sl1Mapper.mappedNetwork(mapping);
    Map<String, Double> lsb = new LinkedHashMap<>();
    for (MappedTensor t : mapping.tensors()) {
      lsb.put(t.name(), t.lsb());
    }
    return new DeviceNetwork(mapping.model(), mapped, lsb);
  }

  /** SL-1's learning-engine configuration for these settings, as {@code on-chip} enables it. */
  public LearningConfig learningConfig(PlacementSettings settings) {
    return Sl1OnChipLearning.learningConfig(toMapping(), settings.learningOptions());
  }

  /** The generic view the device placements share. */
  public TargetMapping toMapping() {
    return Sl1Mapper.toMapping(model, mapped);
  }

  public NetworkConfig config() {
    return mapped.config();
  }

  public double lsb(String tensor) {
    Double v = lsb.get(tensor);
    if (v == null) {
      throw new IllegalArgumentException("no tensor " + tensor);
    }
    return v;
  }

  /** Membrane scale s of the hidden layer: u_float = u / s. */
  public double membraneScale() {
    return mapped.membraneScale()[0];
  }

  /** Output scale s_o: o_float = o / s_o. */
  public double outputScale() {
    return mapped.outputScale();
  }

  /** The float parameters the device's current weights stand for. */
  public SnnParameters floatParameters(Device device) {
    return toMapping().floatParameters(device);
  }
}
