package io.spikeloop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code train --mode eprop} end to end, and the combinations it refuses before reading data. */
class EpropRunTest {

  private static TrainOptions.Builder small() {
    return TrainOptions.builder().mode("eprop").hidden(16).steps(20).epochs(1).batch(20)
        .trainSamples(100).testSamples(50);
  }

  @Test
  void anEpropRunTrainsAndSaysWhatItsTracesCost() throws Exception {
    List<String> messages = new ArrayList<>();
    TrainResult r = TrainRun.run(small().feedback("random").build(), new TrainRun.Listener() {
      @Override
      public void message(String line) {
        messages.add(line);
      }
    });
    assertEquals("eprop", r.summary().get("mode").asText());
    assertEquals("random", r.summary().get("feedback").asText());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("e-prop traces (random feedback)")
        && m.contains("independent of the 20 steps")), messages.toString());
    // tBPTT1's per-step settings: the general preset's tBPTT1 rate
    assertEquals(1e-4, small().build().resolved().lr());
  }

  @Test
  void refusesWhatEpropDoesNotImplement() {
    for (TrainOptions o : List.of(small().precision("float64").build(),
        small().hidden(8, 8).build(), small().optimizer("qadam").build(),
        small().adamSchedule("lazy").build())) {
      var e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(o,
          TrainRun.SILENT));
      assertTrue(e.getMessage().contains("eprop"), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class,
        () -> TrainOptions.builder().feedback("random").build());
    assertTrue(e.getMessage().contains("--feedback random"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> small().feedback("transposed").build());
  }

  /** {@code train --placement on-chip --mode eprop}: SL-1's engine runs the integer e-prop rule. */
  @Test
  void onChipEpropTrainsInTheEngineAndPrintsItsTraceMemory() throws Exception {
    List<String> messages = new ArrayList<>();
    TrainResult r = TrainRun.run(small().placement("on-chip").batch(1).trainSamples(30)
        .testSamples(20).build(), new TrainRun.Listener() {
          @Override
          public void message(String line) {
            messages.add(line);
          }
        });
    assertEquals("eprop", r.summary().get("mode").asText());
    assertEquals("on-chip", r.summary().get("placement").asText());
    // 700-16(rec)-20: int16 per hidden-layer parameter, int32 per input, unit and bias trace
    long traces = 2L * (700 + 16 + 1) * 16 + 4L * (700 + 16 + 1 + 16 + 1);
    String memory = messages.stream().filter(m -> m.startsWith("on-chip learning memory"))
        .findFirst().orElseThrow(() -> new AssertionError(messages.toString()));
    assertTrue(memory.contains("e-prop traces " + traces + " B"), memory);
    // the checkpoint image holds the traces too: more than them, the Adam state and masters
    var image = java.util.regex.Pattern.compile("learning-state image (\\d+) B").matcher(memory);
    assertTrue(image.find(), memory);
    long parameters = (700 + 16 + 1) * 16L + (16 + 1) * 20L;
    assertTrue(Long.parseLong(image.group(1)) > traces + 6 * parameters, memory);
    assertTrue(r.summary().get("learningUpdatesPerSample").asDouble() > 0);
  }

  @Test
  void devicePlacementsRefuseRandomFeedback() {
    for (String placement : List.of("hil", "near-chip", "on-chip")) {
      var e = assertThrows(IllegalArgumentException.class, () -> TrainRun.run(small()
          .placement(placement).batch(1).feedback("random").build(), TrainRun.SILENT));
      assertTrue(e.getMessage().contains("--feedback random is host-float only"), e.getMessage());
    }
  }

  /**
   * {@code train --placement on-chip --mode eprop --checkpoint-every 7}, stopped after one epoch
   * and resumed for a second, ends with the model file of an uninterrupted two-epoch run byte for
   * byte: the checkpoints carry the engine's traces (learning-state section eprop.traces).
   */
  @Test
  void onChipEpropCheckpointsAndResumesBitIdentically(@org.junit.jupiter.api.io.TempDir
                                                      java.nio.file.Path dir) throws Exception {
    TrainOptions.Builder onChip = small().placement("on-chip").batch(1).trainSamples(30)
        .testSamples(20);
    java.nio.file.Path whole = dir.resolve("whole");
    java.nio.file.Path split = dir.resolve("split");
    TrainResult a = TrainRun.run(onChip.epochs(2).out(whole).build(), TrainRun.SILENT);
    TrainRun.run(onChip.epochs(1).out(split).checkpointEvery(7).build(), TrainRun.SILENT);
    TrainResult c = TrainRun.resume(split, 2, TrainRun.SILENT);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        java.nio.file.Files.readAllBytes(whole.resolve(RunFolder.MODEL)),
        java.nio.file.Files.readAllBytes(split.resolve(RunFolder.MODEL)));
    assertEquals(a.lastTestAccuracy(), c.lastTestAccuracy());
    assertEquals(2, c.epochs().size());
    assertEquals("eprop", c.summary().get("mode").asText());
  }

  @Test
  void theTraceShiftKeepsTheLargestReachableTraceWithinInt16() {
    int[] table = {7000, 5000, 100};
    // alpha = kappa = 0: a trace holds one step, 7000 * 2^14 < 2^27 -> shift 12
    assertEquals(12, io.spikeloop.mapper.sl1.Sl1OnChipLearning.traceShift(table, 0, 0));
    // alpha = kappa = 3896 (tau 20 ms at 1 ms): 20.5x each -> 2^(27 + 8.7) -> shift 21
    assertEquals(21, io.spikeloop.mapper.sl1.Sl1OnChipLearning.traceShift(table, 3896, 3896));
  }
}
