package io.spikeloop.sim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spikeloop.device.ReadoutLevel;
import io.spikeloop.device.SpikeFrame;
import io.spikeloop.device.WeightTensor;
import io.spikeloop.sim.SimDevice;
import io.spikeloop.sim.SimOptions;
import io.spikeloop.sim.learning.AdamSchedule;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The event-driven (lazy) learning engine, {@code sim:learning=lazy} (docs/core-spec.md 9.7):
 * weight matrices learn presynaptic-unit-major, only the blocks of units that spiked step, the
 * core holds exactly what the masters say, and the cost model counts the visited parameters.
 */
class LazyLearningEngineTest {
  private static final int HIDDEN = LearningEngineTest.HIDDEN;
  private static final int INPUTS = LearningEngineTest.INPUTS;
  private static final int BLOCK = 16; // LearningEngineTest.learning's block size

  private static SimDevice lazyDevice(long weightSeed) {
    SimDevice loaded = LearningEngineTest.loaded(weightSeed);
    SimDevice d = new SimDevice("sim:learning=lazy", SimOptions.parse("sim:learning=lazy"),
        SimDevice.DEFAULT_LIMITS);
    d.configure(LearningEngineTest.net(true));
    for (WeightTensor t : d.config().tensors()) {
      d.writeWeights(t.name(), loaded.readWeights(t.name()));
    }
    return d;
  }

  @Test
  void parsesTheSimOptionAndRefusesOthers() {
    assertEquals(AdamSchedule.LAZY, SimOptions.parse("sim:learning=lazy").learning());
    assertEquals(AdamSchedule.DENSE, SimOptions.parse("sim").learning());
    var e = assertThrows(IllegalArgumentException.class,
        () -> SimOptions.parse("sim:learning=catchup"));
    assertTrue(e.getMessage().contains("dense or lazy"), e.getMessage());
    assertTrue(new SimDevice("x", SimOptions.parse("sim:learning=lazy"), SimDevice.DEFAULT_LIMITS)
        .info().version().contains("lazy"));
  }

  /**
   * Per step: blocks of W_in not overlapping the rows (inputs) that spiked keep their weights;
   * the core holds shiftRound(master, F) for every element (no write-back missed); the cycles are
   * the fixed part plus the visited parameters over four Adam lanes.
   */
  @Test
  void onlyTheBlocksOfSpikingUnitsStepAndTheCoreFollowsTheMasters() {
    SimDevice d = lazyDevice(3);
    Sl1Device.enableLearning(d, LearningEngineTest.learning(7, 8, 40 << 16));
    LearningEngine engine = d.learningEngine();
    assertEquals(AdamSchedule.LAZY, engine.schedule());
    String in = WeightTensor.layerIn(0);
    SplittableRandom r = new SplittableRandom(11);
    long totalVisited = 0;
    int movedSteps = 0;
    for (int s = 0; s < 3; s++) {
      for (SpikeFrame f : LearningEngineTest.sample(s % 3, r)) {
        int[] before = d.readWeights(in);
        long cyclesBefore = d.telemetry().count(io.spikeloop.target.sl1.Sl1Target.LEARNING_CYCLES);
        d.step(f, ReadoutLevel.OUTPUTS);
        int[] after = d.readWeights(in);
        boolean[] listed = new boolean[(INPUTS * HIDDEN + BLOCK - 1) / BLOCK];
        for (int p : f.axons()) {
          for (int b = p * HIDDEN / BLOCK; b <= (p * HIDDEN + HIDDEN - 1) / BLOCK; b++) {
            listed[b] = true;
          }
        }
        for (int p = 0; p < INPUTS; p++) {
          for (int q = 0; q < HIDDEN; q++) {
            int preMajor = p * HIDDEN + q;
            int core = q * INPUTS + p;
            if (!listed[preMajor / BLOCK]) {
              assertEquals(before[core], after[core], "untouched block moved: input " + p);
            }
          }
        }
        movedSteps += java.util.Arrays.equals(before, after) ? 0 : 1;
        int[] masters = engine.masters(in);
        for (int p = 0; p < INPUTS; p++) {
          for (int q = 0; q < HIDDEN; q++) {
            long m = masters[p * HIDDEN + q];
            assertEquals((m + 128) >> 8, after[q * INPUTS + p], "core vs master at " + p + "," + q);
          }
        }
        long visited = engine.lastStepUpdates();
        totalVisited += visited;
        assertEquals(engine.stepCycles() - (engine.parameters() + 3) / 4 + (visited + 3) / 4,
            d.telemetry().count(io.spikeloop.target.sl1.Sl1Target.LEARNING_CYCLES) - cyclesBefore);
        assertTrue(visited < engine.parameters(), "lazy steps visit fewer than all parameters");
      }
    }
    assertTrue(movedSteps > 30, "weights learn: " + movedSteps);
    assertEquals(totalVisited, d.telemetry().count(io.spikeloop.device.Telemetry.LEARNING_UPDATES));
  }

  @Test
  void checkpointedLazyLearningResumesBitIdentically() {
    SimDevice a = lazyDevice(5);
    Sl1Device.enableLearning(a, LearningEngineTest.learning(2, 4, 30 << 16));
    SimDevice b = lazyDevice(5);
    Sl1Device.enableLearning(b, LearningEngineTest.learning(2, 4, 30 << 16));
    SplittableRandom ra = new SplittableRandom(9);
    SplittableRandom rb = new SplittableRandom(9);
    for (SpikeFrame f : LearningEngineTest.sample(1, ra)) {
      a.step(f, ReadoutLevel.OUTPUTS);
    }
    for (SpikeFrame f : LearningEngineTest.sample(1, rb)) {
      b.step(f, ReadoutLevel.OUTPUTS);
    }
    var saved = Sl1Device.learningState(b);
    Sl1Device.enableLearning(b, LearningEngineTest.learning(2, 4, 30 << 16));
    Sl1Device.restoreLearningState(b, saved);
    for (SpikeFrame f : LearningEngineTest.sample(2, ra)) {
      a.step(f, ReadoutLevel.OUTPUTS);
    }
    for (SpikeFrame f : LearningEngineTest.sample(2, rb)) {
      b.step(f, ReadoutLevel.OUTPUTS);
    }
    for (WeightTensor t : a.config().tensors()) {
      assertArrayEquals(a.readWeights(t.name()), b.readWeights(t.name()), t.name());
    }
    assertFalse(Sl1Device.learningState(a).tensors().isEmpty());
  }
}
