package io.spikeloop.hil.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.fault.Fault;
import io.spikeloop.fault.Soak;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-sized soak: the reference firmware served behind a faulty link, faults at random on
 * every kind, two server kills; every step must match the in-process simulator. The long soak is
 * {@code ./spikeloop soak} (docs/hil.md).
 */
class ShortSoakTest {
  @TempDir
  Path dir;

  @Test
  void faultsAtRandomAndServerKillsLeaveNoMismatch() throws Exception {
    Soak.Settings s = new Soak.Settings("board:ref", "sim", 1200, 8, 0.06, Fault.injectable(), 60,
        7, Duration.ofMillis(200), List.of(24), dir.resolve("device.slc"), 7);
    Soak.Figures f = Soak.run(s, TestInputs.dataset(6, 50), line -> { });
    assertEquals(1200, f.steps());
    assertEquals(2, f.serverKills());
    assertTrue(f.injectedTotal() >= 3, "faults were injected: " + f.injected());
    assertTrue(f.recoveries() >= f.serverKills(), "every kill was recovered from: " + f);
    assertTrue(f.replayedSteps() > 0, "steps since the checkpoint on disk ran again: " + f);
    assertTrue(f.failures() >= f.recoveries());
    assertEquals(0, f.mismatches(), f.toString());
  }
}
