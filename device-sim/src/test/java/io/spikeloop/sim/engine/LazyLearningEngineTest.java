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
import io.spikeloop.target.sl1.LearningState;
import io.spikeloop.target.sl1.Sl1Device;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event-driven (lazy) learning engine, {@code sim:learning=lazy} (docs/core-spec.md 9.7):
 * weight matrices learn presynaptic-unit-major, only the blocks of units that spiked step, the
 * core holds exactly what the masters say, and the cost model counts the visited parameters.
 */
class LazyLearningEngineTest {
  private static final int HIDDEN = LearningEngineTest.HIDDEN;
  private static final int INPUTS = LearningEngineTest.INPUTS;
  private static final int BLOCK = 16; // LearningEngineTest.learning's block size

  /** A device whose engine runs {@code schedule} (lazy or catchup), weights from the seed. */
  static SimDevice eventDrivenDevice(String schedule, long weightSeed) {
    SimDevice loaded = LearningEngineTest.loaded(weightSeed);
    String name = "sim:learning=" + schedule;
    SimDevice d = new SimDevice(name, SimOptions.parse(name), SimDevice.DEFAULT_LIMITS);
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
    assertEquals(AdamSchedule.CATCH_UP, SimOptions.parse("sim:learning=catchup").learning());
    var e = assertThrows(IllegalArgumentException.class,
        () -> SimOptions.parse("sim:learning=sparse"));
    assertTrue(e.getMessage().contains("dense, lazy or catchup"), e.getMessage());
    assertTrue(new SimDevice("x", SimOptions.parse("sim:learning=lazy"), SimDevice.DEFAULT_LIMITS)
        .info().version().contains("lazy"));
  }

  /**
   * Per step: blocks of W_in not overlapping the rows (inputs) that spiked keep their weights;
   * the core holds shiftRound(master, F) for every element (no write-back missed); the cycles are
   * the fixed part plus the visited parameters over four Adam lanes.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lazy", "catchup"})
  void onlyTheBlocksOfSpikingUnitsStepAndTheCoreFollowsTheMasters(String schedule) {
    SimDevice d = eventDrivenDevice(schedule, 3);
    Sl1Device.enableLearning(d, LearningEngineTest.learning(7, 8, 40 << 16));
    LearningEngine engine = d.learningEngine();
    assertEquals(AdamSchedule.parse(schedule), engine.schedule());
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

  @ParameterizedTest
  @ValueSource(strings = {"lazy", "catchup"})
  void checkpointedEventDrivenLearningResumesBitIdentically(String schedule) {
    SimDevice a = eventDrivenDevice(schedule, 5);
    Sl1Device.enableLearning(a, LearningEngineTest.learning(2, 4, 30 << 16));
    SimDevice b = eventDrivenDevice(schedule, 5);
    Sl1Device.enableLearning(b, LearningEngineTest.learning(2, 4, 30 << 16));
    SplittableRandom ra = new SplittableRandom(9);
    SplittableRandom rb = new SplittableRandom(9);
    for (SpikeFrame f : LearningEngineTest.sample(1, ra)) {
      a.step(f, ReadoutLevel.OUTPUTS);
    }
    for (SpikeFrame f : LearningEngineTest.sample(1, rb)) {
      b.step(f, ReadoutLevel.OUTPUTS);
    }
    var saved = io.spikeloop.target.sl1.LearningState.fromBytes(
        Sl1Device.learningState(b).toBytes());
    assertEquals(AdamSchedule.parse(schedule).ordinal(), saved.schedule());
    assertEquals(schedule.equals("catchup") ? 1 : 0, saved.sections().size());
    Sl1Device.enableLearning(b, LearningEngineTest.learning(2, 4, 30 << 16));
    Sl1Device.restoreLearningState(b, saved);
    assertEquals(saved, Sl1Device.learningState(b), "restored as saved");
    for (SpikeFrame f : LearningEngineTest.sample(2, ra)) {
      a.step(f, ReadoutLevel.OUTPUTS);
    }
    for (SpikeFrame f : LearningEngineTest.sample(2, rb)) {
      b.step(f, ReadoutLevel.OUTPUTS);
    }
    for (WeightTensor t : a.config().tensors()) {
      assertArrayEquals(a.readWeights(t.name()), b.readWeights(t.name()), t.name());
    }
    assertEquals(Sl1Device.learningState(a), Sl1Device.learningState(b), "learning state");
  }

  /**
   * Catch-up moves weights the lazy engine leaves where they are (the momentum of skipped steps),
   * keeps per-block step counters in its weight matrices' states (the image's catchup.steps
   * section), and refuses, changing nothing, an image of another schedule, one without the
   * counters (version 1) and one whose counters lie beyond the tensor's step.
   */
  @Test
  void catchUpMovesSkippedBlocksAndRefusesImagesItCannotHonour() {
    SimDevice lazy = eventDrivenDevice("lazy", 5);
    SimDevice catchUp = eventDrivenDevice("catchup", 5);
    Sl1Device.enableLearning(lazy, LearningEngineTest.learning(2, 4, 30 << 16));
    Sl1Device.enableLearning(catchUp, LearningEngineTest.learning(2, 4, 30 << 16));
    for (int s = 0; s < 3; s++) {
      SplittableRandom ra = new SplittableRandom(20 + s);
      SplittableRandom rb = new SplittableRandom(20 + s);
      for (SpikeFrame f : LearningEngineTest.sample(s, ra)) {
        lazy.step(f, ReadoutLevel.OUTPUTS);
      }
      for (SpikeFrame f : LearningEngineTest.sample(s, rb)) {
        catchUp.step(f, ReadoutLevel.OUTPUTS);
      }
    }
    String in = WeightTensor.layerIn(0);
    assertFalse(java.util.Arrays.equals(lazy.readWeights(in), catchUp.readWeights(in)),
        "catch-up applies skipped momentum moves the lazy engine does not");
    LearningEngine engine = catchUp.learningEngine();
    assertTrue(engine.states().stream().anyMatch(st -> st.blockSteps() != null
        && java.util.Arrays.stream(st.blockSteps()).anyMatch(t -> t > 0 && t < st.step())),
        "some block last stepped before the current step");
    LearningState saved = Sl1Device.learningState(catchUp);
    List<int[]> counters = saved.catchUpBlockSteps();
    assertEquals(0, counters.get(counters.size() - 1).length, "a dense bias has no counters");
    int[] before = catchUp.readWeights(in);

    var e = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(catchUp, Sl1Device.learningState(lazy)));
    assertTrue(e.getMessage().contains("schedule is lazy, the engine has catchup"),
        e.getMessage());
    LearningState withoutCounters = new LearningState(saved.inputs(), saved.hidden(),
        saved.outputs(), saved.outputFracBits(), saved.surrogateShift(), saved.surrogateLength(),
        saved.surrogateCrc(), saved.tensors(), saved.rule(), saved.schedule(), List.of());
    e = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(catchUp, withoutCounters));
    assertTrue(e.getMessage().contains("section catchup.steps is missing (the engine's takes"),
        e.getMessage());
    List<int[]> future = new ArrayList<>();
    for (int[] c : counters) {
      future.add(c.clone());
    }
    future.get(0)[0] = saved.tensors().get(0).step() + 1;
    LearningState ahead = new LearningState(saved.inputs(), saved.hidden(), saved.outputs(),
        saved.outputFracBits(), saved.surrogateShift(), saved.surrogateLength(),
        saved.surrogateCrc(), saved.tensors(), saved.rule(), saved.schedule(),
        List.of(LearningState.catchUpSection(future)));
    e = assertThrows(IllegalArgumentException.class,
        () -> Sl1Device.restoreLearningState(catchUp, ahead));
    assertTrue(e.getMessage().contains("blockSteps[0]") && e.getMessage().contains("layer0.in"),
        e.getMessage());
    assertArrayEquals(before, catchUp.readWeights(in));
    assertEquals(saved, Sl1Device.learningState(catchUp), "nothing changed");
  }
}
