package io.spikeloop.target.sl1;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.WeightTensor;
import java.util.List;

/**
 * The SL-1 design rules: what a network must satisfy to fit a core with given {@link CoreLimits}.
 * Every device refuses a network with the same rule name ({@link #id()}, carried by
 * {@link DesignRuleViolation#rule()} and on the wire in {@code Error.rule}), so hosts and the
 * contract suite can tell refusals apart whatever device they talk to.
 */
public enum DesignRule {
  /** Input axons: {@code inputs <= maxInputs}. */
  INPUTS("DR-INPUTS"),
  /** Hidden layers: {@code layers <= maxLayers}. */
  LAYERS("DR-LAYERS"),
  /** Neurons of each hidden layer: {@code size <= maxNeuronsPerLayer}. */
  NEURONS_PER_LAYER("DR-NEURONS-PER-LAYER"),
  /** Hidden plus output neurons: {@code totalNeurons <= maxNeurons}. */
  NEURONS("DR-NEURONS"),
  /** Outputs: {@code output.size <= maxOutputs}. */
  OUTPUTS("DR-OUTPUTS"),
  /**
   * Synapses converging on one neuron: {@code inputs + (recurrent ? size : 0) <= maxFanIn} for a
   * hidden layer, {@code lastHiddenSize <= maxFanIn} for the output layer.
   */
  FAN_IN("DR-FANIN"),
  /** Weight widths of every layer: {@code wBits <= maxWeightBits}. */
  WEIGHT_BITS("DR-WEIGHT-BITS"),
  /** Membrane widths: {@code uBits <= maxMembraneBits}. */
  MEMBRANE_BITS("DR-MEMBRANE-BITS"),
  /** Output width: {@code oBits <= maxOutputBits}. */
  OUTPUT_BITS("DR-OUTPUT-BITS"),
  /** Weight storage: sum over tensors of {@code rows * cols * bits <= synapseMemoryBits}. */
  SYNAPSE_MEMORY("DR-SYNAPSE-MEMORY");

  private final String id;

  DesignRule(String id) {
    this.id = id;
  }

  /** The rule's name as it appears in errors, e.g. {@code DR-FANIN}. */
  public String id() {
    return id;
  }

  /**
   * Checks every rule in declaration order and throws for the first one broken.
   *
   * @throws DesignRuleViolation naming the rule, the offending layer and both numbers
   */
  public static void check(NetworkConfig net, CoreLimits limits) {
    atMost(INPUTS, "inputs", net.inputs(), limits.maxInputs());
    atMost(LAYERS, "hidden layers", net.layers().size(), limits.maxLayers());
    List<LayerConfig> layers = net.layers();
    for (int l = 0; l < layers.size(); l++) {
      atMost(NEURONS_PER_LAYER, "layer " + l + " neurons", layers.get(l).size(),
          limits.maxNeuronsPerLayer());
    }
    atMost(NEURONS, "hidden + output neurons", net.totalNeurons(), limits.maxNeurons());
    atMost(OUTPUTS, "outputs", net.output().size(), limits.maxOutputs());
    for (int l = 0; l < layers.size(); l++) {
      LayerConfig c = layers.get(l);
      atMost(FAN_IN, "layer " + l + " fan-in (" + c.inputs() + " inputs"
          + (c.recurrent() ? " + " + c.size() + " recurrent)" : ")"), fanIn(c), limits.maxFanIn());
    }
    atMost(FAN_IN, "output fan-in", net.lastHiddenSize(), limits.maxFanIn());
    for (int l = 0; l < layers.size(); l++) {
      atMost(WEIGHT_BITS, "layer " + l + " wBits", layers.get(l).wBits(), limits.maxWeightBits());
      atMost(MEMBRANE_BITS, "layer " + l + " uBits", layers.get(l).uBits(),
          limits.maxMembraneBits());
    }
    atMost(WEIGHT_BITS, "output wBits", net.output().wBits(), limits.maxWeightBits());
    atMost(OUTPUT_BITS, "oBits", net.output().oBits(), limits.maxOutputBits());
    atMost(SYNAPSE_MEMORY, "weight storage bits", synapseMemoryBits(net),
        limits.synapseMemoryBits());
  }

  /** Synapses converging on one neuron of this hidden layer. */
  public static int fanIn(LayerConfig c) {
    return c.inputs() + (c.recurrent() ? c.size() : 0);
  }

  /** Weight storage the network needs: sum over its tensors of rows * cols * bits. */
  public static long synapseMemoryBits(NetworkConfig net) {
    long bits = 0;
    for (WeightTensor t : net.tensors()) {
      bits += (long) t.rows() * t.cols() * t.bits();
    }
    return bits;
  }

  private static void atMost(DesignRule rule, String what, long value, long limit) {
    if (value > limit) {
      throw new DesignRuleViolation(rule.id(), what + " = " + value + " exceeds the core's limit "
          + limit);
    }
  }
}
