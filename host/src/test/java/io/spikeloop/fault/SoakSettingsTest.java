package io.spikeloop.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
