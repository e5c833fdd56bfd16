package io.spikeloop.hil.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.fault.Fault;
import io.spikeloop.fault.Soak;
import io.spikeloop.placement.PlacementSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-sized soaks: the reference firmware served behind a faulty link, faults at random on
 * every kind, server kills; every step must match the in-process simulator, forward and learning
 * on chip. The long soak is {@code ./spikeloop soak} (docs/hil.md).
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

  private Soak.Settings learning(long referenceSeed) {
    return new Soak.Settings("board:ref", "sim", 400, 8, 0.03, Fault.injectable(), 20, 7,
        Duration.ofMillis(200), List.of(16), dir.resolve("learning.slc"), 5)
        .withLearning(PlacementSettings.defaults(1e-3, 7),
            PlacementSettings.defaults(1e-3, referenceSeed));
  }

  @Test
  void learningOnChipThroughFaultsAndKillsMatchesTheReferenceEveryStepAndCheckpoint()
      throws Exception {
    Soak.Figures f = Soak.run(learning(7), TestInputs.dataset(6, 50), line -> { });
    assertEquals(400, f.steps());
    assertTrue(f.serverKills() >= 2, "the server was killed (every 20 chunks run, replays "
        + "included): " + f);
    assertTrue(f.injectedTotal() >= 3, "faults were injected: " + f.injected());
    assertTrue(f.recoveries() >= f.serverKills(), "every kill was recovered from: " + f);
    assertTrue(f.replayedSteps() > 0, "steps since the checkpoint on disk ran again: " + f);
    assertTrue(f.learningUpdates() >= 400L * 16 * 4 && f.weightsChanged() > 0,
        "the engines learned: " + f);
    assertTrue(f.stateChecks() >= f.checkpointsWritten() && f.checkpointsWritten() > 5, f.toString());
    assertEquals(0, f.mismatches(), f.toString());
    assertEquals(0, f.stateMismatches(), f.toString());
    assertTrue(f.clean());
  }

  @Test
  void aReferenceLearningWithAnotherSeedIsCaught() throws Exception {
    Soak.Settings s = learning(8);
    Soak.Figures f = Soak.run(new Soak.Settings(s.device(), s.reference(), s.steps(), s.chunk(),
        0, s.faults(), 0, s.seed(), s.requestTimeout(), s.hidden(), s.checkpointFile(),
        s.checkpointEvery(), s.learning(), s.referenceLearning()), TestInputs.dataset(6, 50),
        line -> { });
    assertEquals(f.stateChecks(), f.stateMismatches(), "every checkpoint differs: " + f);
    assertTrue(f.mismatches() > 0, "the outputs part ways too: " + f);
    assertTrue(!f.clean());
  }
}
