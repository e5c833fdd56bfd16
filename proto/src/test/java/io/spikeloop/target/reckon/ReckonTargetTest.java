package io.spikeloop.target.reckon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Telemetry;
import io.spikeloop.target.Equivalence;
import io.spikeloop.target.Target;
import io.spikeloop.target.TargetState;
import io.spikeloop.target.Targets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReckonTargetTest {
  private final Target target = Targets.byId("reckon");

  @Test
  void isFoundByIdAndPromisesBitExactness() {
    assertTrue(target instanceof ReckonTarget);
    assertEquals(Equivalence.BIT_EXACT, target.equivalence());
    assertTrue(target.onChipLearning().isPresent());
  }

  @Test
  void networksSurviveTheirCodecForEverySwitch() {
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      ReckonNetwork net = ReckonRandomNetworks.network(random, i % 2 == 0);
      assertEquals(net, target.decodeNetwork(net.encode()));
    }
    ReckonNetwork full = ReckonNetwork.builder(256, 256, 16).build();
    assertEquals(full, target.decodeNetwork(full.encode()));
    assertEquals(3, full.tensors().size());
    assertEquals(256 * 16, full.tensor("w_out").length());
    assertEquals(16, full.tensor("w_out").rows(), "generic tensors are [post][pre]");
  }

  @Test
  void damagedOrForeignPayloadsAreRefusedByName() {
    TargetState good = ReckonNetwork.builder(4, 4, 2).build().encode();
    byte[] shortBytes = Arrays.copyOf(good.bytes(), good.bytes().length - 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        target.decodeNetwork(new TargetState("reckon", "network", 1, shortBytes)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        target.decodeNetwork(new TargetState("reckon", "network", 2, good.bytes())));
    assertTrue(e.getMessage().contains("format v2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        target.decodeNetwork(new TargetState("sl1", "network", 1, good.bytes())));
    assertTrue(e.getMessage().contains("expected a reckon network, got a sl1 network"),
        e.getMessage());
  }

  @Test
  void designRulesReadTheDevicesNamedLimits() {
    ReckonNetwork net = ReckonNetwork.builder(64, 32, 4).build();
    target.checkDesignRules(net, ReckonTarget.CHIP_LIMITS);
    DesignRuleViolation v = assertThrows(DesignRuleViolation.class, () ->
        target.checkDesignRules(net, Map.of(ReckonTarget.MAX_INPUTS, 32L)));
    assertEquals("RK-SIZES", v.rule());
    assertTrue(v.getMessage().contains("max_inputs = 32"), v.getMessage());
    // structural rules are refused when the network is built, before any device sees it
    v = assertThrows(DesignRuleViolation.class, () ->
        ReckonNetwork.builder(4, 4, 2).alpha(0x9000).build());
    assertEquals("RK-ALPHA", v.rule());
    v = assertThrows(DesignRuleViolation.class, () -> ReckonNetwork.builder(258, 4, 2).build());
    assertEquals("RK-SIZES", v.rule());
  }

  @Test
  void deviceStatesAndLearningPayloadsRoundTripAndAreChecked() {
    ReckonNetwork net = ReckonNetwork.builder(4, 6, 2).build();
    ReckonState s = new ReckonState(new short[] {1, -2, 3, -4, 5, -6}, new short[] {7, -8},
        new int[] {1, 2, 3, 4095}, new int[6], new int[] {0, 0, 0, 0, 0, 1023});
    TargetState encoded = ReckonCodecs.encodeState(s);
    target.checkDeviceState(net, encoded);
    assertEquals(s, ReckonCodecs.decodeState(encoded));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        target.checkDeviceState(ReckonNetwork.builder(4, 4, 2).build(), encoded));
    assertTrue(e.getMessage().contains("6 membranes, the network has 4"), e.getMessage());

    ReckonNetwork.Eprop eprop = ReckonRandomNetworks.network(new Random(3), true).eprop();
    TargetState config = ReckonCodecs.encodeLearningConfig(eprop);
    target.onChipLearning().get().checkConfig(net, config);
    assertEquals(eprop, ReckonCodecs.decodeLearningConfig(config));

    Random random = new Random(5);
    ReckonCodecs.LearningWeights w = new ReckonCodecs.LearningWeights(
        ReckonRandomNetworks.weights(random, net, ReckonTensor.INPUT),
        ReckonRandomNetworks.weights(random, net, ReckonTensor.RECURRENT),
        ReckonRandomNetworks.weights(random, net, ReckonTensor.OUTPUT));
    TargetState image = ReckonCodecs.encodeLearningState(net, w);
    target.onChipLearning().get().checkState(image);
    assertTrue(Arrays.equals(w.recurrent(), ReckonCodecs.decodeLearningState(image, net).recurrent()));
    byte[] damaged = image.bytes();
    damaged[10] ^= 1;
    e = assertThrows(IllegalArgumentException.class, () -> target.onChipLearning().get()
        .checkState(new TargetState("reckon", "learning-state", 1, damaged)));
    assertTrue(e.getMessage().contains("CRC-32"), e.getMessage());
  }

  /**
   * Learning configuration v2 carries LFSR seeds after the e-prop settings; v1 (no seeds) is
   * still read, and a version neither format knows is refused naming it.
   */
  @Test
  void learningConfigWithSeedsIsFormatTwoAndFormatOneStillReads() {
    ReckonNetwork net = ReckonNetwork.builder(4, 6, 2).build();
    ReckonNetwork.Eprop eprop = ReckonRandomNetworks.network(new Random(3), true).eprop();
    ReckonNetwork.Seeds seeds = new ReckonNetwork.Seeds(11, 12, 13, 14, 15, 16, 17, 18, 19);
    TargetState v2 = ReckonCodecs.encodeLearningConfig(eprop, seeds);
    assertEquals(2, v2.formatVersion());
    target.onChipLearning().get().checkConfig(net, v2);
    assertEquals(eprop, ReckonCodecs.decodeLearningConfig(v2));
    assertEquals(seeds, ReckonCodecs.decodeLearningConfigSeeds(v2));
    TargetState v1 = ReckonCodecs.encodeLearningConfig(eprop);
    assertEquals(1, v1.formatVersion());
    assertEquals(null, ReckonCodecs.decodeLearningConfigSeeds(v1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        ReckonCodecs.decodeLearningConfig(new TargetState("reckon", "learning-config", 3,
            v2.bytes())));
    assertTrue(e.getMessage().contains("format v3"), e.getMessage());
    byte[] v1WithSeeds = v2.bytes();
    e = assertThrows(IllegalArgumentException.class, () -> ReckonCodecs.decodeLearningConfig(
        new TargetState("reckon", "learning-config", 1, v1WithSeeds)));
    assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
  }

  @Test
  void costModelChargesPicojoulesPerSynapticOperation() {
    Telemetry t = Telemetry.builder().put(Telemetry.SOPS, 1000).put(Telemetry.CYCLES, 514)
        .put(ReckonTarget.LEARNING_CYCLES, 8736).build();
    assertEquals(5.3e-9, target.costModel().energyJoules(t), 1e-15);
    assertEquals(514, target.costModel().cycles(t));
    assertEquals(8736, target.costModel().learningCycles(t));
  }
}
