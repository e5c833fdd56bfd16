package io.spikeloop.target.sl1;

import io.spikeloop.device.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resources of one core; a network that exceeds any of them is refused by the design-rule
 * check before anything is loaded.
 *
 * @param synapseMemoryBits total weight storage (sum over tensors of rows * cols * bits)
 */
public record CoreLimits(int maxInputs, int maxLayers, int maxNeuronsPerLayer, int maxNeurons,
                         int maxFanIn, int maxWeightBits, int maxMembraneBits, int maxOutputBits,
                         long synapseMemoryBits, int maxOutputs) {
  public CoreLimits {
    Checks.positive("maxInputs", maxInputs);
    Checks.positive("maxLayers", maxLayers);
    Checks.positive("maxNeuronsPerLayer", maxNeuronsPerLayer);
    Checks.positive("maxNeurons", maxNeurons);
    Checks.positive("maxFanIn", maxFanIn);
    Checks.range("maxWeightBits", maxWeightBits, 2, 16);
    Checks.range("maxMembraneBits", maxMembraneBits, 2, 32);
    Checks.range("maxOutputBits", maxOutputBits, 2, 32);
    Checks.positive("synapseMemoryBits", synapseMemoryBits);
    Checks.positive("maxOutputs", maxOutputs);
  }

  /** Limit names as {@link io.spikeloop.device.DeviceInfo#limits()} carries them. */
  public static final String MAX_INPUTS = "max_inputs";
  public static final String MAX_LAYERS = "max_layers";
  public static final String MAX_NEURONS_PER_LAYER = "max_neurons_per_layer";
  public static final String MAX_NEURONS = "max_neurons";
  public static final String MAX_FAN_IN = "max_fan_in";
  public static final String MAX_WEIGHT_BITS = "max_weight_bits";
  public static final String MAX_MEMBRANE_BITS = "max_membrane_bits";
  public static final String MAX_OUTPUT_BITS = "max_output_bits";
  public static final String SYNAPSE_MEMORY_BITS = "synapse_memory_bits";
  public static final String MAX_OUTPUTS = "max_outputs";

  /** These limits by name, in declaration order. */
  public Map<String, Long> toNames() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(MAX_INPUTS, (long) maxInputs);
    m.put(MAX_LAYERS, (long) maxLayers);
    m.put(MAX_NEURONS_PER_LAYER, (long) maxNeuronsPerLayer);
    m.put(MAX_NEURONS, (long) maxNeurons);
    m.put(MAX_FAN_IN, (long) maxFanIn);
    m.put(MAX_WEIGHT_BITS, (long) maxWeightBits);
    m.put(MAX_MEMBRANE_BITS, (long) maxMembraneBits);
    m.put(MAX_OUTPUT_BITS, (long) maxOutputBits);
    m.put(SYNAPSE_MEMORY_BITS, synapseMemoryBits);
    m.put(MAX_OUTPUTS, (long) maxOutputs);
    return m;
  }

  /** Limits read by name; a missing or out-of-range one is an error naming it. */
  public static CoreLimits fromNames(Map<String, Long> m) {
    return new CoreLimits(intLimit(m, MAX_INPUTS), intLimit(m, MAX_LAYERS),
        intLimit(m, MAX_NEURONS_PER_LAYER), intLimit(m, MAX_NEURONS), intLimit(m, MAX_FAN_IN),
        intLimit(m, MAX_WEIGHT_BITS), intLimit(m, MAX_MEMBRANE_BITS), intLimit(m, MAX_OUTPUT_BITS),
        limit(m, SYNAPSE_MEMORY_BITS), intLimit(m, MAX_OUTPUTS));
  }

  private static long limit(Map<String, Long> m, String name) {
    Long v = m.get(name);
    if (v == null) {
      throw new IllegalArgumentException("sl1 core limits lack '" + name + "'; they have "
          + m.keySet());
    }
    return v;
  }

  private static int intLimit(Map<String, Long> m, String name) {
    long v = limit(m, name);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("sl1 core limit " + name + " = " + v + " is out of range");
    }
    return (int) v;
  }
}
