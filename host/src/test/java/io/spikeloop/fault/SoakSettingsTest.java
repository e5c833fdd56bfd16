package io.spikeloop.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.spikeloop.placement.PlacementSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakSettingsTest {
  private static Soak.Settings settings(long steps, int chunk, int killEvery, int checkpointEvery) {
    return new Soak.Settings("sim", "sim", steps, chunk, 0.01, Fault.injectable(),
        killEvery, 1, Duration.ofSeconds(1), List.of(8), Path.of("device.slc"), checkpointEvery);
  }

  @Test
  void eachBadCountIsNamedWithItsValue() {
    assertEquals("steps must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> settings(0, 8, 0, 1)).getMessage());
    assertEquals("chunk must be >= 1, got -2",
        assertThrows(IllegalArgumentException.class, () -> settings(10, -2, 0, 1)).getMessage());
    assertEquals("kill interval must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> settings(10, 8, -1, 1)).getMessage());
    assertEquals("checkpoint interval must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> settings(10, 8, 0, 0)).getMessage());
    assertEquals(10, settings(10, 8, 0, 1).steps());
  }

  @Test
  void aLearningSoakNeedsOneHiddenLayerAndTheSameNetworkOnBothSides() {
    PlacementSettings learning = PlacementSettings.defaults(1e-3, 1);
    Soak.Settings forward = settings(10, 8, 0, 1);
    assertEquals(learning, forward.withLearning(learning, learning).learning());
    assertEquals("a learning soak needs the learning settings of both the served device and the "
        + "reference", assertThrows(IllegalArgumentException.class,
            () -> forward.withLearning(learning, null)).getMessage());
    Soak.Settings deep = new Soak.Settings("sim", "sim", 10, 8, 0.01, Fault.injectable(), 0, 1,
        Duration.ofSeconds(1), List.of(8, 8), Path.of("device.slc"), 1);
    assertEquals("a learning soak needs one hidden layer (the on-chip engine learns one), got "
        + "hidden sizes [8, 8]", assertThrows(IllegalArgumentException.class,
            () -> deep.withLearning(learning, learning)).getMessage());
    PlacementSettings fourBit = new PlacementSettings(4, 8, 64, 8, 1e-3, 0.9, 0.999, 1e-8, 16, 1);
    assertEquals("the served device and the reference must load the same network: weight bits 8 "
        + "vs 4, headroom 16.0 vs 16.0", assertThrows(IllegalArgumentException.class,
            () -> forward.withLearning(learning, fourBit)).getMessage());
  }
}
