package io.spikeloop.device;

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
}
