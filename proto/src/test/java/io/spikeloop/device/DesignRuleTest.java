package io.spikeloop.device;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.DesignRule;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesignRuleTest {
  /** inputs 64, 2 layers, 32 per layer, 50 neurons, fan-in 80, 8/16/20 bits, 20000 bits, 10 outputs. */
  private static final CoreLimits LIMITS = new CoreLimits(64, 2, 32, 50, 80, 8, 16, 20, 20_000, 10);

  private static LayerConfig layer(int size, boolean recurrent, int wBits, int uBits, int inputs) {
    return new LayerConfig(size, recurrent, wBits, 0, uBits, 100, 4096, inputs);
  }

  private static NetworkConfig net(int inputs, List<LayerConfig> layers, int outputs, int outWBits,
                                   int oBits) {
    return new NetworkConfig(inputs, layers, new OutputConfig(outputs, outWBits, 0, oBits, 4096));
  }

  /** 64 -> 32 -> 10, 8-bit weights: 64*32*8 + 32*16 + 10*32*8 + 10*20 = 19656 bits. */
  private static NetworkConfig fitting() {
    return net(64, List.of(layer(32, false, 8, 16, 64)), 10, 8, 20);
  }

  private static void refused(DesignRule rule, NetworkConfig net, CoreLimits limits,
                              String... numbers) {
    DesignRuleViolation v = assertThrows(DesignRuleViolation.class,
        () -> DesignRule.check(net, limits));
    assertEquals(rule.id(), v.rule());
    assertTrue(v.getMessage().contains(rule.id()), v.getMessage());
    for (String n : numbers) {
      assertTrue(v.getMessage().contains(n), v.getMessage() + " should name " + n);
    }
  }

  @Test
  void aNetworkWithinEveryLimitFits() {
    assertEquals(19656, DesignRule.synapseMemoryBits(fitting()));
    assertDoesNotThrow(() -> DesignRule.check(fitting(), LIMITS));
  }

  @Test
  void inputs() {
    refused(DesignRule.INPUTS, net(65, List.of(layer(32, false, 8, 16, 65)), 10, 8, 20), LIMITS,
        "65", "64");
  }

  @Test
  void layers() {
    refused(DesignRule.LAYERS, net(8, List.of(layer(4, false, 8, 16, 8), layer(4, false, 8, 16, 4),
        layer(4, false, 8, 16, 4)), 2, 8, 20), LIMITS, "3", "2");
  }

  @Test
  void neuronsPerLayer() {
    refused(DesignRule.NEURONS_PER_LAYER, net(8, List.of(layer(33, false, 8, 16, 8)), 2, 8, 20),
        LIMITS, "layer 0", "33", "32");
  }

  @Test
  void neuronsInTotal() {
    refused(DesignRule.NEURONS, net(8, List.of(layer(32, false, 8, 16, 8),
        layer(20, false, 8, 16, 32)), 2, 8, 20), LIMITS, "54", "50");
  }

  @Test
  void outputs() {
    refused(DesignRule.OUTPUTS, net(8, List.of(layer(8, false, 8, 16, 8)), 11, 8, 20), LIMITS,
        "11", "10");
  }

  @Test
  void fanInCountsRecurrentSynapses() {
    refused(DesignRule.FAN_IN, net(64, List.of(layer(20, true, 8, 16, 64)), 2, 8, 20), LIMITS,
        "84", "80");
  }

  @Test
  void fanInOfTheOutputLayer() {
    CoreLimits narrow = new CoreLimits(64, 2, 32, 50, 30, 8, 16, 20, 20_000, 10);
    refused(DesignRule.FAN_IN, net(20, List.of(layer(32, false, 8, 16, 20)), 2, 8, 20), narrow,
        "output", "32", "30");
  }

  @Test
  void weightBitsOfHiddenAndOutputLayers() {
    refused(DesignRule.WEIGHT_BITS, net(8, List.of(layer(8, false, 9, 16, 8)), 2, 8, 20), LIMITS,
        "layer 0", "9", "8");
    refused(DesignRule.WEIGHT_BITS, net(8, List.of(layer(8, false, 8, 16, 8)), 2, 9, 20), LIMITS,
        "output", "9");
  }

  @Test
  void membraneBits() {
    refused(DesignRule.MEMBRANE_BITS, net(8, List.of(layer(8, false, 8, 17, 8)), 2, 8, 20), LIMITS,
        "17", "16");
  }

  @Test
  void outputBits() {
    refused(DesignRule.OUTPUT_BITS, net(8, List.of(layer(8, false, 8, 16, 8)), 2, 8, 21), LIMITS,
        "21", "20");
  }

  @Test
  void synapseMemory() {
    CoreLimits small = new CoreLimits(64, 2, 32, 50, 80, 8, 16, 20, 19_655, 10);
    refused(DesignRule.SYNAPSE_MEMORY, fitting(), small, "19656", "19655");
  }
}
