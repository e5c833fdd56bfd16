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

  /**
   * Limits by name, starting from the reference SL-1 core (1024 inputs, 4 layers, 1024 neurons
   * per layer, 2048 neurons, fan-in 1536, 16-bit weights, 32-bit membranes and outputs, 16 Mibit
   * of synapse memory, 256 outputs: {@code SimDevice.DEFAULT_LIMITS}).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    return new Builder().maxInputs(maxInputs).maxLayers(maxLayers)
        .maxNeuronsPerLayer(maxNeuronsPerLayer).maxNeurons(maxNeurons).maxFanIn(maxFanIn)
        .maxWeightBits(maxWeightBits).maxMembraneBits(maxMembraneBits)
        .maxOutputBits(maxOutputBits).synapseMemoryBits(synapseMemoryBits).maxOutputs(maxOutputs);
  }

  /** Named limits; {@link #build} checks them as the constructor does. */
  public static final class Builder {
    private int maxInputs = 1024;
    private int maxLayers = 4;
    private int maxNeuronsPerLayer = 1024;
    private int maxNeurons = 2048;
    private int maxFanIn = 1536;
    private int maxWeightBits = 16;
    private int maxMembraneBits = 32;
    private int maxOutputBits = 32;
    private long synapseMemoryBits = 16L << 20;
    private int maxOutputs = 256;

    private Builder() {}

    public Builder maxInputs(int v) {
      maxInputs = v;
      return this;
    }

    public Builder maxLayers(int v) {
      maxLayers = v;
      return this;
    }

    public Builder maxNeuronsPerLayer(int v) {
      maxNeuronsPerLayer = v;
      return this;
    }

    public Builder maxNeurons(int v) {
      maxNeurons = v;
      return this;
    }

    public Builder maxFanIn(int v) {
      maxFanIn = v;
      return this;
    }

    public Builder maxWeightBits(int v) {
      maxWeightBits = v;
      return this;
    }

    public Builder maxMembraneBits(int v) {
      maxMembraneBits = v;
      return this;
    }

    public Builder maxOutputBits(int v) {
      maxOutputBits = v;
      return this;
    }

    public Builder synapseMemoryBits(long v) {
      synapseMemoryBits = v;
      return this;
    }

    public Builder maxOutputs(int v) {
      maxOutputs = v;
      return this;
    }

    public CoreLimits build() {
      return new CoreLimits(maxInputs, maxLayers, maxNeuronsPerLayer, maxNeurons, maxFanIn,
          maxWeightBits, maxMembraneBits, maxOutputBits, synapseMemoryBits, maxOutputs);
    }
  }
}
