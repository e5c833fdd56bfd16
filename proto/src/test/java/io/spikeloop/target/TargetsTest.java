package io.spikeloop.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.DesignRuleViolation;
import io.spikeloop.device.Telemetry;
import io.spikeloop.target.sl1.CoreLimits;
import io.spikeloop.target.sl1.LayerConfig;
import io.spikeloop.target.sl1.NetworkConfig;
import io.spikeloop.target.sl1.OutputConfig;
import io.spikeloop.target.sl1.Sl1Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {
  private static final NetworkConfig NET = new NetworkConfig(8,
      List.of(new LayerConfig(4, true, 8, 0, 16, 100, 3000, 8)),
      new OutputConfig(2, 8, 0, 16, 3500));

  @Test
  void sl1IsFoundByIdAndAnUnknownIdNamesTheTargetsThereAre() {
    Target sl1 = Targets.byId("sl1");
    assertEquals(Sl1Target.ID, sl1.id());
    assertTrue(sl1.equivalence().bitExact());
    var e = assertThrows(IllegalArgumentException.class, () -> Targets.byId("nosuch"));
    assertTrue(e.getMessage().contains("unknown target 'nosuch'") && e.getMessage().contains("sl1"),
        e.getMessage());
  }

  @Test
  void networksRoundTripThroughTheTargetAndDesignRulesReadNamedLimits() {
    Target sl1 = Targets.byId("sl1");
    assertEquals(NET, sl1.decodeNetwork(NET.encode()));
    CoreLimits limits = new CoreLimits(8, 1, 4, 6, 12, 8, 16, 16, 1 << 16, 2);
    sl1.checkDesignRules(NET, limits.toNames());
    CoreLimits narrow = new CoreLimits(4, 1, 4, 6, 12, 8, 16, 16, 1 << 16, 2);
    var v = assertThrows(DesignRuleViolation.class,
        () -> sl1.checkDesignRules(NET, narrow.toNames()));
    assertEquals("DR-INPUTS", v.rule());
    var missing = assertThrows(IllegalArgumentException.class,
        () -> sl1.checkDesignRules(NET, Map.of("max_inputs", 8L)));
    assertTrue(missing.getMessage().contains("max_layers"), missing.getMessage());
  }

  @Test
  void payloadsOfAnotherKindTargetOrVersionAreRefusedNamingBoth() {
    TargetState net = NET.encode();
    var e = assertThrows(IllegalArgumentException.class,
        () -> net.require("sl1", TargetState.KIND_DEVICE_STATE, 1));
    assertEquals("expected a sl1 device-state, got a sl1 network", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> net.require("sl1", "network", 2));
    assertTrue(e.getMessage().contains("format v1 is not readable"), e.getMessage());
  }

  @Test
  void telemetryIsNamedCountersThatSubtractNameByName() {
    Telemetry a = Telemetry.builder().put(Telemetry.STEPS, 10).put("saturations", 3)
        .measure(Telemetry.ENERGY_JOULES, 2.5).build();
    Telemetry b = Telemetry.builder().put(Telemetry.STEPS, 4).put("learning_cycles", 7)
        .measure(Telemetry.ENERGY_JOULES, 0.5).build();
    Telemetry d = a.minus(b);
    assertEquals(6, d.steps());
    assertEquals(3, d.count("saturations"));
    assertEquals(-7, d.count("learning_cycles"));
    assertEquals(2.0, d.energyJoules());
    assertEquals(0, d.count("not reported"));
    assertEquals(a, d.plus(b).minus(Telemetry.builder().put("learning_cycles", 0).build()));
  }

  @Test
  void equivalenceIsBitExactOrAStatedTolerance() {
    assertTrue(Equivalence.BIT_EXACT.outputsAgree(5, 5));
    assertFalse(Equivalence.BIT_EXACT.outputsAgree(5, 6));
    assertFalse(Equivalence.BIT_EXACT.spikesAgree(1, 1000));
    Equivalence loose = Equivalence.tolerance(2, 0.01);
    assertTrue(loose.outputsAgree(5, 7));
    assertFalse(loose.outputsAgree(5, 8));
    assertTrue(loose.spikesAgree(10, 1000));
    assertFalse(loose.spikesAgree(11, 1000));
    assertThrows(IllegalArgumentException.class, () -> new Equivalence(true, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Equivalence.tolerance(0, 1.5));
  }
}
