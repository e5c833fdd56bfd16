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
        small().adamSchedule("lazy").build(), small().placement("on-chip").build())) {
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
}
